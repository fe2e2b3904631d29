"""Reads that build pages. Always scoped to the actor: a patient's own
enrollment, a staff member's own clinic."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import readiness
from .models import (
    AttemptAnswer,
    AuditEvent,
    Checklist,
    ChecklistItem,
    ChecklistResponse,
    Choice,
    Enrollment,
    GlossaryTerm,
    Lesson,
    LessonCompletion,
    Module,
    Pathway,
    PathwayModule,
    PatientQuestion,
    Question,
    Quiz,
    QuizAttempt,
    ReadinessStatus,
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


OUTLINE_CACHE_SECONDS = 60 * 60


def content_stamp(pathway: Pathway) -> str:
    """What an outline shows, fingerprinted in one query: every edit or publish
    of a pathway, module, lesson, quiz or checklist (and of their inline
    children, saved with them) moves its ``updated_at``; a deletion changes a
    count."""

    def summary(model, aggregate):
        return Subquery(
            model.objects.order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(value=aggregate)
            .values("value")[:1]
        )

    columns = {}
    for model in (Module, Lesson, Quiz, Checklist):
        name = model._meta.model_name
        columns[f"stamp_{name}_newest"] = summary(model, Max("updated_at"))
        columns[f"stamp_{name}_count"] = summary(model, Count("pk"))
    row = (
        Pathway.objects.filter(pk=pathway.pk)
        .annotate(**columns)
        .values_list("updated_at", *columns)
        .first()
    )
    return hashlib.sha256("|".join(map(str, row or ())).encode()).hexdigest()[:16]


def pathway_outline(pathway: Pathway) -> Outline:
    """The published stages of a pathway, in order. The outline is the same for
    every patient, so it is cached, keyed by the content's last change: one
    query when cached, four when not, whatever the pathway's size."""
    key = f"education:outline:{pathway.pk}:{content_stamp(pathway)}"
    outline = cache.get(key)
    if outline is None:
        outline = _pathway_outline_build(pathway)
        cache.set(key, outline, OUTLINE_CACHE_SECONDS)
    return outline


def _pathway_outline_build(pathway: Pathway) -> Outline:
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
    """A patient's (first) enrollment in the staff member's clinic, or 404."""
    enrollment = (
        Enrollment.objects.select_related(
            "patient", "patient__patient_profile", "pathway", "clinic"
        )
        .filter(patient_id=patient_id, clinic_id=staff.clinic_id, patient__role=User.Role.PATIENT)
        .order_by("enrolled_at", "pk")
        .first()
    )
    if enrollment is None:
        raise Http404("No such patient in this clinic.")
    return enrollment


# --- Clinician workspace ----------------------------------------------------

DASHBOARD_PAGE_SIZE = 25
# Public sort key -> the column it sorts on. Anything else sorts by the default.
DASHBOARD_SORTS = {
    "name": "patient__full_name",
    "consultation": "consultation_at",
    "progress": "progress_percent",
    "activity": "last_activity_at",
}


@dataclass(frozen=True)
class DashboardFilters:
    status: str = ""
    within_days: int | None = None
    mine: bool = False
    q: str = ""
    sort: str = ""

    def audit_detail(self) -> dict:
        """The filters as ids and choices: the search text itself is not logged."""
        return {
            "status": self.status,
            "within_days": self.within_days,
            "mine": self.mine,
            "search": bool(self.q),
            "sort": self.sort,
        }


def dashboard_ordering(sort: str) -> tuple:
    """Whitelisted ordering; unknown keys fall back to "not ready first"."""
    column = DASHBOARD_SORTS.get(sort.removeprefix("-"))
    if column is None:
        return ("readiness_status", F("consultation_at").asc(nulls_last=True), "id")
    if sort.startswith("-"):
        return (F(column).desc(nulls_last=True), "-id")
    return (F(column).asc(nulls_last=True), "id")


def enrollment_list_for_staff(staff: User, *, filters: DashboardFilters) -> QuerySet[Enrollment]:
    """The dashboard rows of the staff member's clinic, filtered and ordered."""
    rows = Enrollment.objects.filter(clinic_id=staff.clinic_id)
    if filters.status:
        rows = rows.filter(readiness_status=filters.status)
    if filters.within_days:
        now = timezone.now()
        rows = rows.filter(
            consultation_at__gte=now,
            consultation_at__lt=now + timedelta(days=filters.within_days),
        )
    if filters.mine:
        rows = rows.filter(patient__patient_profile__primary_clinician=staff)
    if filters.q:
        rows = rows.filter(
            Q(patient__full_name__icontains=filters.q) | Q(patient__email__icontains=filters.q)
        )
    return rows.select_related("patient", "patient__patient_profile__primary_clinician").order_by(
        *dashboard_ordering(filters.sort)
    )


AUDIT_LABELS = {
    "education.lesson.completed": _("Read a lesson"),
    "education.quiz.submitted": _("Took a quiz"),
    "education.checklist.saved": _("Answered a checklist item"),
    "education.question.added": _("Wrote a question for the consultation"),
    "education.question.updated": _("Edited a question"),
    "education.question.deleted": _("Removed a question"),
    "education.consultation.set": _("Consultation date changed"),
    "education.flag.discussed": _("Flag marked as discussed"),
    "education.review.recorded": _("Review recorded"),
    "education.brief.viewed": _("Brief viewed"),
    "accounts.invitation.accepted": _("Accepted the invitation"),
}


@dataclass
class QuizHistory:
    quiz: Quiz
    attempts: list[QuizAttempt]


@dataclass
class Misconception:
    quiz: Quiz
    question: Question
    answer_text: str
    correct_answers: list[str]


@dataclass
class ChecklistRow:
    item: ChecklistItem
    response: ChecklistResponse | None

    @property
    def flag_open(self) -> bool:
        return (
            self.response is not None
            and self.response.flag_status == ChecklistResponse.FlagStatus.OPEN
        )


@dataclass
class OutdatedLesson:
    lesson: Lesson
    read_version: int


@dataclass
class TimelineEntry:
    at: object
    label: str
    actor: User | None
    by_patient: bool


@dataclass
class PatientBrief:
    enrollment: Enrollment
    state: PatientState
    status_label: str
    quizzes: list[QuizHistory]
    misconceptions: list[Misconception]
    checklist: list[ChecklistRow]
    questions: list
    outdated_lessons: list[OutdatedLesson]
    timeline: list[TimelineEntry]
    reviews: list

    @property
    def open_flags(self) -> list[ChecklistRow]:
        return [row for row in self.checklist if row.flag_open]


def patient_brief(enrollment: Enrollment, *, timeline_limit: int = 30) -> PatientBrief:
    """Everything a clinician reads before the consultation, for one enrollment
    already scoped to the clinic (see ``enrollment_get_for_staff``)."""
    state = patient_state(enrollment)
    stage_order = {s.quiz.pk: s.number for s in state.stages if s.quiz is not None}

    by_quiz: dict[int, QuizHistory] = {}
    for attempt in (
        QuizAttempt.objects.filter(enrollment=enrollment)
        .select_related("quiz")
        .order_by("submitted_at", "pk")
    ):
        by_quiz.setdefault(attempt.quiz_id, QuizHistory(attempt.quiz, [])).attempts.append(attempt)
    quizzes = sorted(by_quiz.values(), key=lambda h: (stage_order.get(h.quiz.pk, 1_000), h.quiz.pk))

    wrong_first = (
        AttemptAnswer.objects.filter(
            attempt__enrollment=enrollment, attempt__number=1, is_correct=False
        )
        .select_related("attempt__quiz", "question", "question__lesson")
        .prefetch_related(
            Prefetch(
                "question__choices",
                queryset=Choice.objects.filter(is_correct=True).order_by("order", "pk"),
                to_attr="correct_choices",
            )
        )
        .order_by("attempt__submitted_at", "question__order", "question__pk")
    )
    misconceptions = [
        Misconception(
            quiz=answer.attempt.quiz,
            question=answer.question,
            answer_text=answer.answer_text,
            correct_answers=[c.text for c in answer.question.correct_choices],
        )
        for answer in wrong_first
    ]

    responses = {
        r.item_id: r
        for r in ChecklistResponse.objects.filter(enrollment=enrollment).select_related(
            "flag_discussed_by"
        )
    }
    rows = [ChecklistRow(item, responses.get(item.pk)) for item in state.outline.checklist_items]
    rows.sort(key=lambda row: not row.flag_open)  # stable: open flags first, then in order

    outdated = [
        OutdatedLesson(lesson, state.raw.completions[lesson.pk].lesson_version)
        for stage in state.stages
        for lesson in stage.lessons
        if lesson.pk in state.raw.completions
        and state.raw.completions[lesson.pk].lesson_version < lesson.version
    ]

    events = (
        AuditEvent.objects.filter(patient_id=enrollment.patient_id)
        .exclude(action="education.brief.viewed")
        .select_related("actor")
        .order_by("-created_at", "-pk")[:timeline_limit]
    )
    timeline = [
        TimelineEntry(
            at=event.created_at,
            label=str(AUDIT_LABELS.get(event.action, _("Other activity"))),
            actor=event.actor,
            by_patient=event.actor_id == enrollment.patient_id,
        )
        for event in events
    ]

    return PatientBrief(
        enrollment=enrollment,
        state=state,
        status_label=str(ReadinessStatus(state.result.status.value).label),
        quizzes=quizzes,
        misconceptions=misconceptions,
        checklist=rows,
        questions=list(enrollment.patient_questions.order_by("created_at", "pk")),
        outdated_lessons=outdated,
        timeline=timeline,
        reviews=list(enrollment.reviews.select_related("clinician").order_by("-created_at", "-pk")),
    )


# --- Patient pages ------------------------------------------------------------
# Reads for /learn/. They work on a PatientState already loaded (no queries)
# unless they say otherwise.


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
                quiz_open=stage_quiz_is_open(state, stage),
                quiz_passed=any(a.passed for a in attempts),
                best_score=max((a.score for a in attempts), default=None),
            )
        )
    return views


def patient_stage_by_slug(state: PatientState, module_slug: str) -> Stage | None:
    return next((s for s in state.stages if s.module.slug == module_slug), None)


def patient_lesson_locate(
    state: PatientState, module_slug: str, lesson_slug: str
) -> tuple[Stage, Lesson] | None:
    """A published lesson of the patient's pathway, with its stage."""
    stage = patient_stage_by_slug(state, module_slug)
    if stage is None:
        return None
    lesson = next((lesson for lesson in stage.lessons if lesson.slug == lesson_slug), None)
    return (stage, lesson) if lesson is not None else None


def stage_unread_lessons(state: PatientState, stage: Stage) -> list[Lesson]:
    return [lesson for lesson in stage.lessons if lesson.pk not in state.raw.completions]


def stage_quiz_is_open(state: PatientState, stage: Stage) -> bool:
    return stage.quiz is not None and stage.is_open and not stage_unread_lessons(state, stage)


def stage_blocker(state: PatientState, stage: Stage) -> Stage | None:
    """The first earlier stage still to finish before ``stage`` opens."""
    for earlier in state.stages:
        if earlier is stage:
            return None
        if earlier.state != readiness.StageState.COMPLETED:
            return earlier
    return None


def stage_after(state: PatientState, stage: Stage) -> Stage | None:
    stages = state.stages
    index = next(i for i, s in enumerate(stages) if s is stage)
    return stages[index + 1] if index + 1 < len(stages) else None


@dataclass(frozen=True)
class Step:
    """One place in the journey: a lesson, a stage quiz, the checklist or the summary."""

    kind: str
    stage: Stage | None = None
    lesson: Lesson | None = None
    is_open: bool = True


def patient_next_step(state: PatientState) -> Step:
    kind, stage, lesson = state.next_step()
    if kind == "checklist" and state.outline.checklist_items:
        answered = state.raw.responses
        if all(item.pk in answered for item in state.outline.checklist_items):
            return Step("summary")
        return Step("checklist")
    if kind == "checklist":
        return Step("summary")
    return Step(kind, stage, lesson)


def _journey(state: PatientState) -> list[Step]:
    steps = []
    for stage in state.stages:
        steps.extend(Step("lesson", stage, lesson, stage.is_open) for lesson in stage.lessons)
        if stage.quiz is not None:
            steps.append(Step("quiz", stage, None, stage_quiz_is_open(state, stage)))
    return steps


def lesson_neighbours(state: PatientState, lesson: Lesson) -> tuple[Step | None, Step | None]:
    """The steps before and after a lesson: lessons in pathway order, each
    stage's quiz after its last lesson."""
    steps = _journey(state)
    index = next(i for i, s in enumerate(steps) if s.lesson and s.lesson.pk == lesson.pk)
    previous = steps[index - 1] if index > 0 else None
    following = steps[index + 1] if index + 1 < len(steps) else None
    return previous, following


def lesson_next_destination(state: PatientState, lesson: Lesson) -> Step:
    """Where "Mark as read and continue" goes: the next step if it is open,
    otherwise the patient's next step overall."""
    _previous, following = lesson_neighbours(state, lesson)
    if following is not None and following.is_open:
        return following
    return patient_next_step(state)


def glossary_pairs() -> list[tuple[str, str]]:
    """Every glossary term with its definition: one query."""
    return list(GlossaryTerm.objects.order_by("term").values_list("term", "definition"))


def quiz_attempts_for(state: PatientState, quiz: Quiz) -> list[QuizAttempt]:
    return [a for a in state.raw.attempts if a.quiz_id == quiz.pk]


@dataclass
class QuestionFeedback:
    number: int
    question: Question
    picked: list
    answer_text: str
    is_correct: bool
    lesson: Lesson | None

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
    for number, question in enumerate(questions, start=1):
        answer = answers.get(question.pk)
        if answer is None:
            continue
        choices = {c.pk: c for c in question.choices.all()}
        picked = [choices[pk] for pk in answer.choice_ids if pk in choices]
        lesson = question.lesson
        if lesson is not None and lesson.status != Status.PUBLISHED:
            lesson = None
        rows.append(
            QuestionFeedback(
                number=number,
                question=question,
                picked=picked,
                answer_text=answer.answer_text,
                is_correct=answer.is_correct,
                lesson=lesson,
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


def checklist_item_get_for_patient(enrollment: Enrollment, item_id: int) -> ChecklistItem:
    """An item of the patient's published checklist, or 404."""
    return get_object_or_404(
        ChecklistItem.objects.select_related("checklist"),
        pk=item_id,
        checklist_id=enrollment.pathway.checklist_id,
        checklist__status=Status.PUBLISHED,
    )


def patient_questions_list(enrollment: Enrollment) -> list:
    return list(PatientQuestion.objects.filter(enrollment=enrollment).order_by("created_at", "pk"))


def patient_question_get_for_patient(patient: User, question_id: int):
    """One of the patient's own questions, or 404."""
    return get_object_or_404(
        PatientQuestion.objects.select_related("enrollment", "enrollment__patient"),
        pk=question_id,
        enrollment__patient=patient,
    )


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


@dataclass
class ChecklistAnswer:
    item: ChecklistItem
    response: ChecklistResponse | None

    @property
    def flag_open(self) -> bool:
        return (
            self.response is not None
            and self.response.flag_status == ChecklistResponse.FlagStatus.OPEN
        )

    @property
    def flag_discussed(self) -> bool:
        return (
            self.response is not None
            and self.response.flag_status == ChecklistResponse.FlagStatus.DISCUSSED
        )


def patient_checklist_answers(state: PatientState) -> list[ChecklistAnswer]:
    return [
        ChecklistAnswer(item=item, response=state.raw.responses.get(item.pk))
        for item in state.outline.checklist_items
    ]
