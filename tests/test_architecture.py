"""The shape of ``src/helpers``: layers, no cycles, public names only, one home per idea, units in names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from helpers import glossary

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "helpers"
MODULES = {
    path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__"): path
    for path in sorted(PACKAGE.rglob("*.py"))
    if path.name != "__main__.py"
}
TREES = {module: ast.parse(path.read_text(encoding="utf-8")) for module, path in MODULES.items()}

LAYERS = {"model": 0, "data": 1, "presentation": 2}
# Packages count by their top name; report.compute is the report's model work and may use only the model
# layer and the company's data model.
PRESENTATION = {
    "plots",
    "checks",
    "widgets",
    "exercise_builder",
    "exercises",
    "notebook",
    "report",
    # the instructor's tools: slide decks, guides, handouts, the code-free view and grading
    "slides",
    "guides",
    "handouts",
    "present",
    "grading",
    # the Spanish edition's catalogues (it reads the question banks)
    "translate",
}
DATA = {"company", "synthetic", "data", "warehouse", "own_data", "example_data", "engines"}


def layer(module: str) -> int:
    top = module.split(".")[0]
    if top in PRESENTATION:
        return LAYERS["presentation"]
    if top in DATA:
        return LAYERS["data"]
    return LAYERS["model"]


def imported(module: str) -> list[tuple[str, list[str]]]:
    """(helpers module, names taken from it) for every import in ``module``, at any depth."""
    found = []
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "helpers":
            base = node.module.removeprefix("helpers").lstrip(".")
            for alias in node.names:
                child = f"{base}.{alias.name}".lstrip(".")
                if child in MODULES:  # "from helpers.plots import loyalty": the submodule
                    found.append((child, []))
                else:
                    found.append((base, [alias.name]))
        elif isinstance(node, ast.Import):
            found += [(a.name.removeprefix("helpers."), []) for a in node.names if a.name.startswith("helpers.")]
    return found


def graph() -> dict[str, set[str]]:
    return {
        module: {target for target, _ in imported(module) if target in MODULES and target != module}
        for module in MODULES
    }


def test_imports_only_go_downwards():
    """Model modules import no data or presentation module; data modules no presentation."""
    offences = [
        f"{module} imports {target}"
        for module in MODULES
        for target, _ in imported(module)
        if target in MODULES and layer(target) > layer(module)
    ]
    assert not offences


def test_the_reports_numbers_use_only_the_model_layer_and_the_company():
    allowed = {target for target in MODULES if layer(target) == LAYERS["model"]} | {"company", "report.compute"}
    assert {target for target, _ in imported("report.compute")} <= allowed


def test_there_is_no_import_cycle():
    edges, state, cycles = graph(), {}, []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges[module]):
            if target.startswith(f"{module}.") or module.startswith(f"{target}."):
                continue  # a package and its own submodules
            if state.get(target) == "open":
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles


def test_no_module_imports_another_modules_private_names():
    """``_`` of helpers.i18n is public: gettext's name for "translate this", which the extractor looks for."""
    offences = [
        f"{module} imports {target}.{name}"
        for module in MODULES
        for target, names in imported(module)
        for name in names
        if name.startswith("_") and (target, name) != ("i18n", "_")
    ]
    assert not offences


def string_constants(module: str) -> set[str]:
    """Every string literal of a module except docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(TREES[module])
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(TREES[module])
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }


def test_spanish_terms_live_only_in_the_glossary():
    """One home for every Spanish label: other modules look terms up with glossary.spanish / label."""
    table = glossary.terms()
    # a word spelled the same in both languages ("social", "web") says nothing of where Spanish is written
    terms = {es for en, es in glossary.LABELS_ES.items() if es != en} | set(
        table.loc[table["Spanish"] != table["English"], "Spanish"]
    )
    offences = {module: sorted(string_constants(module) & terms) for module in MODULES if module != "glossary"}
    assert not {module: found for module, found in offences.items() if found}


def test_every_spanish_label_the_charts_need_exists():
    for name in (
        "stranger",
        "acquaintance",
        "friend",
        "partner",
        "lost",
        "platinum",
        "gold",
        "iron",
        "lead",
        "apostles",
        "mercenaries",
        "hostages",
        "terrorists",
        "indifferent",
        "not surveyed",
    ):
        assert glossary.label(name, "es")
    with pytest.raises(KeyError, match="LABELS_ES"):
        glossary.spanish("no such term")


def test_one_churn_rule_and_one_clv_formula():
    sources = {module: path.read_text(encoding="utf-8") for module, path in MODULES.items()}
    # The inactivity rule is written once, in retention; everyone else calls it or uses its default.
    assert [
        m
        for m, text in sources.items()
        if re.search(r"def \w*(churn|lifetimes)\w*\(", text)
        and "inactive_days" in text
        and "inactivity_churn(" not in text
        and m != "retention"
    ] == []
    fixed_days = [
        module
        for module, tree in TREES.items()
        for node in ast.walk(tree)
        if (isinstance(node, ast.keyword) and node.arg == "inactive_days" and isinstance(node.value, ast.Constant))
        or (
            isinstance(node, ast.arguments)
            and any(
                arg.arg == "inactive_days" and isinstance(default, ast.Constant)
                for arg, default in zip(
                    node.args[::-1] + node.kwonlyargs[::-1], node.defaults[::-1] + node.kw_defaults[::-1]
                )
            )
        )
    ]
    assert fixed_days == []  # a default or a fixed number of days other than retention.INACTIVE_DAYS
    assert [m for m, text in sources.items() if "lapse_days" in text] == []
    # Lifetime value: value.clv is the formula; bucket and profitability reach it, none repeats it.
    assert "clv(" in sources["bucket"] and "customer_value(" in sources["profitability"]
    assert [
        m for m, text in sources.items() if re.search(r"/\s*\(\s*1\s*\+\s*d\w*\s*-\s*r", text) and m != "value"
    ] == []


def discount_parameters():
    for module, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.args + node.args.kwonlyargs]
                for name in names:
                    if name in ("discount_rate", "annual_discount_rate"):
                        yield module, node, name


def test_discount_rates_say_their_unit():
    """``discount_rate`` is per period of the function's own time step (documented as such);
    a rate given per year and converted to another step is ``annual_discount_rate``."""
    offences = []
    for module, function, name in discount_parameters():
        doc = ast.get_docstring(function) or ""
        entry = re.search(rf"^\s*{name}[^\n]*\n?(.*?)(?:\n\s*\n|\Z)", doc, re.M | re.S)
        described = entry.group(0).lower() if entry else ""
        if function.name.startswith("_"):
            continue
        if name == "annual_discount_rate" and "year" not in described:
            offences.append(f"{module}.{function.name}: {name} not documented as yearly")
        if name == "discount_rate" and not ("period" in described or "year" in described):
            offences.append(f"{module}.{function.name}: {name} has no documented time unit")
        body = ast.unparse(function)
        if name == "discount_rate" and re.search(r"discount_rate\)?\s*\)?\s*\*\*\s*\(\s*1", body):
            offences.append(
                f"{module}.{function.name}: converts discount_rate to another step; name it annual_discount_rate"
            )
    assert not offences


def test_lesson_code_goes_where_the_naming_rule_says():
    """A chart or widget module is named after the model module whose results it shows."""
    for folder in ("plots", "widgets"):
        for path in (PACKAGE / folder).glob("*.py"):
            if path.stem != "__init__":
                assert (PACKAGE / f"{path.stem}.py").is_file(), f"{folder}/{path.name} has no model module {path.stem}"


def test_every_category_label_of_the_data_has_its_spanish_label():
    """What a chart or a table shows for a category (``label(name, "es")``) exists for every schema label,
    and two labels of one column never read the same in Spanish."""
    from helpers import schema

    missing = []
    for column, labels in schema.CATEGORIES.items():
        spanish = []
        for name in labels:
            try:
                spanish.append(glossary.label(name, "es"))
            except KeyError:
                missing.append(f"{column}: {name}")
        assert len(set(spanish)) == len(spanish), f"{column}: two labels read the same in Spanish: {spanish}"
    assert not missing, f"no Spanish label for {missing}"
