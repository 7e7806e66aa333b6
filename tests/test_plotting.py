import hashlib
import os
import subprocess
import sys
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import policytext as pt
from policytext.plotting import cjk_font_path, write_atomic

SCRIPT = """
import sys, pandas as pd, policytext as pt
table = pd.DataFrame({"word": ["区镇", "发展", "腾笼换鸟"], "count": [34, 30, 2]})
fig = pt.bar_chart(table, label="word", value="count", title="词频 · 河湖长制")
pt.save_figure(fig, "fig-test", results=sys.argv[1], notebook="test", title="词频")
"""


def test_chinese_renders_without_missing_glyphs():
    assert cjk_font_path().is_file()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        fig, ax = plt.subplots()
        ax.set_title("区镇一体化 河湖长制 腾笼换鸟 绿水青山就是金山银山 （一）：；")
        ax.set_xlabel("经济 政治 文化 社会 生态")
        for fmt in ("png", "svg", "pdf"):
            fig.savefig(os.devnull, format=fmt)
        plt.close(fig)


def _run(folder, seed):
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    subprocess.run([sys.executable, "-c", SCRIPT, str(folder)], check=True, env=env)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((folder / "figures").iterdir())}


def test_figures_are_byte_identical_across_processes(tmp_path):
    first, second = _run(tmp_path / "a", 1), _run(tmp_path / "b", 2)
    assert sorted(first) == ["fig-test.pdf", "fig-test.png", "fig-test.svg"]
    assert first == second
    assert (tmp_path / "a" / "MANIFEST.csv").read_bytes() == (tmp_path / "b" / "MANIFEST.csv").read_bytes()


def test_manifest_records_and_rechecks(tmp_path):
    table = pd.DataFrame({"part": ["review", "plan"], "share": [50.4, 49.6]})
    pt.save_table(table, "tab-test", results=tmp_path, notebook="nb")
    fig = pt.bar_chart(table, label="part", value="share")
    pt.save_figure(fig, "fig-test", results=tmp_path, notebook="nb", inputs="abc")
    listed = pt.manifest(tmp_path, notebook="nb")
    assert listed["file"].tolist() == ["figures/fig-test.pdf", "figures/fig-test.png",
                                       "figures/fig-test.svg", "tables/tab-test.csv"]
    assert listed["matches"].all()
    (tmp_path / "tables" / "tab-test.csv").write_text("changed\n")
    assert not pt.manifest(tmp_path, notebook="nb")["matches"].iloc[-1]


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_bad_figure_id():
    with pytest.raises(pt.InputError, match="plain file stem"):
        pt.save_figure(plt.figure(), "../escape")
