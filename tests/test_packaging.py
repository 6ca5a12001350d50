"""The project installs as promised: one list of dependencies, pinned, importable anywhere."""

import ast
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
    result = subprocess.run([sys.executable, "-c", "import helpers.checks, helpers.plots; print(helpers.__file__)"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(ROOT / "src" / "helpers")


LAYERS = {"model": 0, "data": 1, "presentation": 2}
PRESENTATION = {"plots", "checks", "widgets", "exercise_builder", "exercises", "notebook", "report"}  # packages count by their top name
DATA = {"synthetic", "data", "warehouse", "own_data", "example_data"}


def layer(module: str) -> int:
    top = module.split(".")[0]
    if top in PRESENTATION:
        return LAYERS["presentation"]
    if top in DATA:
        return LAYERS["data"]
    return LAYERS["model"]


def test_helpers_imports_only_go_downwards():
    """Model modules import no data or presentation module; data modules no presentation."""
    package = ROOT / "src" / "helpers"
    offences = []
    for path in package.rglob("*.py"):
        module = path.relative_to(package).with_suffix("").as_posix().replace("/", ".")
        if module in ("__init__", "__main__"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers"):
                names = [node.module.removeprefix("helpers").lstrip(".") or alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level:
                names = [node.module or alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name.removeprefix("helpers.") for a in node.names if a.name.startswith("helpers.")]
            offences += [f"{module} imports {n}" for n in names if layer(n) > layer(module)]
    assert not offences


def test_readme_shows_the_two_commands_and_ci_calls_the_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
