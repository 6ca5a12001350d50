"""The self-checking exercise machinery: verdicts, hints, solutions, binding."""

import pandas as pd
import pytest

from helpers.checks import Outcome, Question, ____, bind


class Shop:
    """A stand-in for a company: the checks only need what `expected` reads."""

    def __init__(self, sales):
        self.sales = pd.Series(sales)


def total_question(**kwargs):
    return Question(
        variable="total",
        expected=lambda shop: shop.sales.sum(),
        kind="number",
        hints=["Add them up.", "Use .sum()."],
        solution="total = shop.sales.sum()",
        **kwargs,
    )


def test_blank_is_not_attempted_and_never_raises():
    verdict = total_question().evaluate(____, Shop([1, 2]))
    assert verdict.outcome is Outcome.NOT_ATTEMPTED
    assert "total = ____" in verdict.message


@pytest.mark.parametrize("answer", [3, 3.0, 3 + 1e-9])
def test_right_number_is_correct(answer):
    assert total_question().evaluate(answer, Shop([1, 2])).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    "answer, reason",
    [
        (4, "too high"),
        (2, "too low"),
        ("3", "single number, not a str"),
        (pd.Series([1, 2]), "forget to reduce"),
        (True, "not a bool"),
        (float("nan"), "NaN"),
    ],
)
def test_wrong_number_says_why_without_giving_the_answer(answer, reason):
    verdict = total_question().evaluate(answer, Shop([1, 2]))
    assert verdict.outcome is Outcome.INCORRECT
    assert reason in verdict.message
    assert "3" not in verdict.message, "the expected answer (3) must never be shown"


def test_expected_answer_follows_the_data_not_a_constant():
    question = total_question()
    assert question.evaluate(3, Shop([1, 2])).outcome is Outcome.CORRECT
    assert question.evaluate(3, Shop([10, 20])).outcome is Outcome.INCORRECT
    assert question.evaluate(30, Shop([10, 20])).outcome is Outcome.CORRECT


def test_a_known_mistake_gets_its_own_explanation():
    question = total_question(mistakes=[(lambda answer, shop: answer == len(shop.sales), "You counted the sales.")])
    assert question.evaluate(2, Shop([1, 2])).message == "You counted the sales."


def test_choice_question_is_case_insensitive_and_rejects_unknown_labels():
    question = Question(
        variable="best",
        expected=lambda shop: shop.sales.idxmax(),
        kind="choice",
        choices=["web", "phone"],
        hints=["Look at idxmax."],
        solution="best = 'web'",
    )
    shop = Shop({"web": 5, "phone": 1})
    assert question.evaluate(" Web ", shop).outcome is Outcome.CORRECT
    assert question.evaluate("phone", shop).outcome is Outcome.INCORRECT
    assert "not one of the options" in question.evaluate("fax", shop).message
    assert "as a string" in question.evaluate(1, shop).message


def test_series_question_compares_index_and_values():
    question = Question(
        variable="shares",
        expected=lambda shop: shop.sales / shop.sales.sum(),
        kind="series",
        hints=["Divide by the total."],
        solution="shares = shop.sales / shop.sales.sum()",
    )
    shop = Shop({"a": 1, "b": 3})
    assert question.evaluate(pd.Series({"b": 0.75, "a": 0.25}), shop).outcome is Outcome.CORRECT
    assert "missing labels ['b']" in question.evaluate(pd.Series({"a": 0.25}), shop).message
    assert "'b'" in question.evaluate(pd.Series({"a": 0.25, "b": 0.7}), shop).message
    assert "pandas Series" in question.evaluate(0.25, shop).message


def test_a_question_without_its_variable_asks_for_the_code(capsys):
    ex = bind([total_question()], Shop([1, 2]), {})
    assert ex.q1.verdict().outcome is Outcome.NOT_ATTEMPTED
    ex.q1.check()
    said = capsys.readouterr().out
    assert "`# your code here`" in said and "total = ____" not in said


def test_bound_question_reads_the_notebook_namespace(capsys):
    namespace = {"total": ____}
    ex = bind([total_question()], Shop([1, 2]), namespace)
    ex.q1.check()
    assert "Not attempted" in capsys.readouterr().out
    namespace["total"] = 3
    ex.q1.check()
    assert "Question 1 — ✔ Correct" in capsys.readouterr().out


def test_hints_are_progressive_and_stop_at_the_last(capsys):
    ex = bind([total_question()], Shop([1]), {})
    for _ in range(3):
        ex.q1.hint()
    out = capsys.readouterr().out.splitlines()
    assert out == ["Hint 1 of 2: Add them up.", "Hint 2 of 2: Use .sum().", "Hint 2 of 2: Use .sum()."]


def test_solution_prints_the_code(capsys):
    bind([total_question()], Shop([1]), {}).q1.solution()
    assert "total = shop.sales.sum()" in capsys.readouterr().out


def test_a_choice_question_needs_choices():
    with pytest.raises(ValueError, match="needs its choices"):
        Question(variable="x", expected=lambda c: "a", kind="choice", hints=[], solution="")


def test_a_concept_question_has_a_fixed_label_and_explains_every_wrong_option():
    mistakes = [(lambda a, c: a == "social", "a points card is money back: financial.")]
    question = Question(
        variable="level",
        expected="financial",
        kind="concept",
        choices=["financial", "social"],
        hints=[],
        solution="level = 'financial'",
        mistakes=mistakes,
    )
    assert question.evaluate("Financial", None).outcome is Outcome.CORRECT
    assert question.evaluate("social", None).message == "a points card is money back: financial."
    with pytest.raises(ValueError, match=r"explain why each wrong option is wrong: \['structural'\]"):
        Question(
            variable="level",
            expected="financial",
            kind="concept",
            choices=["financial", "social", "structural"],
            hints=[],
            solution="",
            mistakes=mistakes,
        )
    with pytest.raises(ValueError, match="one of its choices"):
        Question(
            variable="level",
            expected=lambda c: "financial",
            kind="concept",
            choices=["financial"],
            hints=[],
            solution="",
        )
