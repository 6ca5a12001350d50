"""The instructor guides: the parser (helpers.guides) and every guide checked against its lesson."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import guides, handouts

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GUIDES = sorted((ROOT / "instructor").glob("[0-9][0-9]_*.md"))

SAMPLE = """# 03 · The leaky bucket: instructor guide

**Class time:** 20 minutes. **Before class:** run the notebook once.

## Timing
| Section | Minutes |
|---|---|
| The idea | 8 |
| 1. Measure it | 12 |

## Speaker notes
### The idea
- **Say:** The base is a stock;
  acquisition and defections are flows.
- **Ask:** Where does it settle?
- **Expect:** At inflow / churn.
- **Watch for:** steady spend read as steady growth.

### 1. Measure it
- **Say:** Four counts give the model.
- **Ask:** How long does a customer stay?
- **Expect:** 1 / churn months.
- **Watch for:** end / start as retention.

## Discussion questions
1. **Is "no longer needed" a hole no one can plug?**
   *Model answer:* Partly: follow the customer
   to the next need.

## Misconceptions
- **"Advertising keeps the base growing."** It settles at inflow / churn.

## Exercises to assign
- In class: question 7.
- Homework: questions 1–3.

## Your class's own company
Counts change with the seed; the shape stays. See [the instructor overview](README.md#your-classs-own-company).

## Handout
- **Main chart:** The idea
- **Take-aways:** from the lesson.
"""


def write(tmp_path: Path, text: str, name: str = "03_leaky_bucket.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


# The parser ---------------------------------------------------------------------------------


def test_a_guide_in_the_format_is_read_whole(tmp_path):
    guide = guides.read_guide(write(tmp_path, SAMPLE))
    assert guide.lesson == "03"
    assert guide.title == "03 · The leaky bucket: instructor guide"
    assert guide.class_minutes == 20
    assert guide.before_class == "run the notebook once."
    assert guide.timing == [("The idea", 8), ("1. Measure it", 12)]
    assert guide.notes["The idea"] == {
        "say": "The base is a stock; acquisition and defections are flows.",
        "ask": "Where does it settle?",
        "expect": "At inflow / churn.",
        "watch": "steady spend read as steady growth.",
    }
    assert guide.discussion == [
        ('Is "no longer needed" a hole no one can plug?', "Partly: follow the customer to the next need.")
    ]
    assert guide.misconceptions == [('"Advertising keeps the base growing."', "It settles at inflow / churn.")]
    assert guide.exercises == ["In class: question 7.", "Homework: questions 1–3."]
    assert guide.own_company.startswith("Counts change with the seed")
    assert guide.main_chart_section == "The idea"


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (("## Misconceptions", "## Mistakes"), "## Mistakes", "expected '## Misconceptions' here, found '## Mistakes'"),
        (("| 1. Measure it | 12 |", "| 1. Measure it | twelve |"), "| 1. Measure it |", "expected a row"),
        (("- **Ask:** Where does it settle?\n", ""), "### The idea", "needs the four bullets"),
        (("### 1. Measure it", "### 1. Measure that"), "### 1. Measure that", "expected '### 1. Measure it'"),
        (("- **Expect:** At inflow / churn.", "- **Hope:** At inflow / churn."), "**Hope:**", "starts with one of"),
        (
            ("**Class time:** 20 minutes.", "**Class time:** twenty."),
            "**Class time:**",
            "'**Class time:** NN minutes.'",
        ),
        (("   *Model answer:* Partly", "   Partly"), "1. **Is", "'*Model answer:* ...'"),
        (("- **Main chart:** The idea\n", ""), "## Handout", "Main chart"),
    ],
)
def test_a_guide_off_the_format_is_refused_naming_the_file_and_the_line(tmp_path, change, where, message):
    text = SAMPLE.replace(*change)
    assert text != SAMPLE
    path = write(tmp_path, text)
    with pytest.raises(guides.GuideError) as raised:
        guides.read_guide(path)
    assert str(raised.value).startswith(f"{path}, line {line_of(text, where)}: ")
    assert message in str(raised.value)


def test_speaker_notes_must_cover_every_timing_row(tmp_path):
    text = SAMPLE.split("### 1. Measure it")[0] + "## Discussion questions" + SAMPLE.split("## Discussion questions")[1]
    with pytest.raises(guides.GuideError, match="no speaker notes for '1. Measure it'"):
        guides.read_guide(write(tmp_path, text))


def test_the_lesson_readers_on_a_lesson():
    lesson = guides.read_notebook(ROOT / "notebooks" / "03_leaky_bucket.ipynb")
    sections = guides.lesson_sections(lesson)
    assert sections[0] == "The idea: a bucket with holes (la teoría del balde)"
    assert "Take-aways" not in sections and "Key terms · Términos clave" not in sections
    assert guides.lesson_minutes(lesson) == (45, 60)
    assert guides.lesson_title(lesson).startswith("03 · The leaky bucket")
    assert guides.lesson_takeaways(lesson).startswith("- ")
    assert "For discussion" not in guides.lesson_takeaways(lesson)
    assert len(guides.lesson_discussion(lesson)) == 4
    assert guides.slide_heading(guides.section_cells(lesson, sections[1])[0]) == sections[1]
    with pytest.raises(KeyError, match="has no section"):
        guides.section_cells(lesson, "Nowhere")


@pytest.mark.parametrize(
    ("said", "minutes"),
    [
        ("45–60 minutes.", (45, 60)),
        ("60 minutes.", (60, 60)),
        ("about 45 minutes.", (45, 45)),
        ("60–75 minutes, plus 20 for x.", (60, 95)),
    ],
)
def test_the_lessons_time_is_read_as_a_range(said, minutes):
    cell = {"cell_type": "markdown", "metadata": {}, "source": f"**Time:** {said}"}
    assert guides.lesson_minutes({"cells": [cell]}) == minutes


# Every guide against its lesson -------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_every_lesson_has_a_guide(lesson):
    assert (ROOT / "instructor" / f"{lesson.stem}.md").is_file(), f"no instructor guide instructor/{lesson.stem}.md"


@pytest.fixture(params=GUIDES, ids=lambda path: path.stem)
def pair(request):
    lesson = ROOT / "notebooks" / f"{request.param.stem}.ipynb"
    assert lesson.is_file(), f"{request.param} has no lesson notebooks/{lesson.name}"
    return guides.read_guide(request.param), guides.read_notebook(lesson)


def test_every_section_has_a_timing_row_and_notes(pair):
    guide, lesson = pair
    assert [section for section, _ in guide.timing] == guides.lesson_sections(lesson)
    assert list(guide.notes) == guides.lesson_sections(lesson)


def test_the_timing_adds_up_to_the_class_time_within_the_lessons_range(pair):
    guide, lesson = pair
    assert sum(minutes for _, minutes in guide.timing) == guide.class_minutes
    fewest, most = guides.lesson_minutes(lesson)
    assert fewest <= guide.class_minutes <= most


def test_the_handouts_main_chart_exists(pair):
    guide, lesson = pair
    assert guide.main_chart_section in guides.lesson_sections(lesson)
    assert handouts.main_chart(lesson, guide.main_chart_section)[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_discussion_questions_are_the_lessons(pair):
    guide, lesson = pair
    assert [guides.plain(question) for question, _ in guide.discussion] == [
        guides.plain(question) for question in guides.lesson_discussion(lesson)
    ]
    assert all(answer for _, answer in guide.discussion)
