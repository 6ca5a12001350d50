"""The project installs as promised: one list of dependencies, pinned, importable anywhere."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# conda-forge spells a few PyPI names differently.
CONDA_NAMES = {}


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def declared() -> dict[str, str]:
    specs = PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["test"]
    return {requirement_name(s): s.replace(" ", "") for s in specs}


def test_environment_yml_names_the_same_packages_as_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str) and requirement_name(entry) not in ("python", "pip"):
            conda[requirement_name(entry)] = entry.replace(" ", "")
    wanted = {CONDA_NAMES.get(name, name): spec for name, spec in declared().items()}
    assert conda == wanted
    assert "conda-forge" in env["channels"]
    pip_part = next(e["pip"] for e in env["dependencies"] if isinstance(e, dict))
    assert pip_part == ["--editable ."]


def test_environment_yml_asks_for_the_same_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{PYPROJECT['project']['requires-python']}" in env["dependencies"]


def test_lock_pins_every_declared_package_within_its_bounds():
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[requirement_name(name)] = version.split()[0]
    for name, spec in declared().items():
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned in requirements.lock"
        minimum = spec.split(">=")[1]
        assert tuple(map(int, pins[name].split(".")[:2])) >= tuple(map(int, minimum.split(".")[:2])), name


def test_helpers_imports_from_any_folder_without_path_edits(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import helpers.checks, helpers.plots; print(helpers.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(ROOT / "src" / "helpers")


def test_readme_shows_the_two_commands_and_ci_calls_the_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
