"""The navigation rules of the patient journey: what is unlocked, what comes
next, when a stage's quiz opens.

Pure functions, no database: a *stage* is anything with ``lessons`` (each with
a ``pk``), ``quiz`` (or ``None``) and ``state`` (the ``readiness.StageState``
that ``readiness.evaluate`` gave it, which decides the unlocking: a stage
opens when the one before it is completed); ``read`` is the set of ids of the
lessons the patient has read. Views, selectors and services ask these
functions; nobody re-implements them.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .readiness import StageState


class StepKind(StrEnum):
    LESSON = "lesson"
    QUIZ = "quiz"
    CHECKLIST = "checklist"
    DECISION_CHECK = "decision_check"
    SUMMARY = "summary"


@dataclass(frozen=True)
class Step:
    """One place in the journey: a lesson, a stage's quiz, the checklist or the
    summary; ``is_open`` says whether the patient may go there yet."""

    kind: str
    stage: Any = None
    lesson: Any = None
    is_open: bool = True


def stage_is_open(stage) -> bool:
    return stage.state != StageState.LOCKED


def unread_lessons(stage, read: Container[int]) -> list:
    return [lesson for lesson in stage.lessons if lesson.pk not in read]


def quiz_is_open(stage, read: Container[int]) -> bool:
    """A stage's quiz opens once the stage is open and every lesson in it is read."""
    return stage.quiz is not None and stage_is_open(stage) and not unread_lessons(stage, read)


def blocker(stages: Sequence, stage):
    """The first earlier stage still to finish before ``stage`` opens, or None."""
    for earlier in stages:
        if earlier is stage:
            return None
        if earlier.state != StageState.COMPLETED:
            return earlier
    return None


def stage_after(stages: Sequence, stage):
    index = next(i for i, s in enumerate(stages) if s is stage)
    return stages[index + 1] if index + 1 < len(stages) else None


def stage_start(stage) -> Step | None:
    """Where a stage begins: its first lesson, else its quiz."""
    if stage.lessons:
        return Step(StepKind.LESSON, stage, stage.lessons[0])
    if stage.quiz is not None:
        return Step(StepKind.QUIZ, stage)
    return None


def steps(stages: Sequence, read: Container[int]) -> list[Step]:
    """Every lesson in pathway order, each stage's quiz after its last lesson."""
    result = []
    for stage in stages:
        is_open = stage_is_open(stage)
        result.extend(Step(StepKind.LESSON, stage, lesson, is_open) for lesson in stage.lessons)
        if stage.quiz is not None:
            result.append(Step(StepKind.QUIZ, stage, None, quiz_is_open(stage, read)))
    return result


def next_step(
    stages: Sequence,
    read: Container[int],
    *,
    checklist_ids: Sequence[int] = (),
    answered_ids: Container[int] = frozenset(),
    decision_checked: bool = True,
) -> Step:
    """The one thing to do next: the first unread lesson or untaken quiz of the
    first unfinished open stage; then the checklist until every item is
    answered; then the decision check; then the summary."""
    for stage in stages:
        if stage.state == StageState.COMPLETED:
            continue
        if stage.state == StageState.LOCKED:
            break
        unread = unread_lessons(stage, read)
        if unread:
            return Step(StepKind.LESSON, stage, unread[0])
        if stage.quiz is not None:
            return Step(StepKind.QUIZ, stage)
    if any(item_id not in answered_ids for item_id in checklist_ids):
        return Step(StepKind.CHECKLIST)
    if not decision_checked:
        return Step(StepKind.DECISION_CHECK)
    return Step(StepKind.SUMMARY)


def neighbours(stages: Sequence, read: Container[int], lesson) -> tuple[Step | None, Step | None]:
    """The steps before and after a lesson."""
    journey = steps(stages, read)
    index = next(i for i, s in enumerate(journey) if s.lesson and s.lesson.pk == lesson.pk)
    previous = journey[index - 1] if index > 0 else None
    following = journey[index + 1] if index + 1 < len(journey) else None
    return previous, following


def after_reading(
    stages: Sequence,
    read: Container[int],
    lesson,
    *,
    checklist_ids: Sequence[int] = (),
    answered_ids: Container[int] = frozenset(),
) -> Step:
    """Where "Mark as read and continue" goes: the step after the lesson if it
    is open, otherwise the patient's next step overall."""
    _previous, following = neighbours(stages, read, lesson)
    if following is not None and following.is_open:
        return following
    return next_step(stages, read, checklist_ids=checklist_ids, answered_ids=answered_ids)
