"""Build the exercise notebooks from the solution notebooks (``make exercises``).

``solutions/`` is the single source. In a solution notebook, code cells mark what the
student must write:

* a line ending in ``# SOLUTION`` that assigns an answer, ``share = churned / total  # SOLUTION``,
  becomes ``share = ____  # your answer``;
* the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become ``# your code here``.

Outputs and execution counts are removed, so students start from a clean notebook.

Usage: ``python -m helpers.exercise_builder SOLUTIONS_DIR EXERCISES_DIR [--check]``;
with ``--check`` nothing is written and the exit status says whether the exercises are
up to date.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

from helpers.i18n import _, speaking

ANSWER_LINE = re.compile(r"^(?P<indent>\s*)(?P<target>[A-Za-z_][\w\s,]*?)\s*=\s*.+?\s*#\s*SOLUTION\s*$")
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


def strip_solution(source: str) -> str:
    """Replace the marked solution code in one cell's source with placeholders.

    >>> strip_solution("n = len(df)  # SOLUTION")
    'n = ____  # your answer'
    """
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"line {number}: '{BEGIN}' inside another solution block")
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + _("# your code here"))
        elif stripped == END:
            if not inside:
                raise ValueError(f"line {number}: '{END}' without a '{BEGIN}'")
            inside = False
        elif inside:
            continue
        elif stripped.endswith("# SOLUTION"):
            match = ANSWER_LINE.match(line)
            if not match:
                raise ValueError(f"line {number}: a '# SOLUTION' line must assign an answer: {line!r}")
            targets = [t.strip() for t in match["target"].split(",")]
            blanks = ", ".join("____" for _ in targets)
            out.append(f"{match['indent']}{', '.join(targets)} = {blanks}  " + _("# your answer"))
        else:
            out.append(line)
    if inside:
        raise ValueError(f"a '{BEGIN}' block is never closed")
    return "\n".join(out)


def exercise_notebook(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercise version of a solution notebook: placeholders (in its edition's language), no outputs."""
    exercise = copy.deepcopy(solution)
    lang = exercise.metadata.get("course", {}).get("lang", "en")
    for cell in exercise.cells:
        if cell.cell_type != "code":
            continue
        with speaking(lang):
            cell.source = strip_solution(cell.source)
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)
    return exercise


def render(notebook: nbformat.NotebookNode) -> str:
    """Notebook JSON exactly as it is written to disk."""
    return nbformat.writes(notebook) + "\n"


def build(solutions_dir: Path, exercises_dir: Path, *, check: bool = False) -> list[Path]:
    """Write (or, with ``check``, compare) every exercise notebook.

    Returns the exercise files that were out of date (all of them written unless ``check``).
    """
    sources = sorted(Path(solutions_dir).glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no notebooks in {solutions_dir}")
    stale = []
    for source in sources:
        target = Path(exercises_dir) / source.name
        text = render(exercise_notebook(nbformat.read(source, as_version=4)))
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.exercise_builder SOLUTIONS EXERCISES``: write the exercise notebooks; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("solutions", type=Path)
    parser.add_argument("exercises", type=Path)
    parser.add_argument("--check", action="store_true", help="only report exercises that are out of date")
    args = parser.parse_args(argv)
    stale = build(args.solutions, args.exercises, check=args.check)
    for path in stale:
        print(("out of date: " if args.check else "wrote ") + str(path))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
