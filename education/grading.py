"""Scoring a quiz attempt: pure rules over plain data, no database.

A question is answered correctly when the set of choices picked equals the
set of correct choices. The score is the percentage of questions answered
correctly, rounded; the attempt passes at or above the quiz's pass mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ChoiceSpec:
    id: int
    text: str
    is_correct: bool


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    allows_many: bool
    choices: tuple[ChoiceSpec, ...]


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
        choices=tuple(ChoiceSpec(c.pk, c.text, c.is_correct) for c in question.choices.all()),
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
