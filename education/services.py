"""Writes. Each runs in one transaction, refreshes the enrollment's readiness
snapshot when progress changes, and records an audit event."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PatientProfile, User

from . import readiness
from .audit import audit_record
from .models import (
    AttemptAnswer,
    ChecklistItem,
    ChecklistResponse,
    ClinicianReview,
    Enrollment,
    Lesson,
    LessonCompletion,
    PatientQuestion,
    Quiz,
    QuizAttempt,
    Status,
)
from .models.progress import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH
from .selectors.outline import quiz_questions
from .selectors.progress import PatientState, patient_state


class EducationError(Exception):
    """A rule was broken; the message is written for the person who broke it."""

    def __init__(self, message: str, *, field_errors: Mapping[str, str] | None = None):
        super().__init__(message)
        self.field_errors = dict(field_errors or {})


class StageLocked(EducationError):
    """The stage is not open yet for this patient."""


# --- Snapshot ---------------------------------------------------------------


def _first_attempt_score(state: PatientState) -> int | None:
    firsts = [a.score for a in state.raw.attempts if a.number == 1]
    return round(sum(firsts) / len(firsts)) if firsts else None


def enrollment_snapshot_refresh(*, enrollment: Enrollment, activity: bool = True) -> PatientState:
    """Recompute readiness from the raw records and store the snapshot."""
    state = patient_state(enrollment)
    result = state.result
    enrollment.readiness_status = result.status.value
    enrollment.progress_percent = result.percent
    enrollment.open_flags = result.open_flags
    enrollment.first_attempt_score = _first_attempt_score(state)
    fields = ["readiness_status", "progress_percent", "open_flags", "first_attempt_score"]
    if activity:
        enrollment.last_activity_at = timezone.now()
        fields.append("last_activity_at")
    enrollment.save(update_fields=fields)
    return state


def _locked_enrollment(enrollment: Enrollment) -> Enrollment:
    """Serialise writes for one patient: two tabs cannot interleave."""
    return (
        Enrollment.objects.select_for_update()
        .select_related("pathway", "patient", "clinic")
        .get(pk=enrollment.pk)
    )


def _require_open_stage(state: PatientState, module_id: int):
    stage = state.outline.stage_for_module(module_id)
    if stage is None:
        raise EducationError(_("This stage is not part of your pathway."))
    if not stage.is_open:
        raise StageLocked(_("Finish the earlier stages first. This one opens after them."))
    return stage


# --- Enrollment -------------------------------------------------------------


@transaction.atomic
def enrollment_create(*, patient: User, pathway, enrolled_by: User | None = None) -> Enrollment:
    profile = getattr(patient, "patient_profile", None)
    enrollment, _created = Enrollment.objects.get_or_create(
        patient=patient,
        pathway=pathway,
        defaults={
            "clinic_id": patient.clinic_id,
            "enrolled_by": enrolled_by,
            "consultation_at": profile.consultation_at if profile else None,
        },
    )
    enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
    return enrollment


# --- Patient actions --------------------------------------------------------


@transaction.atomic
def lesson_complete(*, enrollment: Enrollment, lesson: Lesson, request=None) -> LessonCompletion:
    """Mark a lesson read at its current version (again, if it was updated)."""
    enrollment = _locked_enrollment(enrollment)
    if lesson.status != Status.PUBLISHED:
        raise EducationError(_("This lesson is not available."))
    _require_open_stage(patient_state(enrollment), lesson.module_id)
    completion, created = LessonCompletion.objects.update_or_create(
        patient_id=enrollment.patient_id,
        lesson=lesson,
        defaults={"lesson_version": lesson.version, "completed_at": timezone.now()},
    )
    enrollment_snapshot_refresh(enrollment=enrollment)
    audit_record(
        action="education.lesson.completed",
        actor=enrollment.patient,
        patient=enrollment.patient,
        request=request,
        detail={"lesson": lesson.pk, "version": lesson.version},
    )
    return completion


def _grade(questions, answers: Mapping[int, Sequence[int]]):
    """Check every answer against its question; return (graded, errors)."""
    errors: dict[str, str] = {}
    graded = []
    for question in questions:
        choices = {c.pk: c for c in question.choices.all()}
        picked = list(dict.fromkeys(answers.get(question.pk, ())))
        key = f"question_{question.pk}"
        if not picked:
            errors[key] = _("Choose an answer for this question.")
            continue
        if any(choice_id not in choices for choice_id in picked):
            errors[key] = _("That answer is not one of the choices. Please choose again.")
            continue
        if not question.allows_many and len(picked) != 1:
            errors[key] = _("Choose one answer for this question.")
            continue
        correct = {pk for pk, c in choices.items() if c.is_correct}
        graded.append((question, picked, set(picked) == correct, choices))
    return graded, errors


@transaction.atomic
def quiz_attempt_submit(
    *,
    enrollment: Enrollment,
    quiz: Quiz,
    answers: Mapping[int, Sequence[int]],
    submission_key: uuid.UUID,
    quiz_version: int | None = None,
    request=None,
) -> QuizAttempt:
    """Store one graded attempt. The same submission key stores nothing new."""
    enrollment = _locked_enrollment(enrollment)
    existing = QuizAttempt.objects.filter(
        enrollment=enrollment, submission_key=submission_key
    ).first()
    if existing is not None:
        return existing
    if quiz.status != Status.PUBLISHED:
        raise EducationError(_("This quiz is not available."))
    state = patient_state(enrollment)
    stage = _require_open_stage(state, quiz.module_id)
    if any(lesson.pk not in state.raw.completions for lesson in stage.lessons):
        raise StageLocked(_("Read every lesson in this stage first, then take the quiz."))
    if quiz_version is not None and quiz_version != quiz.version:
        raise EducationError(
            _("This quiz was updated while you were answering. Please answer the new version.")
        )
    questions = quiz_questions(quiz)
    if not questions:
        raise EducationError(_("This quiz has no questions yet."))
    graded, errors = _grade(questions, answers)
    if errors:
        raise EducationError(
            _("Some answers need another look. They are marked below."), field_errors=errors
        )
    correct_count = sum(1 for _q, _p, ok, _c in graded if ok)
    score = round(100 * correct_count / len(graded))
    number = 1 + sum(1 for a in state.raw.attempts if a.quiz_id == quiz.pk)
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                enrollment=enrollment,
                quiz=quiz,
                quiz_version=quiz.version,
                number=number,
                score=score,
                passed=score >= quiz.pass_mark,
                submission_key=submission_key,
            )
    except IntegrityError:
        # A concurrent duplicate of the same submission won the race.
        return QuizAttempt.objects.get(enrollment=enrollment, submission_key=submission_key)
    AttemptAnswer.objects.bulk_create(
        [
            AttemptAnswer(
                attempt=attempt,
                question=question,
                choice_ids=picked,
                answer_text=" · ".join(choices[pk].text for pk in picked),
                is_correct=ok,
            )
            for question, picked, ok, choices in graded
        ]
    )
    enrollment_snapshot_refresh(enrollment=enrollment)
    audit_record(
        action="education.quiz.submitted",
        actor=enrollment.patient,
        patient=enrollment.patient,
        request=request,
        detail={
            "quiz": quiz.pk,
            "attempt": attempt.number,
            "score": score,
            "passed": attempt.passed,
        },
    )
    return attempt


@transaction.atomic
def checklist_response_save(
    *,
    enrollment: Enrollment,
    item: ChecklistItem,
    answer: str,
    note: str = "",
    request=None,
) -> ChecklistResponse:
    """Save one answer. A required item answered other than its safe answer
    opens a flag for the clinician; changing it back closes the flag."""
    if answer not in ChecklistItem.Answer.values:
        raise EducationError(_("Choose yes, no or not sure."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise EducationError(
            _("Keep the note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}
        )
    enrollment = _locked_enrollment(enrollment)
    if item.checklist_id != enrollment.pathway.checklist_id:
        raise EducationError(_("This item is not on your checklist."))
    response = ChecklistResponse.objects.filter(enrollment=enrollment, item=item).first()
    if response is None:
        response = ChecklistResponse(enrollment=enrollment, item=item)
    changed_answer = response.answer != answer
    response.answer = answer
    response.note = note
    response.answered_at = timezone.now()
    response.checklist_version = item.checklist.version
    if not item.raises_flag(answer):
        response.flag_status = ChecklistResponse.FlagStatus.NONE
    elif changed_answer or response.flag_status == ChecklistResponse.FlagStatus.NONE:
        # A new concern reopens the flag, even if an earlier one was discussed.
        response.flag_status = ChecklistResponse.FlagStatus.OPEN
        response.flag_discussed_at = None
        response.flag_discussed_by = None
    response.save()
    enrollment_snapshot_refresh(enrollment=enrollment)
    audit_record(
        action="education.checklist.saved",
        actor=enrollment.patient,
        patient=enrollment.patient,
        request=request,
        detail={"item": item.pk, "answer": answer, "flag": response.flag_status},
    )
    return response


def _clean_question_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise EducationError(_("Write your question first."))
    if len(text) > QUESTION_MAX_LENGTH:
        raise EducationError(
            _("Keep each question under %(limit)s characters.") % {"limit": QUESTION_MAX_LENGTH}
        )
    return text


@transaction.atomic
def question_add(*, enrollment: Enrollment, text: str, request=None) -> PatientQuestion:
    text = _clean_question_text(text)
    enrollment = _locked_enrollment(enrollment)
    question = PatientQuestion.objects.create(enrollment=enrollment, text=text)
    enrollment.last_activity_at = timezone.now()
    enrollment.save(update_fields=["last_activity_at"])
    audit_record(
        action="education.question.added",
        actor=enrollment.patient,
        patient=enrollment.patient,
        request=request,
        detail={"question": question.pk},
    )
    return question


@transaction.atomic
def question_update(*, question: PatientQuestion, text: str, request=None) -> PatientQuestion:
    question.text = _clean_question_text(text)
    question.save(update_fields=["text", "updated_at"])
    Enrollment.objects.filter(pk=question.enrollment_id).update(last_activity_at=timezone.now())
    audit_record(
        action="education.question.updated",
        actor=question.enrollment.patient,
        patient=question.enrollment.patient,
        request=request,
        detail={"question": question.pk},
    )
    return question


@transaction.atomic
def question_delete(*, question: PatientQuestion, request=None) -> None:
    patient = question.enrollment.patient
    pk = question.pk
    enrollment_id = question.enrollment_id
    question.delete()
    Enrollment.objects.filter(pk=enrollment_id).update(last_activity_at=timezone.now())
    audit_record(
        action="education.question.deleted",
        actor=patient,
        patient=patient,
        request=request,
        detail={"question": pk},
    )


# --- Clinician actions ------------------------------------------------------


def _require_same_clinic(staff: User, enrollment: Enrollment):
    if not staff.is_clinic_staff or staff.clinic_id != enrollment.clinic_id:
        raise EducationError(_("This patient is not in your clinic."))


@transaction.atomic
def consultation_set(*, staff: User, enrollment: Enrollment, consultation_at, request=None):
    """Set or clear the consultation date on the patient and the dashboard row."""
    _require_same_clinic(staff, enrollment)
    PatientProfile.objects.update_or_create(
        user_id=enrollment.patient_id, defaults={"consultation_at": consultation_at}
    )
    Enrollment.objects.filter(patient_id=enrollment.patient_id).update(
        consultation_at=consultation_at
    )
    enrollment.consultation_at = consultation_at
    audit_record(
        action="education.consultation.set",
        actor=staff,
        patient=enrollment.patient,
        request=request,
        detail={"consultation_at": consultation_at.isoformat() if consultation_at else None},
    )
    return enrollment


@transaction.atomic
def flag_mark_discussed(
    *, staff: User, response: ChecklistResponse, note: str = "", request=None
) -> ChecklistResponse:
    enrollment = _locked_enrollment(response.enrollment)
    _require_same_clinic(staff, enrollment)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise EducationError(
            _("Keep the note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}
        )
    response = ChecklistResponse.objects.select_for_update().get(pk=response.pk)
    if response.flag_status != ChecklistResponse.FlagStatus.OPEN:
        raise EducationError(_("This flag is not open."))
    response.flag_status = ChecklistResponse.FlagStatus.DISCUSSED
    response.flag_discussed_by = staff
    response.flag_discussed_at = timezone.now()
    response.flag_note = note
    response.save(
        update_fields=["flag_status", "flag_discussed_by", "flag_discussed_at", "flag_note"]
    )
    enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
    audit_record(
        action="education.flag.discussed",
        actor=staff,
        patient=enrollment.patient,
        request=request,
        detail={"response": response.pk, "item": response.item_id},
    )
    return response


@transaction.atomic
def review_record(
    *,
    staff: User,
    enrollment: Enrollment,
    outcome: str,
    note: str = "",
    override_reason: str = "",
    request=None,
) -> ClinicianReview:
    """Append a review. "Ready" needs the patient's readiness, or a written reason."""
    enrollment = _locked_enrollment(enrollment)
    _require_same_clinic(staff, enrollment)
    if outcome not in ClinicianReview.Outcome.values:
        raise EducationError(_("Choose an outcome."))
    state = enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
    override_reason = (override_reason or "").strip()
    if (
        outcome == ClinicianReview.Outcome.READY
        and state.result.status != readiness.Status.READY
        and not override_reason
    ):
        raise EducationError(
            _(
                "This patient is not ready yet. To record “ready” anyway, write the "
                "reason for the override."
            ),
            field_errors={"override_reason": _("Write why you are overriding readiness.")},
        )
    review = ClinicianReview.objects.create(
        enrollment=enrollment,
        clinician=staff,
        outcome=outcome,
        note=(note or "").strip(),
        override_reason=override_reason if outcome == ClinicianReview.Outcome.READY else "",
        readiness_at_review=enrollment.readiness_status,
    )
    audit_record(
        action="education.review.recorded",
        actor=staff,
        patient=enrollment.patient,
        request=request,
        detail={"review": review.pk, "outcome": outcome, "override": bool(review.override_reason)},
    )
    return review


# --- Content ----------------------------------------------------------------


@transaction.atomic
def content_publish(*, obj, actor: User | None = None, request=None) -> bool:
    """Publish a lesson, quiz, checklist, module or pathway. The version goes
    up only when what patients see changed. Returns whether it went up."""
    new_hash = obj.compute_content_hash()
    bumped = new_hash != obj.content_hash
    if bumped:
        obj.version += 1
        obj.content_hash = new_hash
        obj.published_at = timezone.now()
    obj.status = Status.PUBLISHED
    obj.save()
    audit_record(
        action="education.content.published",
        actor=actor,
        request=request,
        detail={"model": obj._meta.label_lower, "id": obj.pk, "version": obj.version},
    )
    return bumped


@transaction.atomic
def content_unpublish(*, obj, actor: User | None = None, request=None) -> None:
    obj.status = Status.DRAFT
    obj.save(update_fields=["status", "updated_at"])
    audit_record(
        action="education.content.unpublished",
        actor=actor,
        request=request,
        detail={"model": obj._meta.label_lower, "id": obj.pk},
    )


def snapshots_recompute(*, batch_size: int = 500) -> int:
    """Rebuild every enrollment's snapshot from the raw records."""
    count = 0
    ids = list(Enrollment.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            for enrollment in Enrollment.objects.filter(
                pk__in=ids[start : start + batch_size]
            ).select_related("pathway"):
                enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
                count += 1
    return count


# --- Patient actions (added for the patient pages) --------------------------


@transaction.atomic
def checklist_responses_save(
    *,
    enrollment: Enrollment,
    entries: Sequence[tuple[ChecklistItem, str, str]],
    request=None,
) -> list[ChecklistResponse]:
    """Save several checklist answers at once (the form without JavaScript):
    all or nothing. An answer and note that did not change are left alone, so
    a discussed flag stays discussed."""
    current = {r.item_id: r for r in ChecklistResponse.objects.filter(enrollment=enrollment)}
    saved: list[ChecklistResponse] = []
    errors: dict[str, str] = {}
    for item, answer, note in entries:
        existing = current.get(item.pk)
        if existing and existing.answer == answer and existing.note == (note or "").strip():
            continue
        try:
            saved.append(
                checklist_response_save(
                    enrollment=enrollment, item=item, answer=answer, note=note, request=request
                )
            )
        except EducationError as error:
            errors[f"item_{item.pk}"] = str(error)
    if errors:
        raise EducationError(
            _("Your answers were not saved. The ones that need another look are marked below."),
            field_errors=errors,
        )
    return saved
