"""The code-free live view of a lesson, for the classroom: ``make present LESSON=03``.

Voilà runs the lesson notebook in a fresh kernel and serves its text, charts and working
widgets without any code, in the projector theme of ``etc/voila/templates/projector``
(large type, the whole width, black on white; the setup cells and warnings hidden). Only
that one lesson is served, from the repository, and the notebook file is only read::

    python -m helpers.present 03              # notebooks/03_leaky_bucket.ipynb on http://localhost:8866/
    python -m helpers.present 05 --port 9000 --no-browser

The kernel is *preheated*: Voilà runs the lesson as soon as it starts, before anyone opens
the page, and runs it again in the background after each visit, so a page reload in class
shows at once.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from helpers.guides import lessons_starting_with

#: The repository: the lessons are in ``notebooks/``, the projector template in ``etc/voila/``.
ROOT = Path(__file__).resolve().parents[2]

#: Where the lessons are.
LESSONS = ROOT / "notebooks"

#: The folder added to Jupyter's data path, so that Voilà finds ``voila/templates/projector`` in it.
TEMPLATES = ROOT / "etc"

#: The Voilà template of the projector view (``etc/voila/templates/projector``).
TEMPLATE = "projector"

#: Voilà's usual port; another free one is taken when it is busy.
DEFAULT_PORT = 8866


class LessonNotFound(ValueError):
    """No lesson, or more than one, starts with the prefix given."""


def find_lesson(prefix: str, folder: Path = LESSONS) -> Path:
    """The one lesson notebook in ``folder`` whose name starts with ``prefix``.

    Parameters
    ----------
    prefix : str
        The start of the lesson's file name: ``03``, ``03_leaky`` or the whole name (with
        or without ``.ipynb``); a lone digit means its lesson (``3`` is ``03``). ``es/03``
        is the lesson of the Spanish edition (``notebooks/es/``).
    folder : pathlib.Path
        The folder of the lessons (default: ``notebooks/``).

    Returns
    -------
    pathlib.Path
        The notebook.

    Raises
    ------
    LessonNotFound
        No prefix, no lesson with that prefix, or several (the message lists them).

    Examples
    --------
    >>> find_lesson("03").name
    '03_leaky_bucket.ipynb'
    >>> find_lesson("5").name
    '05_loyalty_matrix.ipynb'
    >>> find_lesson("es/03").relative_to(LESSONS).as_posix()
    'es/03_teoria_del_balde.ipynb'
    >>> find_lesson("0")
    Traceback (most recent call last):
    ...
    helpers.present.LessonNotFound: '0' matches 10 lessons: 00_welcome, 01_relationship_evolution, ...; give more of the name, e.g. LESSON=00
    """
    edition, _slash, prefix = prefix.strip().rpartition("/")
    if edition:
        folder = folder / edition
    names = ", ".join(path.stem for path in lessons_starting_with("", folder))
    prefix = prefix.removesuffix(".ipynb")
    if not prefix:
        raise LessonNotFound(f"name the lesson to present, e.g. make present LESSON=03; the lessons are: {names}")
    matches = lessons_starting_with(prefix, folder)
    if not matches:
        raise LessonNotFound(f"no lesson starts with {prefix!r} in {folder}; the lessons are: {names}")
    if len(matches) > 1:
        listed = ", ".join(path.stem for path in matches[:2]) + (", ..." if len(matches) > 2 else "")
        raise LessonNotFound(
            f"{prefix!r} matches {len(matches)} lessons: {listed}; "
            f"give more of the name, e.g. LESSON={matches[0].stem.split('_')[0]}"
        )
    return matches[0]


def free_port(preferred: int = DEFAULT_PORT, host: str = "localhost") -> int:
    """``preferred`` if nothing listens on it at ``host``, otherwise a port the system says is free.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as probe:
        try:
            probe.bind((host, preferred))
        except OSError:
            pass
        else:
            return preferred
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def voila_command(notebook: Path, port: int, *, open_browser: bool = True, python: str = sys.executable) -> list[str]:
    """The command that serves ``notebook`` alone, code-free, in the projector theme, on ``port``.

    Parameters
    ----------
    notebook : pathlib.Path
        The lesson (:func:`find_lesson`).
    port : int
        The port on ``localhost``; Voilà takes no other, so the URL printed is the right one.
    open_browser : bool
        Open the page in the default browser once the server runs.
    python : str
        The Python that has Voilà (default: this one).

    Returns
    -------
    list of str
        The command (see :func:`voila_environment` for its environment).

    Examples
    --------
    >>> command = voila_command(find_lesson("03"), 9000, open_browser=False)
    >>> command[1:4], command[4].endswith("03_leaky_bucket.ipynb")
    (['-m', 'voila', '--no-browser'], True)
    """
    return [
        python,
        "-m",
        "voila",
        *([] if open_browser else ["--no-browser"]),
        str(notebook),
        f"--port={port}",
        "--Voila.port_retries=0",
        "--Voila.ip=localhost",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        # Run the lesson before anyone asks for it, and again after each visit.
        "--preheat_kernel=True",
        "--pool_size=1",
        # The projector template and theme only: none chosen from the address bar (?voila-template=).
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--Voila.log_level=WARN",
    ]


def voila_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with ``etc/`` first on Jupyter's data path, where Voilà finds the projector template.

    >>> voila_environment({"JUPYTER_PATH": "/somewhere"})["JUPYTER_PATH"].split(os.pathsep)[1]
    '/somewhere'
    """
    path = [str(TEMPLATES), *[part for part in environ.get("JUPYTER_PATH", "").split(os.pathsep) if part]]
    return {**environ, "JUPYTER_PATH": os.pathsep.join(path)}


def main(argv: Sequence[str] | None = None) -> int:
    """Resolve the lesson, print its URL and hand the process over to Voilà (``make present``)."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.present",
        description="Serve one lesson code-free, with working widgets, in large type for a projector.",
    )
    parser.add_argument("lesson", nargs="?", default="", help="the start of the lesson's name, e.g. 03")
    parser.add_argument("--port", type=int, default=None, help=f"the port (default {DEFAULT_PORT}, or a free one)")
    parser.add_argument("--no-browser", action="store_true", help="only print the address; open no browser")
    args = parser.parse_args(argv)
    try:
        notebook = find_lesson(args.lesson)
    except LessonNotFound as err:
        print(f"present: {err}", file=sys.stderr)
        return 2
    port = args.port if args.port is not None else free_port()
    command = voila_command(notebook, port, open_browser=not args.no_browser)
    print(
        f"Presenting {notebook.relative_to(ROOT)} without code: open http://localhost:{port}/\n"
        "The page appears once the lesson has run (a few seconds). Ctrl+C stops.",
        flush=True,
    )
    os.chdir(ROOT)
    os.execve(command[0], command, voila_environment(os.environ))
    return 0  # pragma: no cover - execve does not return


if __name__ == "__main__":
    sys.exit(main())
