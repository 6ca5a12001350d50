"""The code-free lesson view (make present): finding the lesson, the Voilà command, the projector template.

The page itself is tested in a real browser: tests/browser/test_present.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import present
from helpers.present import LessonNotFound, find_lesson, free_port, voila_command, voila_environment


@pytest.fixture
def lessons(tmp_path):
    for name in ["00_welcome", "01_relationship_evolution", "03_leaky_bucket", "10_extra", "11_more"]:
        (tmp_path / f"{name}.ipynb").write_text("{}")
    (tmp_path / ".~03_leaky_bucket.ipynb").write_text("{}")  # an editor's lock file is no lesson
    (tmp_path / "03_notes.md").write_text("")  # nor is a file of another kind
    return tmp_path


@pytest.mark.parametrize("prefix", ["03", "3", "03_leaky", "03_leaky_bucket", "03_leaky_bucket.ipynb", " 03 "])
def test_a_prefix_finds_its_one_lesson(lessons, prefix):
    assert find_lesson(prefix, lessons) == lessons / "03_leaky_bucket.ipynb"


def test_an_unknown_prefix_names_the_lessons(lessons):
    with pytest.raises(LessonNotFound) as err:
        find_lesson("07", lessons)
    message = str(err.value)
    assert "no lesson starts with '07'" in message
    assert "00_welcome, 01_relationship_evolution, 03_leaky_bucket, 10_extra, 11_more" in message


def test_an_ambiguous_prefix_names_the_candidates_and_a_fix(lessons):
    with pytest.raises(LessonNotFound) as err:
        find_lesson("1", lessons)
    assert str(err.value) == "'1' matches 2 lessons: 10_extra, 11_more; give more of the name, e.g. LESSON=10"
    with pytest.raises(LessonNotFound, match=r"'0' matches 3 lessons: 00_welcome, 01_relationship_evolution, \.\.\."):
        find_lesson("0", lessons)


def test_no_prefix_says_how_to_name_one(lessons):
    with pytest.raises(LessonNotFound, match="make present LESSON=03; the lessons are: 00_welcome"):
        find_lesson("", lessons)


def test_every_course_lesson_has_a_prefix_of_its_own():
    for notebook in sorted(present.LESSONS.glob("*.ipynb")):
        assert find_lesson(notebook.name[:2]) == notebook


def test_the_command_serves_the_one_lesson_code_free_in_the_projector_template():
    notebook = find_lesson("03")
    command = voila_command(notebook, 9123, open_browser=False, python="python3")
    assert command[:4] == ["python3", "-m", "voila", "--no-browser"]
    assert command[4] == str(notebook)  # one notebook: Voilà serves nothing else
    options = dict(arg.split("=", 1) for arg in command[5:])
    assert options["--port"] == "9123"
    assert options["--Voila.port_retries"] == "0"  # the URL printed is the one served
    assert options["--Voila.ip"] == "localhost"
    assert options["--template"] == present.TEMPLATE
    assert options["--strip_sources"] == "True"
    assert options["--preheat_kernel"] == "True"
    assert options["--VoilaConfiguration.allow_template_override"] == "NO"
    assert "--no-browser" not in voila_command(notebook, 9123)


def test_the_environment_puts_the_projector_template_first_and_keeps_the_rest():
    environment = voila_environment({"PATH": "/bin", "JUPYTER_PATH": "/a" + os.pathsep + "/b"})
    assert environment["PATH"] == "/bin"
    assert environment["JUPYTER_PATH"].split(os.pathsep) == [str(present.TEMPLATES), "/a", "/b"]
    assert voila_environment({})["JUPYTER_PATH"] == str(present.TEMPLATES)
    template = present.TEMPLATES / "voila" / "templates" / present.TEMPLATE
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    assert (template / "index.html.j2").is_file()


def test_a_busy_port_is_replaced_by_a_free_one():
    with socket.socket() as busy:
        busy.bind(("localhost", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        other = free_port(taken)
        assert other != taken
        with socket.socket() as check:
            check.bind(("localhost", other))  # free indeed


def _render(notebook, monkeypatch) -> str:
    """The page Voilà streams for ``notebook`` in the projector template, its cells already executed."""
    from voila.exporter import VoilaExporter
    from voila.paths import collect_template_paths

    monkeypatch.setenv("JUPYTER_PATH", voila_environment(os.environ)["JUPYTER_PATH"])
    paths = collect_template_paths(["voila", "nbconvert"], present.TEMPLATE, prune=True)
    assert paths[0] == str(present.TEMPLATES / "voila" / "templates" / present.TEMPLATE)
    exporter = VoilaExporter(None, template_paths=paths, template_name=present.TEMPLATE, theme="light", base_url="/")
    exporter.exclude_input = exporter.exclude_input_prompt = exporter.exclude_output_prompt = True  # strip_sources

    async def kernel_start(nb):
        return "kernel-id"

    async def executed_cells(nb, kernel_id):  # Voilà executes each cell here; these carry their outputs
        for cell in nb.cells:
            yield cell

    async def page() -> str:
        context = {"frontend": "voila", "main_js": "voila.js", "kernel_start": kernel_start}
        context |= {"cell_generator": executed_cells, "progressive_rendering": False}
        resources = {"base_url": "/", "theme": "light", "template": present.TEMPLATE, "metadata": {"name": "lesson"}}
        snippets = exporter.generate_from_notebook_node(notebook, resources=resources, extra_context=context)
        return "".join([snippet async for snippet, _ in snippets])

    return asyncio.run(page())


def test_the_projector_template_shows_no_code_no_setup_cell_and_no_stderr(monkeypatch):
    setup = new_code_cell(
        "%load_ext helpers.notebook\nimport pandas as pd", metadata={"slideshow": {"slide_type": "skip"}}
    )
    setup.outputs = [new_output("stream", name="stdout", text="Loaded your data from mapping.toml\n")]
    result = new_code_cell("%%needs surveys\nprint('forty-two')")
    result.outputs = [
        new_output("stream", name="stdout", text="forty-two\n"),
        new_output("stream", name="stderr", text="UserWarning: a warning\n"),
    ]
    kernel = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}
    html = _render(
        new_notebook(cells=[new_markdown_cell("# The leaky bucket"), setup, result], metadata=kernel), monkeypatch
    )
    assert "The leaky bucket" in html and "forty-two" in html
    assert "%%needs" not in html and "import pandas" not in html  # no code
    assert "Loaded your data" not in html  # the setup cell runs but shows nothing
    assert "UserWarning" not in html  # warnings on stderr are not shown
    assert "cdn.jsdelivr.net" not in html  # no icon fonts from the network
    assert "--projector-font-size" in html and "function fitTables" in html  # the projector theme
    assert html.count("voila_process(") == 3  # the spinner still counts every cell


def test_an_unknown_lesson_stops_with_a_clear_message_and_no_server():
    done = subprocess.run(
        [sys.executable, "-m", "helpers.present", "77", "--no-browser"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "present: no lesson starts with '77'" in done.stderr
    assert "03_leaky_bucket" in done.stderr
