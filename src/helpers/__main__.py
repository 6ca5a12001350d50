"""The workbook's command line: ``python -m helpers <command> [options]``.

Commands:
    report     one self-contained HTML report for a manager from your customer files
               (``python -m helpers report --help``).
    generate   a synthetic company of your own, e.g. one per class
               (``python -m helpers generate --help``).
    slides     offline slide decks, instructor guides and handouts for presenting the lessons
               (``python -m helpers slides --help``).
    grade      grade a class's handed-in exercise notebooks into a CSV and a summary
               (``python -m helpers grade --help``).

Exit status: the command's own (``report``: 0 written, 1 the data could not be read or
used, 2 usage error; see ``python -m helpers report --help``); 2 for a missing or unknown
command.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence

#: Each command and what it does, for the usage message.
COMMANDS = {
    "report": "one self-contained HTML report for a manager from your customer files",
    "generate": "a synthetic company of your own as CSV files, e.g. one per class",
    "slides": "offline slide decks, instructor guides and handouts for presenting the lessons",
    "grade": "grade a class's handed-in exercise notebooks into a CSV and a summary",
}

USAGE = (
    "usage: python -m helpers <command> [options]\n\ncommands:\n"
    + "".join(f"  {name:<9} {what}\n" for name, what in COMMANDS.items())
    + "\nHelp on a command: python -m helpers <command> --help\n"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a command; print the usage for help, no command or an unknown one.

    Returns
    -------
    int
        The command's exit status; 0 for help, 2 for a missing or unknown command.

    Examples
    --------
    >>> main(["--help"])  # doctest: +ELLIPSIS
    usage: python -m helpers <command> [options]
    ...
    0
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0
    if not args:
        print(f"python -m helpers: no command given.\n\n{USAGE}", end="", file=sys.stderr)
        return 2
    command = args[0]
    if command == "report":
        from helpers.report import main as report_main  # imported on demand: help stays instant

        return report_main(args[1:])
    if command == "generate":
        from helpers.data import generate_command

        return generate_command(args[1:])
    if command == "slides":
        from helpers.slides import main as slides_main

        return slides_main(args[1:])
    if command == "grade":
        from helpers.grading import main as grade_main

        return grade_main(args[1:])
    close = difflib.get_close_matches(command, list(COMMANDS), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    print(f"python -m helpers: unknown command {command!r}.{hint}\n\n{USAGE}", end="", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
