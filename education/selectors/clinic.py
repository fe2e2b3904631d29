"""Reads for the clinic workspace: the dashboard of the clinic's patients and
the brief about one patient. Enrollments come already scoped to the staff
member's clinic (see ``education.access``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from audit.models import AuditEvent
from reminders.selectors import enrollments_reminded_not_started

from ..models import (
    AttemptAnswer,
    ChecklistResponse,
    Choice,
    ConsultationOutcome,
    Enrollment,
    Lesson,
    Question,
    Quiz,
    QuizAttempt,
    ReadinessStatus,
)
from ..pagination import DeferredJoinList
from .progress import ChecklistAnswer, PatientState, patient_state
from .selfcheck import CONCERNS, self_check_flag, self_check_flag_columns
from .week import STATUS_LABELS

# A dashboard "readiness" choice beyond the statuses: reminded, still not started.
REMINDED_NOT_STARTED = "reminded"

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
    outcome: str = ""
    concern: str = ""  # a key of selfcheck.CONCERNS

    def audit_detail(self) -> dict:
        """The filters as ids and choices: the search text itself is not logged."""
        return {
            "status": self.status,
            "within_days": self.within_days,
            "mine": self.mine,
            "search": bool(self.q),
            "sort": self.sort,
            "outcome": self.outcome,
            "concern": self.concern,
        }


def dashboard_ordering(sort: str) -> tuple:
    """Whitelisted ordering; unknown keys fall back to "not ready first"."""
    column = DASHBOARD_SORTS.get(sort.removeprefix("-"))
    if column is None:
        return ("readiness_status", F("consultation_at").asc(nulls_last=True), "id")
    if sort.startswith("-"):
        return (F(column).desc(nulls_last=True), "-id")
    return (F(column).asc(nulls_last=True), "id")


def latest_outcome() -> Subquery:
    """The enrollment's most recent consultation outcome, as a column."""
    return Subquery(
        ConsultationOutcome.objects.filter(enrollment=OuterRef("pk"))
        .order_by("-recorded_at", "-pk")
        .values("outcome")[:1]
    )


def enrollment_list_for_staff(staff: User, *, filters: DashboardFilters) -> QuerySet[Enrollment]:
    """The dashboard rows of the staff member's clinic, filtered and ordered."""
    rows = Enrollment.objects.filter(clinic_id=staff.clinic_id)
    if filters.status == REMINDED_NOT_STARTED:
        rows = enrollments_reminded_not_started(rows)
    elif filters.status:
        rows = rows.filter(readiness_status=filters.status)
    if filters.within_days:
        now = timezone.now()
        rows = rows.filter(
            consultation_at__gte=now,
            consultation_at__lt=now + timedelta(days=filters.within_days),
        )
    if filters.mine:
        rows = rows.filter(patient__patient_profile__primary_clinician=staff)
    if filters.outcome:
        rows = rows.alias(latest_outcome=latest_outcome()).filter(latest_outcome=filters.outcome)
    if filters.concern in CONCERNS:
        rows = rows.filter(self_check_flag(CONCERNS[filters.concern]))
    if filters.q:
        rows = rows.filter(
            Q(patient__full_name__icontains=filters.q)
            | Q(patient__email__icontains=filters.q)
            | Q(patient__patient_profile__record_number=filters.q)
        )
    rows = rows.annotate(**self_check_flag_columns())
    return rows.select_related("patient", "patient__patient_profile__primary_clinician").order_by(
        *dashboard_ordering(filters.sort)
    )


@dataclass(slots=True)
class DashboardRow:
    """What a row of the patient table shows of an enrollment, read as values
    (``dashboard_page_rows``) rather than as four models."""

    pk: int
    clinic_id: int
    patient_id: int
    progress_stamp: str
    full_name: str
    email: str
    record_number: str | None
    date_of_birth: date | None
    clinician_name: str | None
    consultation_at: datetime | None
    progress_percent: int
    readiness_status: str
    decisional_conflict: bool
    expectations_to_discuss: bool
    open_flags: int
    first_attempt_score: int | None
    last_activity_at: datetime | None

    def get_readiness_status_display(self) -> str:
        return STATUS_LABELS.get(self.readiness_status, self.readiness_status)


# Each field of DashboardRow and the column it is read from.
DASHBOARD_ROW_COLUMNS = {
    "pk": "pk",
    "clinic_id": "clinic_id",
    "patient_id": "patient_id",
    "progress_stamp": "progress_stamp",
    "full_name": "patient__full_name",
    "email": "patient__email",
    "record_number": "patient__patient_profile__record_number",
    "date_of_birth": "patient__patient_profile__date_of_birth",
    "clinician_name": "patient__patient_profile__primary_clinician__full_name",
    "consultation_at": "consultation_at",
    "progress_percent": "progress_percent",
    "readiness_status": "readiness_status",
    "decisional_conflict": "decisional_conflict",
    "expectations_to_discuss": "expectations_to_discuss",
    "open_flags": "open_flags",
    "first_attempt_score": "first_attempt_score",
    "last_activity_at": "last_activity_at",
}


def dashboard_page_rows(rows: QuerySet[Enrollment]) -> QuerySet:
    """``enrollment_list_for_staff``'s rows as the values a table row shows, in
    the order of DashboardRow's fields (``DashboardRow(*values)``)."""
    return rows.values_list(*DASHBOARD_ROW_COLUMNS.values())


class DashboardPages(DeferredJoinList):
    """The dashboard's rows for Django's Paginator: counted and paged on the
    bare query (index-only, no join), then one page read as DashboardRows."""

    def __getitem__(self, key):
        ids = list(self.queryset.values_list("pk", flat=True)[key])
        if not ids:
            return []
        page = dashboard_page_rows(self.queryset.filter(pk__in=ids))
        return [DashboardRow(*values) for values in page]


def dashboard_row_shows(row: DashboardRow) -> tuple:
    """Everything a row of the patient table shows (``_patients_table.html#patient-row``),
    as a cache key part: the row's cached HTML is current while these are equal.
    The snapshot's own columns are here as well as its ``progress_stamp``, so a
    write that skips the stamp (a bulk ``update()``) still moves the key, and so
    do the patient's and the primary clinician's names, which no stamp follows.
    A new column in the row is a new field of DashboardRow, and so in the key
    (tests/education/test_clinic_row_cache.py)."""
    return _dashboard_row_values(row)


_dashboard_row_values = attrgetter(*DASHBOARD_ROW_COLUMNS)


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
    "education.outcome.recorded": _("Consultation outcome recorded"),
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
    # The question was changed and published after the patient answered it:
    # its prompt and right answers today are not what they saw.
    answered_earlier_version: bool = False


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
    checklist: list[ChecklistAnswer]
    questions: list
    outdated_lessons: list[OutdatedLesson]
    timeline: list[TimelineEntry]
    reviews: list
    outcomes: list
    reasons: list[str]

    @property
    def open_flags(self) -> list[ChecklistAnswer]:
        return [row for row in self.checklist if row.flag_open]


def brief_quizzes(enrollment: Enrollment, state: PatientState) -> list[QuizHistory]:
    """Every attempt, grouped by quiz, quizzes in stage order: one query."""
    stage_order = {s.quiz.pk: s.number for s in state.stages if s.quiz is not None}
    by_quiz: dict[int, QuizHistory] = {}
    for attempt in (
        QuizAttempt.objects.filter(enrollment=enrollment)
        .select_related("quiz")
        .order_by("submitted_at", "pk")
    ):
        by_quiz.setdefault(attempt.quiz_id, QuizHistory(attempt.quiz, [])).attempts.append(attempt)
    return sorted(by_quiz.values(), key=lambda h: (stage_order.get(h.quiz.pk, 1_000), h.quiz.pk))


def brief_misconceptions(enrollment: Enrollment) -> list[Misconception]:
    """Questions answered wrongly on a first attempt, with the right answers: two queries."""
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
    return [
        Misconception(
            quiz=answer.attempt.quiz,
            question=answer.question,
            answer_text=answer.answer_text,
            correct_answers=[c.text for c in answer.question.correct_choices],
            answered_earlier_version=answer.answered_an_earlier_version,
        )
        for answer in wrong_first
    ]


def brief_checklist(enrollment: Enrollment, state: PatientState) -> list[ChecklistAnswer]:
    """Every checklist item with its answer, open flags first: one query."""
    responses = {
        r.item_id: r
        for r in ChecklistResponse.objects.filter(enrollment=enrollment).select_related(
            "flag_discussed_by"
        )
    }
    rows = [ChecklistAnswer(item, responses.get(item.pk)) for item in state.outline.checklist_items]
    rows.sort(key=lambda row: not row.flag_open)  # stable: open flags first, then in order
    return rows


def brief_outdated_lessons(state: PatientState) -> list[OutdatedLesson]:
    """Lessons read at an older version than the one published now: no query."""
    completions = state.raw.completions
    return [
        OutdatedLesson(lesson, completions[lesson.pk].lesson_version)
        for stage in state.stages
        for lesson in stage.lessons
        if lesson.pk in completions and completions[lesson.pk].lesson_version < lesson.version
    ]


def brief_timeline(enrollment: Enrollment, *, limit: int) -> list[TimelineEntry]:
    """The latest events about the patient, in plain words: one query. Views
    of the brief itself are audited but not shown."""
    events = (
        AuditEvent.objects.filter(patient_id=enrollment.patient_id)
        .exclude(action="education.brief.viewed")
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=event.created_at,
            label=str(AUDIT_LABELS.get(event.action, _("Other activity"))),
            actor=event.actor,
            by_patient=event.actor_id == enrollment.patient_id,
        )
        for event in events
    ]


def brief_reasons(state: PatientState) -> list[str]:
    """The readiness reasons in the clinician's voice: the rules word the open
    flags for the patient ("to talk over with your clinician"); no query."""
    flags = sum(
        1
        for response in state.raw.responses.values()
        if response.flag_status == ChecklistResponse.FlagStatus.OPEN
    )
    reasons = [str(reason) for reason in state.result.reasons]
    patient_voice = ngettext(
        "%(count)s checklist answer to talk over with your clinician",
        "%(count)s checklist answers to talk over with your clinician",
        flags,
    ) % {"count": flags}
    clinician_voice = ngettext(
        "%(count)s checklist answer the patient needs to talk over",
        "%(count)s checklist answers the patient needs to talk over",
        flags,
    ) % {"count": flags}
    return [clinician_voice if reason == patient_voice else reason for reason in reasons]


def patient_brief(enrollment: Enrollment, *, timeline_limit: int = 30) -> PatientBrief:
    """Everything a clinician reads before the consultation, for one enrollment
    already scoped to the clinic (see ``access.get_enrollment_for_staff``)."""
    state = patient_state(enrollment, cached=True)
    return PatientBrief(
        enrollment=enrollment,
        state=state,
        status_label=str(ReadinessStatus(state.result.status.value).label),
        quizzes=brief_quizzes(enrollment, state),
        misconceptions=brief_misconceptions(enrollment),
        checklist=brief_checklist(enrollment, state),
        questions=list(enrollment.patient_questions.order_by("created_at", "pk")),
        outdated_lessons=brief_outdated_lessons(state),
        timeline=brief_timeline(enrollment, limit=timeline_limit),
        reviews=list(enrollment.reviews.select_related("clinician").order_by("-created_at", "-pk")),
        outcomes=list(
            enrollment.outcomes.select_related("recorded_by").order_by("-recorded_at", "-pk")
        ),
        reasons=brief_reasons(state),
    )
