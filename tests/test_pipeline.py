"""analyze(): backends agree, rows in document order, Parquet round trip, atomic writes, resume, streaming, CLI."""

import json
import platform

import pandas as pd
import pytest

import policytext as pt
from policytext import pipeline
from policytext.cli import main
from policytext.errors import InputError
from policytext.pipeline import analyze, iter_corpus, read_analysis

from .conftest import run_python

pytest.importorskip("policytext.sentiment", reason="the tone stage (policytext.sentiment) is not there yet")
pytest.importorskip("policytext.targets", reason="the targets stage (policytext.targets) is not there yet")

TABLES = ["documents", "units", "tokens", "themes", "tone", "targets"]
# The cross-backend test leaves snownlp out: each worker would spend seconds loading its
# model; snownlp scores depend on the text alone and are checked in the serial run.
FAST = {"tone_methods": ("policy",), "chunk_size": 2}


@pytest.fixture(scope="module")
def small(national):
    """Six national reports, first 3,000 characters each, in reverse doc_id order."""
    docs = national[national["year"].notna()].head(6).iloc[::-1].reset_index(drop=True)
    docs["text"] = docs["text"].str[:3000]
    return docs


@pytest.fixture(scope="module")
def serial(small):
    return analyze(small, chunk_size=2)


def assert_same(a, b, tables=TABLES):
    for name in tables:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)


def rows(table):
    return sorted(map(tuple, table.astype(str).values.tolist()))


def test_tables_equal_the_stage_functions(small, serial, segmenter):
    """One jieba cut per unit, shared by the stages, gives what each stage gives alone."""
    from policytext.sentiment import tone
    from policytext.targets import targets

    units = pt.units(small)
    pd.testing.assert_frame_equal(serial.units, units)
    pd.testing.assert_frame_equal(serial.tokens, pt.tokens(units, segmenter))
    for codebook in ["five_in_one", "policy_instruments"]:
        alone = pt.themes(units, codebook=codebook, segmenter=segmenter)
        assert rows(serial.themes[serial.themes["codebook"] == alone["codebook"].iloc[0]]) == rows(alone)
    for method in ["policy", "snownlp"]:
        alone = tone(units, method=method, segmenter=segmenter if method == "policy" else None)
        assert rows(serial.tone[serial.tone["method"] == method]) == rows(alone)
    assert rows(serial.targets) == rows(targets(units, segmenter=segmenter))


def test_rows_follow_document_order_then_unit(small, serial):
    order = {doc_id: i for i, doc_id in enumerate(small["doc_id"])}
    for name in ["units", "tokens", "themes", "tone", "targets"]:
        table = getattr(serial, name)
        keys = list(zip(table["doc_id"].map(order), table["unit_id"]))
        assert keys == sorted(keys), name
    assert serial.units["doc_id"].iloc[0] == small["doc_id"].iloc[0] != min(small["doc_id"])


def test_serial_processes_and_dask_agree(small, tmp_path):
    # With out=, process-pool workers write their chunks themselves; Dask workers send them back.
    distributed = pytest.importorskip("distributed")
    one = analyze(small, **FAST)
    assert_same(one, analyze(small, backend="processes", n_jobs=2, **FAST))
    assert_same(one, analyze(small, backend="processes", n_jobs=2, out=tmp_path / "processes", **FAST))
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        assert_same(one, analyze(small, backend="dask", client=cluster, **FAST))
        assert_same(one, analyze(small, backend="dask", client=cluster, out=tmp_path / "dask", **FAST))


def test_parquet_round_trip_and_metadata(small, serial, tmp_path):
    folder = serial.to_parquet(tmp_path / "run")
    assert_same(serial, read_analysis(folder))
    text = (folder / "metadata.json").read_text("utf-8")
    meta = json.loads(text)
    assert text == json.dumps(meta, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    assert str(tmp_path) not in text and "/work" not in text
    assert meta["documents"] == small[["doc_id", "sha256"]].values.tolist()
    assert meta["stages"] == ["units", "tokens", "themes", "tone", "targets"]
    assert set(meta["resources"]["codebooks"]) == {"five_in_one", "policy_instruments"}
    first = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    serial.to_parquet(folder)
    assert first == {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_codebook_file_edited_between_runs_is_read_again(tmp_path):
    docs = pd.DataFrame({"doc_id": ["d"], "text": ["加强水利建设。发展旅游。"]})
    path = tmp_path / "mine.yaml"
    path.write_text("id: mine\nthemes:\n  - id: water\n    terms: {水利: 1}\n", encoding="utf-8")
    before = analyze(docs, stages=["themes"], codebooks=[str(path)])
    path.write_text("id: mine\nthemes:\n  - id: tourism\n    terms: {旅游: 1}\n", encoding="utf-8")
    after = analyze(docs, stages=["themes"], codebooks=[str(path)])
    assert before.themes["theme"].tolist() == ["water"]
    assert after.themes["theme"].tolist() == ["tourism"]


def test_interrupted_run_keeps_previous_result_and_resume_redoes_nothing(small, monkeypatch, tmp_path):
    stages = ("units", "tokens", "targets")
    out = tmp_path / "run"
    previous = analyze(small.head(2), stages=stages, out=out)
    clean = analyze(small, stages=stages, chunk_size=2)
    computed = []
    real = pipeline._chunk_tables

    def poisoned(docs, *args):
        if small["doc_id"].iloc[2] in set(docs["doc_id"]):
            raise RuntimeError("interrupted")
        computed.append(list(docs["doc_id"]))
        return real(docs, *args)

    monkeypatch.setattr(pipeline, "_chunk_tables", poisoned)
    with pytest.raises(RuntimeError, match="interrupted"):
        analyze(small, stages=stages, chunk_size=2, out=out)
    assert_same(previous, read_analysis(out), ["documents", *stages])
    assert computed == [list(small["doc_id"][:2])]

    monkeypatch.setattr(pipeline, "_chunk_tables", lambda docs, *a: computed.append(list(docs["doc_id"]))
                        or real(docs, *a))
    resumed = analyze(small, stages=stages, chunk_size=2, out=out, resume=True)
    assert computed[1:] == [list(small["doc_id"][2:4]), list(small["doc_id"][4:6])]
    assert_same(clean, resumed, ["documents", *stages])
    assert not (out / ".partial").exists()
    assert [p.name for p in sorted((out / "units").iterdir())] == ["part-00000.parquet", "part-00001.parquet",
                                                                   "part-00002.parquet"]


def test_resume_after_appending_documents_computes_only_the_new_chunk(small, monkeypatch, tmp_path):
    out = tmp_path / "run"
    analyze(small.head(4), stages=("units",), chunk_size=2, out=out)
    computed = []
    real = pipeline._chunk_tables
    monkeypatch.setattr(pipeline, "_chunk_tables", lambda docs, *a: computed.append(list(docs["doc_id"]))
                        or real(docs, *a))
    grown = analyze(small, stages=("units",), chunk_size=2, out=out, resume=True)
    assert computed == [list(small["doc_id"][4:6])]
    pd.testing.assert_frame_equal(grown.units, pt.units(small))


def test_iter_corpus_streams_what_load_corpus_loads(national, tmp_path):
    from tests.conftest import NATIONAL

    chunks = list(iter_corpus(NATIONAL, 25))
    assert [len(c) for c in chunks][:2] == [25, 25] and max(len(c) for c in chunks) == 25
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), national)
    table = national.head(5)[["title", "year", "text"]].assign(year=lambda t: t["year"].astype("float"))
    table.to_parquet(tmp_path / "c.parquet")
    streamed = pd.concat(iter_corpus(tmp_path / "c.parquet", 2), ignore_index=True)
    pd.testing.assert_frame_equal(streamed, pt.load_corpus(tmp_path / "c.parquet"))
    for i, text in enumerate(["第一份文件。", "第二份文件。", "第三份文件。"]):
        (tmp_path / f"d{i}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "c.parquet").unlink()
    pd.testing.assert_frame_equal(pd.concat(iter_corpus(tmp_path, 2), ignore_index=True), pt.load_corpus(tmp_path))


def test_streamed_corpus_gives_the_same_tables(small):
    stream = (small.iloc[i:i + 3] for i in range(0, len(small), 3))
    assert_same(analyze(small, stages=("units", "targets"), chunk_size=2),
                analyze(stream, stages=("units", "targets"), chunk_size=2), ["documents", "units", "targets"])


def test_bad_requests_raise_input_errors(small, tmp_path):
    with pytest.raises(InputError, match="unknown stage"):
        analyze(small, stages=("units", "topics"))
    with pytest.raises(InputError, match="resume=True needs out"):
        analyze(small, resume=True)
    with pytest.raises(InputError, match="unknown backend"):
        analyze(small, backend="threads")
    with pytest.raises(InputError, match="repeated"):
        analyze(iter([small.head(2), small.head(1)]), stages=("units",))
    with pytest.raises(InputError, match="no metadata.json"):
        read_analysis(tmp_path)


def test_cli_analyze_writes_a_readable_result(reference_docs, tmp_path, capsys):
    from tests.conftest import REFERENCE

    assert main(["analyze", str(REFERENCE), "--out", str(tmp_path / "r"), "--stages", "units,targets"]) == 0
    res = read_analysis(tmp_path / "r")
    pd.testing.assert_frame_equal(res.units, pt.units(reference_docs))
    assert res.tokens is None and len(res.targets) > 0
    assert "1 documents" in capsys.readouterr().out
    assert main(["analyze", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "r2")]) == 2


# A machine of an older kind, emulated: numpy without its AVX2/FMA loops (NPY_DISABLE_CPU_FEATURES)
# and OpenBLAS with its SSE3 kernels instead of the ones chosen for this CPU (they split dot products
# differently; the policy tone scores differed in the last bit in 39% of sentences before its sums
# were made exact).
OLDER_CPU = {"NPY_DISABLE_CPU_FEATURES": "X86_V3", "OPENBLAS_CORETYPE": "Prescott"}
TABLE_DIGESTS = """
import hashlib, pandas as pd, policytext as pt
reports = pt.load_corpus("data/external/national-gwr/government_work_reports.jsonl").iloc[[0, 30, 60]]
reports = reports.assign(text=reports["text"].str[:20000])
docs = pd.concat([pt.load_document("data/raw/qianjiang-quzhen-2017-work-report-excerpt.txt"), reports])
result = pt.analyze(docs.reset_index(drop=True), progress=False)
for name in ("documents", "units", "tokens", "themes", "tone", "targets"):
    table = getattr(result, name)
    rows = pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes()
    print(name, len(table), hashlib.sha256(rows).hexdigest())
"""


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="emulates an older x86-64 CPU")
def test_tables_are_the_same_bits_on_an_older_cpu():
    here, older = run_python(TABLE_DIGESTS), run_python(TABLE_DIGESTS, env=OLDER_CPU)
    assert here.count("\n") == 6 and " 0 " not in here
    assert here == older
