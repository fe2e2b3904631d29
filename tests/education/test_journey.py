"""The navigation rules, on plain data and without a database."""

from dataclasses import dataclass, field

import pytest

from education.journey import (
    Step,
    StepKind,
    after_reading,
    blocker,
    neighbours,
    next_step,
    quiz_is_open,
    stage_after,
    stage_start,
    steps,
    unread_lessons,
)
from education.readiness import StageState

AV, IP, CO, LO = (
    StageState.AVAILABLE,
    StageState.IN_PROGRESS,
    StageState.COMPLETED,
    StageState.LOCKED,
)


@dataclass(frozen=True)
class Lesson:
    pk: int


@dataclass
class Stage:
    number: int
    lessons: list = field(default_factory=list)
    quiz: object = None
    state: StageState = LO


def pathway(*states):
    """Stage 1: lessons 11, 12 and a quiz; stage 2: lesson 21 and a quiz; stage 3: lesson 31."""
    return [
        Stage(1, [Lesson(11), Lesson(12)], "quiz-1", states[0]),
        Stage(2, [Lesson(21)], "quiz-2", states[1]),
        Stage(3, [Lesson(31)], None, states[2]),
    ]


def test_the_quiz_opens_only_when_every_lesson_of_an_open_stage_is_read():
    first, second, _third = pathway(IP, LO, LO)
    assert not quiz_is_open(first, {11})
    assert quiz_is_open(first, {11, 12})
    assert not quiz_is_open(second, {21}), "a locked stage keeps its quiz shut"
    assert unread_lessons(first, {11}) == [Lesson(12)]


def test_a_stage_without_a_quiz_never_opens_one():
    assert not quiz_is_open(Stage(1, [], None, AV), set())


@pytest.mark.parametrize(
    ("states", "read", "answered", "expected"),
    [
        ((AV, LO, LO), set(), set(), Step(StepKind.LESSON, 0, Lesson(11))),
        ((IP, LO, LO), {11}, set(), Step(StepKind.LESSON, 0, Lesson(12))),
        ((IP, LO, LO), {11, 12}, set(), Step(StepKind.QUIZ, 0)),
        ((CO, AV, LO), {11, 12}, set(), Step(StepKind.LESSON, 1, Lesson(21))),
        ((CO, CO, CO), {11, 12, 21, 31}, {1}, Step(StepKind.CHECKLIST)),
        ((CO, CO, CO), {11, 12, 21, 31}, {1, 2}, Step(StepKind.SUMMARY)),
    ],
    ids=["first-lesson", "second-lesson", "quiz", "next-stage", "checklist", "summary"],
)
def test_next_step(states, read, answered, expected):
    stages = pathway(*states)
    step = next_step(stages, read, checklist_ids=[1, 2], answered_ids=answered)
    stage = stages[expected.stage] if expected.stage is not None else None
    assert step == Step(expected.kind, stage, expected.lesson)


def test_without_a_checklist_the_last_step_is_the_summary():
    assert next_step(pathway(CO, CO, CO), {11, 12, 21, 31}).kind == StepKind.SUMMARY


def test_steps_put_each_quiz_after_its_stage_lessons_and_say_what_is_open():
    found = [
        (s.kind, s.lesson.pk if s.lesson else None, s.is_open)
        for s in steps(pathway(IP, LO, LO), {11})
    ]
    assert found == [
        ("lesson", 11, True),
        ("lesson", 12, True),
        ("quiz", None, False),
        ("lesson", 21, False),
        ("quiz", None, False),
        ("lesson", 31, False),
    ]


def test_neighbours_of_the_last_lesson_of_a_stage_are_a_lesson_and_the_quiz():
    previous, following = neighbours(pathway(IP, LO, LO), {11, 12}, Lesson(12))
    assert previous.lesson == Lesson(11)
    assert following.kind == StepKind.QUIZ
    assert following.is_open


def test_after_reading_goes_to_the_next_step_when_the_following_one_is_shut():
    stages = pathway(IP, LO, LO)
    assert after_reading(stages, {11}, Lesson(11)).lesson == Lesson(12)
    # Reading lesson 12 before 11: the quiz after it is shut, so back to lesson 11.
    assert after_reading(stages, {12}, Lesson(12)).lesson == Lesson(11)


def test_blocker_is_the_first_unfinished_earlier_stage():
    stages = pathway(CO, IP, LO)
    assert blocker(stages, stages[2]) is stages[1]
    assert blocker(stages, stages[1]) is None
    assert stage_after(stages, stages[0]) is stages[1]
    assert stage_after(stages, stages[2]) is None


def test_a_stage_starts_at_its_first_lesson_or_its_quiz():
    assert stage_start(Stage(1, [Lesson(5)], "quiz")).lesson == Lesson(5)
    assert stage_start(Stage(1, [], "quiz")).kind == StepKind.QUIZ
    assert stage_start(Stage(1, [], None)) is None
