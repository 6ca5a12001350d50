"""Exercises that check themselves, in the style of Kaggle Learn.

An exercise notebook binds a lesson's questions to the student's data and namespace::

    from helpers.checks import ____
    from helpers.exercises import welcome
    ex = welcome.bind(company, globals())

    n_customers = ____      # the student replaces ____ with an answer
    ex.q1.check()           # correct / incorrect with a reason / not attempted
    ex.q1.hint()            # the next hint, one more each call
    ex.q1.solution()        # the model solution (code)

Expected answers are computed from the company the student has loaded, never written
into the question, so a class that regenerates the company with another seed still gets
correct checks. ``check`` never prints the expected answer.

Feedback speaks the language in use (:func:`helpers.i18n.use`): the checks' own words and
the question banks' hints, explanations and praise are looked up when they are printed,
numbers follow the language (:func:`helpers.formats.localize`), and a choice may be
answered with the Spanish term the glossary gives for it (``"mercenario"`` for
``"mercenary"``).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from helpers import glossary
from helpers.formats import localize
from helpers.i18n import N_, _


class _Blank:
    """The placeholder ``____`` that exercise notebooks ship with; it never raises."""

    def __repr__(self) -> str:
        return "____"


#: Placeholder for an answer the student has not given yet.
____ = _Blank()
#: What a check sees when the notebook has no variable of that name yet (a ``# your code here`` cell).
_UNWRITTEN = _Blank()


class Outcome(str, Enum):  # noqa: UP042 (a str mixin: feedback and tests compare outcomes with plain text)
    """What a check found: the answer is correct, incorrect, or not attempted yet."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not attempted"


@dataclass(frozen=True)
class Verdict:
    """The result of checking one answer: its outcome and the message the student sees."""

    outcome: Outcome
    message: str

    def __str__(self) -> str:
        mark = {
            Outcome.CORRECT: _("✔ Correct"),
            Outcome.INCORRECT: _("✘ Not yet"),
            Outcome.NOT_ATTEMPTED: _("… Not attempted"),
        }[self.outcome]
        return f"{mark}: {self.message}"


#: The kinds of answer a question checks (see :class:`Question`).
KINDS = ("number", "choice", "concept", "series")

#: A common mistake: a test on (answer, company) and the explanation to give when it holds.
Mistake = tuple[Callable[[Any, Any], bool], str]


@dataclass
class Question:
    """One self-checking question.

    Parameters
    ----------
    variable : name of the variable the student assigns the answer to.
    expected : function of the company that returns the right answer.
    kind : "number" (a single number, compared with ``rel_tol``), "choice" (one label
        from ``choices``, case-insensitive, the one the data supports), "concept" (one label
        from ``choices`` on the class notes' frameworks: ``expected`` is that label itself,
        the same whatever the data, and every wrong option has its own ``mistakes`` entry,
        called with the company None) or "series" (a pandas Series compared by index and
        values with ``rel_tol``).
    hints : shown one at a time, from gentle to explicit.
    solution : the model solution as code; it appears verbatim in the lesson's
        solutions notebook (a test makes sure).
    mistakes : common wrong answers, each recognised by a test on (answer, company),
        with the explanation to give.
    wrong : for a "concept" question, each wrong option (a choice) with the misconception
        it reveals.
    """

    variable: str
    expected: Callable[[Any], Any] | str
    kind: str
    hints: Sequence[str]
    solution: str
    choices: Sequence[str] = ()
    rel_tol: float = 1e-6
    mistakes: Sequence[Mistake] = ()
    success: str = N_("well done.")
    wrong: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.kind in ("choice", "concept") and not self.choices:
            raise ValueError(f"question on {self.variable!r}: a {self.kind} question needs its choices")
        if self.kind == "concept":
            self._fix_concept()

    def _fix_concept(self) -> None:
        """Check a concept question's label and its explanations; make ``expected`` a function like the others."""
        label = self.expected
        options = [c.lower() for c in self.choices]
        if not isinstance(label, str) or label.lower() not in options:
            raise ValueError(f"question on {self.variable!r}: a concept question's answer is one of its choices")
        unknown = [option for option in self.wrong if option.lower() not in options]
        if unknown:
            raise ValueError(f"question on {self.variable!r}: {unknown} are not among the choices")
        self.mistakes = [*self.mistakes, *((_says(option), why) for option, why in self.wrong.items())]
        unexplained = [
            option
            for option in self.choices
            if option.lower() != label.lower() and not any(applies(option, None) for applies, _why in self.mistakes)
        ]
        if unexplained:
            raise ValueError(f"question on {self.variable!r}: explain why each wrong option is wrong: {unexplained}")
        self.expected = lambda _company: label

    def evaluate(self, answer: Any, company: Any) -> Verdict:
        """Judge ``answer`` against the answer computed from ``company``, in the language in use.

        A choice or concept answer may be written as the option's Spanish term in the
        glossary (case and accents aside): it counts as that option.
        """
        if answer is _UNWRITTEN:
            return Verdict(
                Outcome.NOT_ATTEMPTED,
                _(
                    "write the code that stores your answer in `{variable}` where the cell says "
                    "`# your code here`, run it, then run the check again."
                ).format(variable=self.variable),
            )
        if isinstance(answer, _Blank):
            return Verdict(
                Outcome.NOT_ATTEMPTED,
                _("replace ____ in `{variable} = ____` with your answer, then run the check again.").format(
                    variable=self.variable
                ),
            )
        if self.kind in ("choice", "concept"):
            answer = self.option_for(answer)
        expected = self.expected(company)
        check = {"number": _wrong_number, "choice": self._wrong_choice, "concept": self._wrong_choice}
        problem = check.get(self.kind, _wrong_series)(answer, expected, self.rel_tol)
        if problem is None:
            return Verdict(Outcome.CORRECT, _(self.success))
        for applies, explanation in self.mistakes:
            try:
                if applies(answer, company):
                    return Verdict(Outcome.INCORRECT, _(explanation))
            except (TypeError, ValueError, KeyError):
                continue
        return Verdict(Outcome.INCORRECT, problem)

    def option_for(self, answer: Any) -> Any:
        """The choice ``answer`` names when it is written as the option's Spanish term; else ``answer`` itself.

        Case, accents and spaces aside; a term the glossary gives as alternatives
        ("fidelidad, lealtad") may be answered with either.

        Examples
        --------
        >>> question = Question("kind", "mercenary", "concept", (), "", choices=("apostle", "mercenary"),
        ...                     wrong={"apostle": "no"})
        >>> question.option_for("Mercenario"), question.option_for("apóstol"), question.option_for("mercenary")
        ('mercenary', 'apostle', 'mercenary')
        """
        if not isinstance(answer, str):
            return answer
        given = _plain(answer)
        if given in [c.lower() for c in self.choices]:
            return answer
        for option in self.choices:
            try:
                spanish = glossary.label(option, "es")
            except KeyError:
                continue
            if given in {_plain(spanish), *(_plain(part) for part in spanish.split(","))}:
                return option
        return answer

    def _wrong_choice(self, answer: Any, expected: Any, _tol: float) -> str | None:
        if not isinstance(answer, str):
            return _("answer with one of the labels {labels} as a string, e.g. `'{example}'`.").format(
                labels=list(self.choices), example=self.choices[0]
            )
        given = answer.strip().lower()
        if given not in [c.lower() for c in self.choices]:
            return _("{answer} is not one of the options {labels}.").format(
                answer=repr(answer), labels=list(self.choices)
            )
        if given != str(expected).lower():
            return _("that is one of the options, but not the one the data supports. Look again, or ask for a hint.")
        return None


def _plain(text: str) -> str:
    """``text`` lowercased, without accents, with single spaces: how a written choice is compared.

    >>> _plain("  Apóstoles  ")
    'apostoles'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _says(option: str) -> Callable[[Any, Any], bool]:
    """A test that the answer is ``option`` (a label, case and spaces aside)."""
    return lambda answer, _company: isinstance(answer, str) and answer.strip().lower() == option.lower()


def _wrong_number(answer: Any, expected: Any, rel_tol: float) -> str | None:
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        kind = type(answer).__name__
        extra = (
            " " + _("Did you forget to reduce it to one number (e.g. with len(), .sum() or .mean())?")
            if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list))
            else ""
        )
        return _("the answer should be a single number, not a {kind}.").format(kind=kind) + extra
    if math.isnan(float(answer)):
        return _("the answer is NaN (not a number): a missing value slipped into the computation.")
    if math.isclose(float(answer), float(expected), rel_tol=rel_tol, abs_tol=1e-9):
        return None
    wrong = _("{answer} is too high.") if float(answer) > float(expected) else _("{answer} is too low.")
    return wrong.format(answer=localize(f"{answer:,.4g}"))


def _wrong_series(answer: Any, expected: pd.Series, rel_tol: float) -> str | None:
    if not isinstance(answer, pd.Series):
        return _("the answer should be a pandas Series, not a {kind}.").format(kind=type(answer).__name__)
    missing = [str(i) for i in expected.index if i not in answer.index]
    extra = [str(i) for i in answer.index if i not in expected.index]
    if missing or extra:
        parts = ([_("missing labels {labels}").format(labels=missing[:5])] if missing else []) + (
            [_("unexpected labels {labels}").format(labels=extra[:5])] if extra else []
        )
        return _("the index is not right: {problems}.").format(problems="; ".join(parts))
    given = pd.to_numeric(answer.reindex(expected.index), errors="coerce").to_numpy(dtype=float)
    wanted = expected.to_numpy(dtype=float)
    close = np.isclose(given, wanted, rtol=rel_tol, atol=1e-9)
    if not close.all():
        first = expected.index[~close][0]
        return _("the value for {label} is not right.").format(label=repr(first))
    return None


@dataclass
class BoundQuestion:
    """A question tied to a student's company and namespace; what notebooks call."""

    question: Question
    company: Any
    namespace: Mapping[str, Any]
    number: int
    _hints_shown: int = field(default=0, repr=False)

    def verdict(self) -> Verdict:
        """The verdict on the student's current answer, without printing it."""
        answer = self.namespace.get(self.question.variable, _UNWRITTEN)
        return self.question.evaluate(answer, self.company)

    def check(self) -> None:
        """Print whether the answer is correct, with a reason when it is not."""
        print(_("Question {number} — {verdict}").format(number=self.number, verdict=self.verdict()))

    def hint(self) -> None:
        """Print the next hint; each call reveals one more."""
        hints = self.question.hints
        self._hints_shown = min(self._hints_shown + 1, len(hints))
        print(
            _("Hint {shown} of {count}: {hint}").format(
                shown=self._hints_shown, count=len(hints), hint=_(hints[self._hints_shown - 1])
            )
        )

    def solution(self) -> None:
        """Print the model solution."""
        print(_("Solution to question {number}:").format(number=self.number) + f"\n\n{self.question.solution}")


def bind(questions: Sequence[Question], company: Any, namespace: Mapping[str, Any]) -> SimpleNamespace:
    """Tie a lesson's questions to ``company`` and the notebook's ``globals()``.

    Returns a namespace with ``q1``, ``q2``, … in the order given.
    """
    return SimpleNamespace(
        **{f"q{i}": BoundQuestion(q, company, namespace, i) for i, q in enumerate(questions, start=1)}
    )
