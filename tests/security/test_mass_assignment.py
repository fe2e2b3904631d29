"""Extra fields in a post (patient, clinic, role, is_staff, ...) change nothing beyond
what the form is for."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Invitation, User
from accounts.services import invitation_create, invitation_url
from education import services
from education.models import (
    ChecklistItem,
    ChecklistResponse,
    ClinicianReview,
    Enrollment,
    LessonCompletion,
    PathwayModule,
    PatientQuestion,
    QuizAttempt,
)
from tests.builders import correct_answers


@pytest.fixture
def extras(other_patient, foreign_patient, other_clinic):
    """Fields no form has, pointing at other people and places, and at more power."""
    target = other_patient.enrollments.get()
    return {
        "patient": other_patient.pk,
        "patient_id": other_patient.pk,
        "clinic": other_clinic.pk,
        "clinic_id": other_clinic.pk,
        "role": User.Role.CLINIC_ADMIN,
        "is_staff": "1",
        "is_superuser": "true",
        "enrollment": target.pk,
        "enrollment_id": target.pk,
        "user": foreign_patient.pk,
        "clinician": foreign_patient.pk,
    }


def others_snapshot(*patients) -> dict:
    """Everything about these people, and everyone's powers."""
    enrollments = Enrollment.objects.filter(patient__in=patients)
    return {
        "enrollments": list(enrollments.values_list().order_by("pk")),
        "questions": list(
            PatientQuestion.objects.filter(enrollment__in=enrollments).values_list().order_by("pk")
        ),
        "responses": list(
            ChecklistResponse.objects.filter(enrollment__in=enrollments)
            .values_list()
            .order_by("pk")
        ),
        "attempts": list(
            QuizAttempt.objects.filter(enrollment__in=enrollments).values_list().order_by("pk")
        ),
        "completions": list(
            LessonCompletion.objects.filter(patient__in=patients).values_list().order_by("pk")
        ),
        "reviews": list(
            ClinicianReview.objects.filter(enrollment__in=enrollments).values_list().order_by("pk")
        ),
        "powers": list(
            User.objects.values_list(
                "pk", "role", "clinic_id", "is_staff", "is_superuser"
            ).order_by("pk")
        ),
    }


@pytest.fixture
def bystanders(other_patient, foreign_patient):
    return (other_patient, foreign_patient)


def _first_module(pathway):
    return PathwayModule.objects.filter(pathway=pathway).order_by("order")[0].module


# --- Patient forms --------------------------------------------------------------------


def test_a_new_question_stays_on_the_posters_enrollment(
    patient_client, patient, bystanders, extras
):
    before = others_snapshot(*bystanders)
    response = patient_client.post("/learn/questions/", {"text": "Mine?", **extras})
    assert response.status_code == 302
    question = PatientQuestion.objects.get(text="Mine?")
    assert question.enrollment.patient == patient
    assert others_snapshot(*bystanders) == before


def test_editing_a_question_cannot_move_it(patient_client, patient, bystanders, extras):
    question = services.patient_question_add(enrollment=patient.enrollments.get(), text="Before")
    before = others_snapshot(*bystanders)
    response = patient_client.post(
        f"/learn/questions/{question.pk}/edit/", {"text": "After", **extras}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.enrollment.patient) == ("After", patient)
    assert others_snapshot(*bystanders) == before


def test_deleting_a_question_deletes_only_that_one(patient_client, patient, bystanders, extras):
    question = services.patient_question_add(enrollment=patient.enrollments.get(), text="Gone")
    before = others_snapshot(*bystanders)
    response = patient_client.post(f"/learn/questions/{question.pk}/delete/", extras)
    assert response.status_code == 302
    assert not PatientQuestion.objects.filter(pk=question.pk).exists()
    assert others_snapshot(*bystanders) == before


def _item(pathway):
    return ChecklistItem.objects.filter(checklist=pathway.checklist).order_by("order")[0]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_checklist_item_saves_on_the_posters_enrollment(
    patient_client, patient, pathway, bystanders, extras, htmx
):
    item = _item(pathway)
    before = others_snapshot(*bystanders)
    response = patient_client.post(
        f"/learn/checklist/{item.pk}/",
        {f"item-{item.pk}-answer": "yes", f"item-{item.pk}-note": "ok", **extras},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code in (200, 302)
    saved = ChecklistResponse.objects.get(item=item, answer="yes")
    assert saved.enrollment.patient == patient
    assert others_snapshot(*bystanders) == before


def test_the_whole_checklist_saves_on_the_posters_enrollment(
    patient_client, patient, pathway, bystanders, extras
):
    item = _item(pathway)
    before = others_snapshot(*bystanders)
    response = patient_client.post("/learn/checklist/", {f"item-{item.pk}-answer": "yes", **extras})
    assert response.status_code == 302
    assert ChecklistResponse.objects.get(item=item, answer="yes").enrollment.patient == patient
    assert others_snapshot(*bystanders) == before


def test_reading_a_lesson_is_recorded_for_the_reader(
    patient_client, patient, pathway, bystanders, extras
):
    lesson = _first_module(pathway).lessons.order_by("order")[0]
    before = others_snapshot(*bystanders)
    response = patient_client.post(
        reverse("education:lesson-complete", args=[lesson.module.slug, lesson.slug]), extras
    )
    assert response.status_code == 302
    assert LessonCompletion.objects.get(lesson=lesson).patient == patient
    assert others_snapshot(*bystanders) == before


@pytest.mark.parametrize("htmx", [False, True])
def test_a_quiz_attempt_is_stored_for_the_poster(
    patient_client, patient, pathway, bystanders, extras, htmx
):
    enrollment = patient.enrollments.get()
    module = _first_module(pathway)
    for lesson in module.lessons.all():
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    quiz = module.quiz
    answers = {f"question_{q}": c for q, c in correct_answers(quiz).items()}
    before = others_snapshot(*bystanders)
    response = patient_client.post(
        f"/learn/{module.slug}/quiz/",
        {
            **answers,
            "submission_key": str(uuid.uuid4()),
            "quiz_version": quiz.version,
            "score": "100",
            "passed": "1",
            **extras,
        },
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code in (200, 302)
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    assert attempt.number == 1
    assert others_snapshot(*bystanders) == before


def test_a_posted_score_is_ignored(patient_client, patient, pathway, extras):
    enrollment = patient.enrollments.get()
    module = _first_module(pathway)
    for lesson in module.lessons.all():
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    quiz = module.quiz
    wrong = {f"question_{q.pk}": q.choices.get(is_correct=False).pk for q in quiz.questions.all()}
    patient_client.post(
        f"/learn/{module.slug}/quiz/",
        {
            **wrong,
            "submission_key": str(uuid.uuid4()),
            "quiz_version": quiz.version,
            "score": "100",
            "passed": "True",
            "is_correct": "True",
        },
    )
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    assert (attempt.score, attempt.passed) == (0, False)


# --- Clinician forms ------------------------------------------------------------------


def test_a_consultation_date_changes_only_the_patient_in_the_url(
    clinician_client, patient, bystanders, extras
):
    before = others_snapshot(*bystanders)
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/consultation/",
        {"consultation_at": f"{date.today().year + 1}-03-04T10:30", **extras},
    )
    assert response.status_code == 302
    assert patient.enrollments.get().consultation_at is not None
    assert others_snapshot(*bystanders) == before


def test_marking_a_flag_discussed_touches_only_that_flag(
    clinician_client, clinician, patient, pathway, bystanders, extras
):
    item = _item(pathway)
    flag = services.checklist_response_save(
        enrollment=patient.enrollments.get(), item=item, answer="not_sure"
    )
    before = others_snapshot(*bystanders)
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/flags/{flag.pk}/discussed/",
        {"note": "Talked.", "flag_discussed_by": "", **extras},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.flag_status == ChecklistResponse.FlagStatus.DISCUSSED
    assert flag.flag_discussed_by == clinician
    assert others_snapshot(*bystanders) == before


def test_a_review_is_recorded_by_the_poster_for_the_patient_in_the_url(
    clinician_client, clinician, patient, bystanders, extras
):
    before = others_snapshot(*bystanders)
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/reviews/",
        {
            "outcome": ClinicianReview.Outcome.choices[0][0],
            "note": "Fine.",
            "readiness_at_review": "ready",
            "created_at": "2000-01-01T00:00",
            **extras,
        },
    )
    assert response.status_code == 302
    review = ClinicianReview.objects.get()
    assert (review.enrollment.patient, review.clinician) == (patient, clinician)
    assert review.readiness_at_review == patient.enrollments.get().readiness_status
    assert review.created_at.year > 2000
    assert others_snapshot(*bystanders) == before


# --- Invitations ----------------------------------------------------------------------


def _invite_form(pathway, **overrides):
    return {
        "full_name": "New Patient",
        "email": "new.patient@example.test",
        "role": User.Role.PATIENT,
        "pathway": pathway.pk,
        **overrides,
    }


def test_an_invitation_is_always_for_the_inviters_clinic(
    clinician_client, clinician, pathway, extras
):
    response = clinician_client.post(
        "/accounts/invitations/new/",
        _invite_form(pathway, **{k: v for k, v in extras.items() if k != "role"}),
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get(email="new.patient@example.test")
    assert invitation.clinic == clinician.clinic
    assert invitation.invited_by == clinician
    assert invitation.role == User.Role.PATIENT


def test_a_clinician_cannot_invite_a_clinic_admin_by_posting_the_role(
    clinician_client, pathway, extras
):
    response = clinician_client.post("/accounts/invitations/new/", _invite_form(pathway, **extras))
    assert response.status_code == 200  # the form again, with the error
    assert not Invitation.objects.exclude(role=User.Role.PATIENT).exists()


def test_an_accepted_invitation_makes_a_patient_of_the_inviting_clinic(
    client, clinician, pathway, other_clinic, extras
):
    invitation = invitation_create(
        inviter=clinician, email="joiner@example.test", full_name="Joiner", pathway=pathway
    )
    password = "a long enough passphrase for this test"
    response = client.post(
        invitation_url(invitation),
        {
            "password1": password,
            "password2": password,
            "accept_privacy": "on",
            "email": "attacker@example.test",
            **extras,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="joiner@example.test")
    assert user.role == User.Role.PATIENT
    assert not user.is_staff and not user.is_superuser
    assert user.clinic == clinician.clinic
    assert not User.objects.filter(email="attacker@example.test").exists()
    assert user.enrollments.get().pathway == pathway
