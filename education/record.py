"""A patient's own record as plain data, for the download on their account page.

It reads only what hangs off the patient: their account, profile, enrollments
and the progress recorded under them. Clinicians' review notes and the audit
trail are the clinic's records, not part of this download."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .models import (
    AttemptAnswer,
    ChecklistResponse,
    Enrollment,
    LessonCompletion,
    PatientQuestion,
    QuizAttempt,
)

RECORD_FORMAT = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def patient_record_get(*, patient) -> dict:
    """Everything ConsultReady holds that the patient wrote or did, as JSON-ready data."""
    profile = getattr(patient, "patient_profile", None)
    clinic = patient.clinic
    enrollments = list(
        Enrollment.objects.filter(patient=patient).select_related("pathway").order_by("pk")
    )
    ids = [e.pk for e in enrollments]
    attempts = list(
        QuizAttempt.objects.filter(enrollment_id__in=ids)
        .select_related("quiz")
        .order_by("submitted_at", "pk")
    )
    answers: dict[int, list] = {}
    for answer in (
        AttemptAnswer.objects.filter(attempt__in=attempts).select_related("question").order_by("pk")
    ):
        answers.setdefault(answer.attempt_id, []).append(
            {
                "question": answer.question.prompt,
                "choice_ids": answer.choice_ids,
                "answer_text": answer.answer_text,
                "correct": answer.is_correct,
            }
        )
    responses = (
        ChecklistResponse.objects.filter(enrollment_id__in=ids)
        .select_related("item")
        .order_by("item__order", "pk")
    )
    questions = PatientQuestion.objects.filter(enrollment_id__in=ids).order_by("created_at", "pk")

    return {
        "format": RECORD_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "full_name": patient.full_name,
            "email": patient.email,
            "joined": _when(patient.date_joined),
            "privacy_notice_version": patient.privacy_notice_version,
            "privacy_accepted_at": _when(patient.privacy_accepted_at),
        },
        "clinic": {
            "name": clinic.shown_name if clinic else None,
            "phone": clinic.contact_phone if clinic else None,
            "address": clinic.address if clinic else None,
        },
        "consultation_at": _when(profile.consultation_at) if profile else None,
        "enrollments": [
            {
                "pathway": e.pathway.title,
                "enrolled_at": _when(e.enrolled_at),
                "readiness": e.get_readiness_status_display(),
                "percent_complete": e.progress_percent,
            }
            for e in enrollments
        ],
        "lessons_read": [
            {
                "lesson": c.lesson.title,
                "version": c.lesson_version,
                "read_at": _when(c.completed_at),
            }
            for c in LessonCompletion.objects.filter(patient=patient)
            .select_related("lesson")
            .order_by("completed_at", "pk")
        ],
        "quiz_attempts": [
            {
                "quiz": a.quiz.title,
                "number": a.number,
                "score_percent": a.score,
                "passed": a.passed,
                "submitted_at": _when(a.submitted_at),
                "answers": answers.get(a.pk, []),
            }
            for a in attempts
        ],
        "checklist_answers": [
            {
                "item": r.item.text,
                "answer": r.get_answer_display(),
                "note": r.note,
                "answered_at": _when(r.answered_at),
            }
            for r in responses
        ],
        "questions_for_the_consultation": [
            {"text": q.text, "written_at": _when(q.created_at)} for q in questions
        ],
    }
