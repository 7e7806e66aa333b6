"""environment.yml names the same dependencies as pyproject.toml (no conda here: a static check)."""

import re
import tomllib

import yaml

from .conftest import ROOT

CONDA_NAMES = {"matplotlib-base": "matplotlib"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r): r for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted.update({_name(r): r for r in extra})
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {}
    for requirement in conda + pip:
        name = CONDA_NAMES.get(_name(requirement), _name(requirement))
        if name not in {"python", "pip", "-e"}:
            listed[name] = requirement.replace("matplotlib-base", "matplotlib").replace(" ", "")
    assert sorted(listed) == sorted(wanted)
    assert {n: r.replace(" ", "") for n, r in wanted.items()} == listed
    assert "-e ." in pip


def test_lock_pins_every_package_exactly():
    lines = [line for line in (ROOT / "requirements.lock").read_text().splitlines()
             if line and not line.startswith((" ", "#", "-e"))]
    assert lines and all("==" in line for line in lines)
    pinned = {_name(line) for line in lines}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert {_name(r) for r in project["dependencies"]} <= pinned
