"""A patient's state on one enrollment: the outline, what they did (raw
records), and readiness evaluated over both."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.core.cache import cache

from accounts.models import User

from .. import readiness
from ..models import (
    ChecklistItem,
    ChecklistResponse,
    Enrollment,
    LessonCompletion,
    Quiz,
    QuizAttempt,
    TeachBack,
)
from ..models.assessment import SelfCheck
from .outline import Outline, Stage, pathway_outline


@dataclass
class RawProgress:
    completions: dict[int, LessonCompletion] = field(default_factory=dict)
    attempts: list[QuizAttempt] = field(default_factory=list)
    responses: dict[int, ChecklistResponse] = field(default_factory=dict)
    teach_backs: dict[int, TeachBack] = field(default_factory=dict)  # by module id
    self_checks: dict[str, SelfCheck] = field(default_factory=dict)  # by kind

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
            teach_backs=frozenset(self.teach_backs),
            decision_check_asked=True,
            decision_check_answered=SelfCheck.Kind.SURE in self.self_checks,
            objectives_shown=frozenset(
                (a.quiz_id, objective) for a in self.attempts for objective in a.objectives_right
            ),
        )


# Patients' records are cached under the enrollment's progress stamp, which
# every write to them moves (services.enrollment_snapshot_refresh). The
# timeout only lets entries of old stamps go.
PROGRESS_CACHE_SECONDS = 60 * 60


def raw_progress(enrollment: Enrollment, *, cached: bool = False) -> RawProgress:
    """Everything a patient has done on one enrollment: five queries. Pages
    pass ``cached`` to read it from the cache under the progress stamp of the
    enrollment they have just loaded; writers and scripts, which may hold an
    enrollment older than their own writes, read the records."""
    if not cached:
        return _raw_progress_build(enrollment)
    key = f"education:progress:{enrollment.pk}:{enrollment.progress_stamp}"
    raw = cache.get(key)
    if raw is None:
        raw = _raw_progress_build(enrollment)
        cache.set(key, raw, PROGRESS_CACHE_SECONDS)
    return raw


def _raw_progress_build(enrollment: Enrollment) -> RawProgress:
    return RawProgress(
        completions={
            c.lesson_id: c
            for c in LessonCompletion.objects.filter(patient_id=enrollment.patient_id)
        },
        attempts=list(
            QuizAttempt.objects.filter(enrollment=enrollment).order_by("submitted_at", "pk")
        ),
        responses={r.item_id: r for r in enrollment.checklist_responses.all()},
        teach_backs={t.module_id: t for t in TeachBack.objects.filter(enrollment=enrollment)},
        self_checks={s.kind: s for s in SelfCheck.objects.filter(enrollment=enrollment)},
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

    @property
    def content_revision(self) -> str:
        """The revision of the published content this state was built from."""
        return self.enrollment.pathway.content_revision


def patient_state(enrollment: Enrollment, *, cached: bool = False) -> PatientState:
    shared = pathway_outline(enrollment.pathway, enrollment.clinic_id)
    raw = raw_progress(enrollment, cached=cached)
    result = readiness.evaluate(shared.spec(), raw.as_progress())
    # The outline is shared by every patient (and request): this patient's
    # stage states go on copies of its stages, never on the shared ones.
    stages = [
        replace(stage, state=state)
        for stage, state in zip(shared.stages, result.stage_states, strict=True)
    ]
    outline = replace(shared, stages=stages)
    return PatientState(enrollment=enrollment, outline=outline, raw=raw, result=result)


def enrollment_get_for_patient(patient: User) -> Enrollment | None:
    return (
        Enrollment.objects.select_related("pathway", "clinic")
        .filter(patient=patient)
        .order_by("enrolled_at", "pk")
        .first()
    )


def quiz_attempts_for(state: PatientState, quiz: Quiz) -> list[QuizAttempt]:
    return [a for a in state.raw.attempts if a.quiz_id == quiz.pk]


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
