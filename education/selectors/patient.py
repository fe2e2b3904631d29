"""Reads for the patient pages under /learn/. They work on a PatientState
already loaded (no queries) unless they say otherwise."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .. import grading, journey, revision
from ..journey import Step
from ..models import (
    ChecklistItem,
    Enrollment,
    Lesson,
    LessonCompletion,
    PatientQuestion,
    PublishStatus,
    Question,
    Quiz,
    QuizAttempt,
)
from ..models.assessment import SelfCheck
from .outline import Stage
from .progress import ChecklistAnswer, PatientState, quiz_attempts_for


@dataclass
class LessonRow:
    lesson: Lesson
    completion: LessonCompletion | None

    @property
    def is_read(self) -> bool:
        return self.completion is not None

    @property
    def is_updated(self) -> bool:
        """Read, but a newer version was published since."""
        return self.completion is not None and self.completion.lesson_version < self.lesson.version


@dataclass
class StageView:
    stage: Stage
    lessons: list[LessonRow]
    quiz_open: bool
    quiz_passed: bool
    best_score: int | None


def patient_stage_views(state: PatientState) -> list[StageView]:
    views = []
    for stage in state.stages:
        rows = [LessonRow(lesson, state.raw.completions.get(lesson.pk)) for lesson in stage.lessons]
        attempts = quiz_attempts_for(state, stage.quiz) if stage.quiz else []
        views.append(
            StageView(
                stage=stage,
                lessons=rows,
                quiz_open=journey.quiz_is_open(stage, state.raw.completions),
                quiz_passed=any(a.passed for a in attempts),
                best_score=max((a.score for a in attempts), default=None),
            )
        )
    return views


def stage_views_key(views: list[StageView], *, content_revision: str) -> str:
    """What the stage list shows, as a short key for caching its HTML: the
    content revision and each stage's and lesson's state. It holds nothing
    personal, so patients at the same point share one cached list."""
    shape = [
        (
            view.stage.module.pk,
            str(view.stage.state),
            view.quiz_open,
            view.quiz_passed,
            view.best_score,
            [(row.lesson.pk, row.is_read, row.is_updated) for row in view.lessons],
        )
        for view in views
    ]
    digest = hashlib.sha256(repr(shape).encode()).hexdigest()[:24]
    return revision.cache_key("stages", digest, revision=content_revision)


def patient_next_step(state: PatientState) -> Step:
    return journey.next_step(
        state.stages,
        state.raw.completions,
        checklist_ids=[item.pk for item in state.outline.checklist_items],
        answered_ids=state.raw.responses,
        decision_checked=SelfCheck.Kind.SURE in state.raw.self_checks,
    )


def lesson_neighbours(state: PatientState, lesson: Lesson) -> tuple[Step | None, Step | None]:
    return journey.neighbours(state.stages, state.raw.completions, lesson)


def lesson_next_destination(state: PatientState, lesson: Lesson) -> Step:
    return journey.after_reading(
        state.stages,
        state.raw.completions,
        lesson,
        checklist_ids=[item.pk for item in state.outline.checklist_items],
        answered_ids=state.raw.responses,
    )


def quiz_draw(state: PatientState, quiz: Quiz, questions: list[Question]) -> list[Question]:
    """The questions the patient's next attempt asks: one variant per objective,
    another variant on a retake. The same on the form and when it is graded."""
    return grading.draw(
        questions,
        seed=state.enrollment.pk,
        attempt_number=1 + len(quiz_attempts_for(state, quiz)),
    )


def quiz_objectives_missing(state: PatientState, quiz: Quiz) -> list[str]:
    """The quiz's must-pass objectives not yet answered right in any attempt."""
    shown = {o for a in quiz_attempts_for(state, quiz) for o in a.objectives_right}
    return grading.missing_objectives(quiz.must_pass_objectives(), shown)


@dataclass
class ChoiceFeedback:
    """One choice as the patient saw it, with its own verdict and explanation."""

    choice: object
    verdict: str

    @property
    def was_picked(self) -> bool:
        return self.verdict in (
            grading.ChoiceVerdict.PICKED_RIGHT,
            grading.ChoiceVerdict.PICKED_WRONG,
        )

    @property
    def is_right(self) -> bool:
        """The patient did the right thing with this choice (picked it or left it out)."""
        return self.verdict in (grading.ChoiceVerdict.PICKED_RIGHT, grading.ChoiceVerdict.LEFT_OUT)


@dataclass
class QuestionFeedback:
    number: int
    question: Question
    picked: list
    answer_text: str
    is_correct: bool
    lesson: Lesson | None
    choices: list[ChoiceFeedback] = field(default_factory=list)

    @property
    def partly_right(self) -> bool:
        """A multi-select answer with some right picks but not all."""
        return not self.is_correct and any(
            c.verdict == grading.ChoiceVerdict.PICKED_RIGHT for c in self.choices
        )

    @property
    def section(self) -> str:
        return self.question.section


def quiz_attempt_feedback(
    attempt: QuizAttempt, questions: list[Question]
) -> list[QuestionFeedback]:
    """Each question of an attempt with what was picked: one query (the answers).
    A choice removed since the attempt shows the text stored with the answer."""
    answers = {a.question_id: a for a in attempt.answers.all()}
    rows = []
    number = 0
    for question in questions:
        answer = answers.get(question.pk)
        if answer is None:
            continue  # another variant, or a question added since
        number += 1
        shown = grading.in_order(
            list(question.choices.all()), attempt.choice_order.get(str(question.pk))
        )
        picked = [c for c in shown if c.pk in answer.choice_ids]
        lesson = question.lesson
        if lesson is not None and lesson.status != PublishStatus.PUBLISHED:
            lesson = None
        rows.append(
            QuestionFeedback(
                number=number,
                question=question,
                picked=picked,
                answer_text=answer.answer_text,
                is_correct=answer.is_correct,
                lesson=lesson,
                choices=[
                    ChoiceFeedback(choice, verdict)
                    for choice, verdict in grading.feedback_choices(
                        question.allows_many, shown, answer.choice_ids
                    )
                ],
            )
        )
    return rows


@dataclass
class ChecklistGroup:
    kind: str
    label: str
    items: list[ChecklistItem]


def checklist_groups(state: PatientState) -> list[ChecklistGroup]:
    """The checklist items grouped by kind, in a fixed order of kinds."""
    groups = []
    for kind, label in ChecklistItem.Kind.choices:
        items = [i for i in state.outline.checklist_items if i.kind == kind]
        if items:
            groups.append(ChecklistGroup(kind=kind, label=label, items=items))
    return groups


def patient_questions_list(enrollment: Enrollment) -> list:
    return list(PatientQuestion.objects.filter(enrollment=enrollment).order_by("created_at", "pk"))


@dataclass
class QuizSummary:
    stage: Stage
    quiz: Quiz
    attempts: int
    first_score: int | None
    best_score: int | None
    passed: bool


def patient_quiz_summaries(state: PatientState) -> list[QuizSummary]:
    rows = []
    for stage in state.stages:
        if stage.quiz is None:
            continue
        attempts = quiz_attempts_for(state, stage.quiz)
        first = next((a for a in attempts if a.number == 1), attempts[0] if attempts else None)
        rows.append(
            QuizSummary(
                stage=stage,
                quiz=stage.quiz,
                attempts=len(attempts),
                first_score=first.score if first else None,
                best_score=max((a.score for a in attempts), default=None),
                passed=any(a.passed for a in attempts),
            )
        )
    return rows


def patient_checklist_answers(state: PatientState) -> list[ChecklistAnswer]:
    return [
        ChecklistAnswer(item=item, response=state.raw.responses.get(item.pk))
        for item in state.outline.checklist_items
    ]
