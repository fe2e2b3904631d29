"""Reads for what a patient said and showed about their own understanding,
for the clinician's brief: teach-back answers and the learning objectives
missed. They work on data already loaded (no queries)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Module, Quiz, TeachBack
from .progress import PatientState


@dataclass
class TeachBackRow:
    """One stage that asks a teach-back question, with the answer if written."""

    module: Module
    answer: TeachBack | None

    @property
    def is_written(self) -> bool:
        return self.answer is not None

    @property
    def is_discussed(self) -> bool:
        return self.answer is not None and self.answer.discussed_at is not None


def brief_teach_backs(state: PatientState) -> list[TeachBackRow]:
    """Every stage with a teach-back question, in pathway order."""
    return [
        TeachBackRow(stage.module, state.raw.teach_backs.get(stage.module.pk))
        for stage in state.stages
        if stage.module.teach_back.strip()
    ]


@dataclass
class ObjectiveMissed:
    """A learning objective the patient got wrong at a first attempt, or a
    must-pass objective not yet answered right: what to go over, by objective
    rather than by question."""

    quiz: Quiz
    objective: str
    times_missed: int
    shown_since: bool  # answered right in a later attempt
    must_pass: bool


def brief_objectives_missed(state: PatientState, misconceptions: list) -> list[ObjectiveMissed]:
    """From the first-attempt mistakes (``Misconception`` rows, already loaded)
    and the attempts in ``state``; no queries. Quizzes in stage order."""
    right = {(a.quiz_id, o) for a in state.raw.attempts for o in a.objectives_right}
    rows: dict[tuple[int, str], ObjectiveMissed] = {}
    for quiz in (s.quiz for s in state.stages if s.quiz is not None):
        must = quiz.must_pass_objectives()
        for item in (m for m in misconceptions if m.quiz.pk == quiz.pk):
            objective = item.question.objective.strip() or item.question.prompt
            row = rows.setdefault(
                (quiz.pk, objective),
                ObjectiveMissed(
                    quiz, objective, 0, (quiz.pk, objective) in right, objective in must
                ),
            )
            row.times_missed += 1
        attempted = any(a.quiz_id == quiz.pk for a in state.raw.attempts)
        for objective in must if attempted else ():
            if (quiz.pk, objective) not in right:
                rows.setdefault(
                    (quiz.pk, objective), ObjectiveMissed(quiz, objective, 0, False, True)
                )
    return list(rows.values())
