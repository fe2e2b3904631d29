"""Scoring a quiz attempt: pure rules over plain data, no database.

A question is answered correctly when the set of choices picked equals the
set of correct choices. The score is the percentage of questions answered
correctly, rounded; the attempt passes at or above the quiz's pass mark.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ChoiceSpec:
    id: int
    text: str
    is_correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    allows_many: bool
    choices: tuple[ChoiceSpec, ...]
    objective: str = ""


@dataclass(frozen=True)
class GradedAnswer:
    question_id: int
    choice_ids: tuple[int, ...]
    answer_text: str
    is_correct: bool


@dataclass(frozen=True)
class Grade:
    answers: tuple[GradedAnswer, ...]
    # Question id -> what is wrong with the answer, for the patient. When any
    # question has a problem nothing is scored.
    problems: Mapping[int, str]

    @property
    def score(self) -> int:
        correct = sum(1 for answer in self.answers if answer.is_correct)
        return round(100 * correct / len(self.answers)) if self.answers else 0

    def passes(self, pass_mark: int) -> bool:
        return self.score >= pass_mark


def question_spec(question) -> QuestionSpec:
    """The plain shape of a question with its (prefetched) choices."""
    return QuestionSpec(
        id=question.pk,
        allows_many=question.allows_many,
        choices=tuple(
            ChoiceSpec(c.pk, c.text, c.is_correct, c.feedback) for c in question.choices.all()
        ),
        objective=question.objective,
    )


def _problem(question: QuestionSpec, picked: list[int]) -> str:
    known = {choice.id for choice in question.choices}
    if not picked:
        return _("Choose an answer for this question.")
    if any(choice_id not in known for choice_id in picked):
        return _("That answer is not one of the choices. Please choose again.")
    if not question.allows_many and len(picked) != 1:
        return _("Choose one answer for this question.")
    return ""


def grade(questions: Sequence[QuestionSpec], answers: Mapping[int, Sequence[int]]) -> Grade:
    """Check every answer against its question. ``answers`` maps question ids
    to the choice ids picked (repeats are ignored)."""
    graded: list[GradedAnswer] = []
    problems: dict[int, str] = {}
    for question in questions:
        picked = list(dict.fromkeys(answers.get(question.id, ())))
        problem = _problem(question, picked)
        if problem:
            problems[question.id] = problem
            continue
        texts = {choice.id: choice.text for choice in question.choices}
        correct = {choice.id for choice in question.choices if choice.is_correct}
        graded.append(
            GradedAnswer(
                question_id=question.id,
                choice_ids=tuple(picked),
                answer_text=" · ".join(texts[pk] for pk in picked),
                is_correct=set(picked) == correct,
            )
        )
    return Grade(answers=tuple(graded), problems=problems)


# --- The order choices are shown in -----------------------------------------------


def shuffled(choice_ids: Sequence[int], seed: str) -> list[int]:
    """``choice_ids`` in an order drawn from ``seed``: the same seed always
    gives the same order, so a form and its feedback agree."""
    order = list(choice_ids)
    random.Random(seed).shuffle(order)  # noqa: S311 - an order to show, not a secret
    return order


def choice_order(questions: Sequence[QuestionSpec], key: str) -> dict[str, list[int]]:
    """Question id (as text) -> choice ids in the order one attempt shows them.
    ``key`` is the attempt's submission key, drawn fresh for every form."""
    return {
        str(question.id): shuffled(
            [choice.id for choice in question.choices], f"{key}:{question.id}"
        )
        for question in questions
    }


def in_order(choices: Sequence, order: Sequence[int] | None) -> list:
    """``choices`` (anything with a ``pk``) sorted as ``order`` says; choices the
    order does not know (added since) come last, in their own order."""
    if not order:
        return list(choices)
    rank = {pk: index for index, pk in enumerate(order)}
    return sorted(choices, key=lambda choice: rank.get(choice.pk, len(rank)))


# --- Feedback for each choice ------------------------------------------------------


class ChoiceVerdict:
    PICKED_RIGHT = "picked_right"  # picked, and it is a right answer
    PICKED_WRONG = "picked_wrong"  # picked, but it is not a right answer
    MISSED = "missed"  # a right answer that was not picked
    LEFT_OUT = "left_out"  # not a right answer, and not picked


def choice_verdict(is_correct: bool, picked: bool) -> str:
    if picked:
        return ChoiceVerdict.PICKED_RIGHT if is_correct else ChoiceVerdict.PICKED_WRONG
    return ChoiceVerdict.MISSED if is_correct else ChoiceVerdict.LEFT_OUT


def feedback_choices(allows_many: bool, choices: Sequence, picked: Sequence[int]) -> list:
    """The choices whose feedback the patient sees, each with its verdict, as
    ``(choice, verdict)``: every choice of a multi-select question; otherwise
    the one picked and, when it was wrong, the right one. ``choices`` have
    ``pk`` and ``is_correct``."""
    chosen = set(picked)
    rows = []
    for choice in choices:
        verdict = choice_verdict(choice.is_correct, choice.pk in chosen)
        if allows_many or verdict != ChoiceVerdict.LEFT_OUT:
            rows.append((choice, verdict))
    return rows


# --- Objectives and their variants -------------------------------------------------


def objective_key(question) -> str:
    """The objective a question checks; a question without one is its own."""
    return question.objective.strip() or f"#{question.pk}"


def draw(questions: Sequence, *, seed: int, attempt_number: int) -> list:
    """From questions (with ``pk`` and ``objective``), one per objective, in
    the order the objectives first appear. Attempt ``n`` takes variant
    ``(seed + n - 1) mod variants``: a retake asks another variant where there
    is one, and patients (``seed``) differ."""
    groups: dict[str, list] = {}
    for question in questions:
        groups.setdefault(objective_key(question), []).append(question)
    return [variants[(seed + attempt_number - 1) % len(variants)] for variants in groups.values()]


def objectives_right(questions: Sequence[QuestionSpec], result: Grade) -> list[str]:
    """The (named) objectives of the questions answered right."""
    right = {answer.question_id for answer in result.answers if answer.is_correct}
    return sorted({q.objective.strip() for q in questions if q.id in right and q.objective.strip()})


def missing_objectives(must_pass: Sequence[str], shown: Collection[str]) -> list[str]:
    """The must-pass objectives not yet answered right, in their own order."""
    return [objective for objective in must_pass if objective not in shown]
