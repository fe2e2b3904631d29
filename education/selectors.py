"""Reads that build pages. Always scoped to the actor: a patient's own
enrollment, a staff member's own clinic."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from accounts.models import User

from . import readiness
from .models import (
    ChecklistItem,
    ChecklistResponse,
    Enrollment,
    Lesson,
    LessonCompletion,
    Module,
    Pathway,
    PathwayModule,
    Question,
    Quiz,
    QuizAttempt,
    Status,
)


@dataclass
class Stage:
    number: int
    module: Module
    lessons: list[Lesson]
    quiz: Quiz | None
    state: readiness.StageState = readiness.StageState.LOCKED

    @property
    def is_open(self) -> bool:
        return self.state != readiness.StageState.LOCKED


@dataclass
class Outline:
    pathway: Pathway
    stages: list[Stage]
    checklist_items: list[ChecklistItem]

    def spec(self) -> readiness.PathwaySpec:
        return readiness.PathwaySpec(
            modules=tuple(
                readiness.ModuleSpec(
                    id=s.module.pk,
                    title=s.module.title,
                    lesson_ids=tuple(lesson.pk for lesson in s.lessons),
                    quiz_id=s.quiz.pk if s.quiz else None,
                    quiz_title=s.quiz.title if s.quiz else "",
                )
                for s in self.stages
            ),
            checklist_items=tuple(
                readiness.ItemSpec(id=i.pk, text=i.text, required=i.required, ok_answer=i.ok_answer)
                for i in self.checklist_items
            ),
        )

    def stage_for_module(self, module_id: int) -> Stage | None:
        return next((s for s in self.stages if s.module.pk == module_id), None)


def pathway_outline(pathway: Pathway) -> Outline:
    """The published stages of a pathway, in order: four queries whatever its size."""
    published_lessons = Prefetch(
        "module__lessons",
        queryset=Lesson.objects.filter(status=Status.PUBLISHED)
        .select_related("therapy")
        .order_by("order", "pk"),
        to_attr="published_lessons",
    )
    links = (
        PathwayModule.objects.filter(pathway=pathway, module__status=Status.PUBLISHED)
        .select_related("module", "module__quiz")
        .prefetch_related(published_lessons)
        .order_by("order", "pk")
    )
    stages = []
    for number, link in enumerate(links, start=1):
        module = link.module
        quiz = getattr(module, "quiz", None)
        if quiz is not None and quiz.status != Status.PUBLISHED:
            quiz = None
        stages.append(
            Stage(number=number, module=module, lessons=module.published_lessons, quiz=quiz)
        )
    items = []
    if pathway.checklist_id:
        items = list(
            ChecklistItem.objects.filter(
                checklist_id=pathway.checklist_id, checklist__status=Status.PUBLISHED
            ).order_by("order", "pk")
        )
    return Outline(pathway=pathway, stages=stages, checklist_items=items)


@dataclass
class RawProgress:
    completions: dict[int, LessonCompletion] = field(default_factory=dict)
    attempts: list[QuizAttempt] = field(default_factory=list)
    responses: dict[int, ChecklistResponse] = field(default_factory=dict)

    def as_progress(self) -> readiness.Progress:
        return readiness.Progress(
            lessons_read=frozenset(self.completions),
            quizzes_attempted=frozenset(a.quiz_id for a in self.attempts),
            quizzes_passed=frozenset(a.quiz_id for a in self.attempts if a.passed),
            checklist_answers={item_id: r.answer for item_id, r in self.responses.items()},
            open_flag_item_ids=frozenset(
                i
                for i, r in self.responses.items()
                if r.flag_status == ChecklistResponse.FlagStatus.OPEN
            ),
            discussed_flag_item_ids=frozenset(
                i
                for i, r in self.responses.items()
                if r.flag_status == ChecklistResponse.FlagStatus.DISCUSSED
            ),
        )


def raw_progress(enrollment: Enrollment) -> RawProgress:
    """Everything a patient has done on one enrollment: three queries."""
    return RawProgress(
        completions={
            c.lesson_id: c
            for c in LessonCompletion.objects.filter(patient_id=enrollment.patient_id)
        },
        attempts=list(
            QuizAttempt.objects.filter(enrollment=enrollment).order_by("submitted_at", "pk")
        ),
        responses={r.item_id: r for r in enrollment.checklist_responses.all()},
    )


@dataclass
class PatientState:
    enrollment: Enrollment
    outline: Outline
    raw: RawProgress
    result: readiness.Readiness

    @property
    def stages(self) -> list[Stage]:
        return self.outline.stages

    def next_step(self):
        """The one thing to do next: (label, stage, lesson or None)."""
        for stage in self.outline.stages:
            if stage.state == readiness.StageState.COMPLETED:
                continue
            if stage.state == readiness.StageState.LOCKED:
                break
            for lesson in stage.lessons:
                if lesson.pk not in self.raw.completions:
                    return ("lesson", stage, lesson)
            if stage.quiz is not None:
                return ("quiz", stage, None)
        return ("checklist", None, None)


def patient_state(enrollment: Enrollment) -> PatientState:
    outline = pathway_outline(enrollment.pathway)
    raw = raw_progress(enrollment)
    result = readiness.evaluate(outline.spec(), raw.as_progress())
    for stage, state in zip(outline.stages, result.stage_states, strict=True):
        stage.state = state
    return PatientState(enrollment=enrollment, outline=outline, raw=raw, result=result)


def enrollment_get_for_patient(patient: User) -> Enrollment | None:
    return (
        Enrollment.objects.select_related("pathway", "clinic")
        .filter(patient=patient)
        .order_by("enrolled_at", "pk")
        .first()
    )


def quiz_questions(quiz: Quiz) -> list[Question]:
    return list(
        quiz.questions.select_related("lesson", "lesson__module")
        .prefetch_related("choices")
        .order_by("order", "pk")
    )


def enrollment_get_for_staff(staff: User, patient_id: int) -> Enrollment:
    """A patient's enrollment in the staff member's clinic, or 404."""
    return get_object_or_404(
        Enrollment.objects.select_related(
            "patient", "patient__patient_profile", "pathway", "clinic"
        ),
        patient_id=patient_id,
        clinic_id=staff.clinic_id,
        patient__role=User.Role.PATIENT,
    )
