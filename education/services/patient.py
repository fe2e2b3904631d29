"""What a patient does: read a lesson, answer a quiz, answer the checklist,
write questions for the consultation. The actor is always the enrollment's
patient; ``ip`` is where the request came from, for the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .. import grading, journey
from ..models import (
    AttemptAnswer,
    ChecklistItem,
    ChecklistResponse,
    Enrollment,
    Lesson,
    LessonCompletion,
    PatientQuestion,
    PublishStatus,
    Quiz,
    QuizAttempt,
)
from ..models.progress import QUESTION_MAX_LENGTH, progress_stamp_new
from ..selectors.outline import quiz_questions
from ..selectors.patient import quiz_draw
from ..selectors.progress import patient_state, quiz_attempts_for
from .errors import EducationError, StageLocked
from .snapshot import (
    clean_note,
    enrollment_snapshot_refresh,
    locked_enrollment,
    require_open_stage,
)


def _audit_patient(enrollment: Enrollment, action: str, ip: str | None, **detail) -> None:
    audit_record(
        action=action,
        actor=enrollment.patient,
        patient=enrollment.patient,
        ip=ip,
        detail=detail,
    )


@transaction.atomic
def lesson_complete(
    *, enrollment: Enrollment, lesson: Lesson, ip: str | None = None
) -> LessonCompletion:
    """Mark a lesson read at its current version (again, if it was updated)."""
    enrollment = locked_enrollment(enrollment)
    if lesson.status != PublishStatus.PUBLISHED:
        raise EducationError(_("This lesson is not available."))
    require_open_stage(patient_state(enrollment), lesson.module_id)
    completion, _created = LessonCompletion.objects.update_or_create(
        patient_id=enrollment.patient_id,
        lesson=lesson,
        defaults={"lesson_version": lesson.version, "completed_at": timezone.now()},
    )
    enrollment_snapshot_refresh(enrollment=enrollment)
    # Completions belong to the patient: their other pathways' records changed too.
    Enrollment.objects.filter(patient_id=enrollment.patient_id).exclude(pk=enrollment.pk).update(
        progress_stamp=progress_stamp_new()
    )
    _audit_patient(
        enrollment, "education.lesson.completed", ip, lesson=lesson.pk, version=lesson.version
    )
    return completion


def _quiz_grade(enrollment: Enrollment, quiz: Quiz, answers, quiz_version):
    """Check that the quiz may be taken now and grade the answers, or raise.
    Returns the grade, the attempt's number, the questions graded (one variant
    per objective), the patient's state and each graded question's content hash."""
    if quiz.status != PublishStatus.PUBLISHED:
        raise EducationError(_("This quiz is not available."))
    state = patient_state(enrollment)
    stage = require_open_stage(state, quiz.module_id)
    if not journey.quiz_is_open(stage, state.raw.completions):
        raise StageLocked(_("Read every lesson in this stage first, then take the quiz."))
    if quiz_version is not None and quiz_version != quiz.version:
        raise EducationError(
            _("This quiz was updated while you were answering. Please answer the new version.")
        )
    questions = quiz_draw(state, quiz, quiz_questions(quiz))
    if not questions:
        raise EducationError(_("This quiz has no questions yet."))
    if set(answers) - {q.pk for q in questions}:
        # Answers to another draw (e.g. a form left open while retaking elsewhere).
        raise EducationError(
            _("This form is out of date. Please check your answers and send them again.")
        )
    specs = [grading.question_spec(q) for q in questions]
    result = grading.grade(specs, answers)
    if result.problems:
        raise EducationError(
            _("Some answers need another look. They are marked below."), errors=result.problems
        )
    hashes = {q.pk: q.content_hash for q in questions}
    return result, 1 + len(quiz_attempts_for(state, quiz)), specs, state, hashes


@transaction.atomic
def quiz_attempt_submit(
    *,
    enrollment: Enrollment,
    quiz: Quiz,
    answers: Mapping[int, Sequence[int]],
    submission_key: uuid.UUID,
    quiz_version: int | None = None,
    ip: str | None = None,
) -> QuizAttempt:
    """Store one graded attempt. The same submission key stores nothing new."""
    enrollment = locked_enrollment(enrollment)
    existing = QuizAttempt.objects.filter(
        enrollment=enrollment, submission_key=submission_key
    ).first()
    if existing is not None:
        return existing
    result, number, specs, state, hashes = _quiz_grade(enrollment, quiz, answers, quiz_version)
    right = grading.objectives_right(specs, result)
    earlier = {o for a in quiz_attempts_for(state, quiz) for o in a.objectives_right}
    # Passed: the score reaches the pass mark and every must-pass objective
    # has been answered right, in this attempt or an earlier one.
    passed = result.passes(quiz.pass_mark) and not grading.missing_objectives(
        quiz.must_pass_objectives(), earlier | set(right)
    )
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                enrollment=enrollment,
                quiz=quiz,
                quiz_version=quiz.version,
                number=number,
                score=result.score,
                passed=passed,
                objectives_right=right,
                submission_key=submission_key,
                # The order the form showed: drawn from the same key.
                choice_order=grading.choice_order(specs, str(submission_key)),
            )
    except IntegrityError:
        # A concurrent duplicate of the same submission won the race.
        return QuizAttempt.objects.get(enrollment=enrollment, submission_key=submission_key)
    _attempt_answers_store(attempt, result, hashes)
    enrollment_snapshot_refresh(enrollment=enrollment)
    _audit_patient(
        enrollment,
        "education.quiz.submitted",
        ip,
        quiz=quiz.pk,
        attempt=attempt.number,
        score=attempt.score,
        passed=attempt.passed,
    )
    return attempt


def _attempt_answers_store(attempt: QuizAttempt, result, hashes: Mapping[int, str]) -> None:
    """Each graded answer, with the hash of the question as it was answered."""
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(
            attempt=attempt,
            question_id=answer.question_id,
            choice_ids=list(answer.choice_ids),
            answer_text=answer.answer_text,
            is_correct=answer.is_correct,
            question_hash=hashes.get(answer.question_id, ""),
        )
        for answer in result.answers
    )


@transaction.atomic
def checklist_response_save(
    *,
    enrollment: Enrollment,
    item: ChecklistItem,
    answer: str,
    note: str = "",
    ip: str | None = None,
) -> ChecklistResponse:
    """Save one answer. A required item answered other than its safe answer
    opens a flag for the clinician; changing it back closes the flag."""
    if answer not in ChecklistItem.Answer.values:
        raise EducationError(_("Choose yes, no or not sure."))
    note = clean_note(note)
    enrollment = locked_enrollment(enrollment)
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
    _audit_patient(
        enrollment,
        "education.checklist.saved",
        ip,
        item=item.pk,
        answer=answer,
        flag=response.flag_status,
    )
    return response


@transaction.atomic
def checklist_responses_save(
    *,
    enrollment: Enrollment,
    entries: Sequence[tuple[ChecklistItem, str, str]],
    ip: str | None = None,
) -> list[ChecklistResponse]:
    """Save several checklist answers at once (the form without JavaScript):
    all or nothing, errors keyed by item id. An answer and note that did not
    change are left alone, so a discussed flag stays discussed."""
    current = {r.item_id: r for r in ChecklistResponse.objects.filter(enrollment=enrollment)}
    saved: list[ChecklistResponse] = []
    errors: dict[int, str] = {}
    for item, answer, note in entries:
        existing = current.get(item.pk)
        if existing and existing.answer == answer and existing.note == (note or "").strip():
            continue
        try:
            saved.append(
                checklist_response_save(
                    enrollment=enrollment, item=item, answer=answer, note=note, ip=ip
                )
            )
        except EducationError as error:
            errors[item.pk] = str(error)
    if errors:
        raise EducationError(
            _("Your answers were not saved. The ones that need another look are marked below."),
            errors=errors,
        )
    return saved


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
def patient_question_add(
    *, enrollment: Enrollment, text: str, ip: str | None = None
) -> PatientQuestion:
    text = _clean_question_text(text)
    enrollment = locked_enrollment(enrollment)
    question = PatientQuestion.objects.create(enrollment=enrollment, text=text)
    enrollment.last_activity_at = timezone.now()
    enrollment.save(update_fields=["last_activity_at"])
    _audit_patient(enrollment, "education.question.added", ip, question=question.pk)
    return question


@transaction.atomic
def patient_question_update(
    *, question: PatientQuestion, text: str, ip: str | None = None
) -> PatientQuestion:
    question.text = _clean_question_text(text)
    question.save(update_fields=["text", "updated_at"])
    Enrollment.objects.filter(pk=question.enrollment_id).update(last_activity_at=timezone.now())
    _audit_patient(question.enrollment, "education.question.updated", ip, question=question.pk)
    return question


@transaction.atomic
def patient_question_delete(*, question: PatientQuestion, ip: str | None = None) -> None:
    enrollment = question.enrollment
    pk = question.pk
    question.delete()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=timezone.now())
    _audit_patient(enrollment, "education.question.deleted", ip, question=pk)
