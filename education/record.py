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
    TeachBack,
)
from .models.assessment import SelfCheck

RECORD_FORMAT = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def patient_record_get(*, patient) -> dict:
    """Everything ConsultReady holds that the patient wrote or did, as JSON-ready data."""
    profile = getattr(patient, "patient_profile", None)
    enrollments = list(
        Enrollment.objects.filter(patient=patient).select_related("pathway").order_by("pk")
    )
    ids = [e.pk for e in enrollments]
    return {
        "format": RECORD_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": _account(patient),
        "clinic": _clinic(patient.clinic),
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
        "lessons_read": _lessons_read(patient),
        "quiz_attempts": _quiz_attempts(ids),
        "checklist_answers": _checklist_answers(ids),
        "in_your_own_words": _teach_backs(ids),
        "self_checks": _self_checks(ids),
        "questions_for_the_consultation": [
            {"text": q.text, "written_at": _when(q.created_at)}
            for q in PatientQuestion.objects.filter(enrollment_id__in=ids).order_by(
                "created_at", "pk"
            )
        ],
    }


def _account(patient) -> dict:
    return {
        "full_name": patient.full_name,
        "email": patient.email,
        "joined": _when(patient.date_joined),
        "privacy_notice_version": patient.privacy_notice_version,
        "privacy_accepted_at": _when(patient.privacy_accepted_at),
    }


def _clinic(clinic) -> dict:
    return {
        "name": clinic.shown_name if clinic else None,
        "phone": clinic.contact_phone if clinic else None,
        "address": clinic.address if clinic else None,
    }


def _lessons_read(patient) -> list[dict]:
    completions = (
        LessonCompletion.objects.filter(patient=patient)
        .select_related("lesson")
        .order_by("completed_at", "pk")
    )
    return [
        {"lesson": c.lesson.title, "version": c.lesson_version, "read_at": _when(c.completed_at)}
        for c in completions
    ]


def _quiz_attempts(enrollment_ids: list[int]) -> list[dict]:
    attempts = list(
        QuizAttempt.objects.filter(enrollment_id__in=enrollment_ids)
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
    return [
        {
            "quiz": a.quiz.title,
            "number": a.number,
            "score_percent": a.score,
            "passed": a.passed,
            "submitted_at": _when(a.submitted_at),
            "answers": answers.get(a.pk, []),
        }
        for a in attempts
    ]


def _checklist_answers(enrollment_ids: list[int]) -> list[dict]:
    responses = (
        ChecklistResponse.objects.filter(enrollment_id__in=enrollment_ids)
        .select_related("item")
        .order_by("item__order", "pk")
    )
    return [
        {
            "item": r.item.text,
            "answer": r.get_answer_display(),
            "note": r.note,
            "answered_at": _when(r.answered_at),
        }
        for r in responses
    ]


def _teach_backs(enrollment_ids: list[int]) -> list[dict]:
    answers = TeachBack.objects.filter(enrollment_id__in=enrollment_ids).order_by(
        "answered_at", "pk"
    )
    return [
        {"question": t.prompt, "your_answer": t.text, "answered_at": _when(t.answered_at)}
        for t in answers
    ]


def _self_checks(enrollment_ids: list[int]) -> list[dict]:
    checks = SelfCheck.objects.filter(enrollment_id__in=enrollment_ids).order_by(
        "answered_at", "pk"
    )
    return [
        {
            "check": c.get_kind_display(),
            "answers": c.answers,
            "answered_at": _when(c.answered_at),
        }
        for c in checks
    ]
