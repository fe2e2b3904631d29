"""Every "is this yours?" lookup, in one place.

``get_<thing>_for_<actor>()`` returns the object when the actor may see it and
raises ``Http404`` otherwise: other people's records answer exactly as records
that do not exist. Role checks (who may open a page at all, 403) stay at the
view edge in ``accounts.permissions``; this module answers which *objects* the
actor reaches once in. The authorization matrix test
(``tests/security/test_authorization_matrix.py``) walks every URL against it.

| actor         | reaches                                                      |
| ------------- | ------------------------------------------------------------ |
| patient       | their own enrollment, its published stages, lessons, quiz    |
|               | attempts and checklist items, and their own questions        |
| clinic staff  | enrollments (and their flags) of patients of their clinic    |
| editor        | any lesson, draft or published, for the preview             |
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import (
    ChecklistItem,
    ChecklistResponse,
    Enrollment,
    Lesson,
    PatientQuestion,
    PublishStatus,
    QuizAttempt,
)
from .selectors.outline import Stage
from .selectors.progress import PatientState, enrollment_get_for_patient, quiz_attempts_for

# --- Patients ---------------------------------------------------------------


def get_enrollment_for_patient(patient: User) -> Enrollment:
    """The patient's own enrollment, or 404 when they have none."""
    enrollment = enrollment_get_for_patient(patient)
    if enrollment is None:
        raise Http404("No pathway yet.")
    return enrollment


def get_stage_for_patient(state: PatientState, module_slug: str) -> Stage:
    """A published stage of the patient's own pathway (open or not), or 404."""
    stage = next((s for s in state.stages if s.module.slug == module_slug), None)
    if stage is None:
        raise Http404("No such stage in this pathway.")
    return stage


def get_lesson_for_patient(
    state: PatientState, module_slug: str, lesson_slug: str
) -> tuple[Stage, Lesson]:
    """A published lesson of the patient's own pathway, with its stage, or 404."""
    stage = get_stage_for_patient(state, module_slug)
    lesson = next((lesson for lesson in stage.lessons if lesson.slug == lesson_slug), None)
    if lesson is None:
        raise Http404("No such lesson in this stage.")
    return stage, lesson


def get_quiz_stage_for_patient(state: PatientState, module_slug: str) -> Stage:
    """A stage of the patient's own pathway that has a published quiz, or 404."""
    stage = get_stage_for_patient(state, module_slug)
    if stage.quiz is None:
        raise Http404("This stage has no quiz.")
    return stage


def get_quiz_attempt_for_patient(state: PatientState, stage: Stage, number: int) -> QuizAttempt:
    """The patient's own attempt ``number`` at the stage's quiz, or 404."""
    attempt = next((a for a in quiz_attempts_for(state, stage.quiz) if a.number == number), None)
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def get_checklist_item_for_patient(enrollment: Enrollment, item_id: int) -> ChecklistItem:
    """An item of the patient's own published checklist, or 404."""
    return get_object_or_404(
        ChecklistItem.objects.select_related("checklist"),
        pk=item_id,
        checklist_id=enrollment.pathway.checklist_id,
        checklist__status=PublishStatus.PUBLISHED,
    )


def get_patient_question_for_patient(patient: User, question_id: int) -> PatientQuestion:
    """One of the patient's own questions, or 404."""
    return get_object_or_404(
        PatientQuestion.objects.select_related("enrollment", "enrollment__patient"),
        pk=question_id,
        enrollment__patient=patient,
    )


# --- Clinic staff -----------------------------------------------------------


def staff_may_see(staff: User, enrollment: Enrollment) -> bool:
    """Clinic staff see the enrollments of their own clinic's patients only."""
    return staff.is_clinic_staff and staff.clinic_id == enrollment.clinic_id


def get_enrollment_for_staff(staff: User, patient_id: int) -> Enrollment:
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


def get_flag_for_staff(enrollment: Enrollment, response_id: int) -> ChecklistResponse:
    """A checklist answer on an enrollment already reached through
    ``get_enrollment_for_staff``, or 404."""
    return get_object_or_404(ChecklistResponse, pk=response_id, enrollment=enrollment)


# --- Content editors --------------------------------------------------------


def get_lesson_for_editor(user, lesson_id: int) -> Lesson:
    """A lesson, draft or published, that ``user`` may edit (library editors:
    the library's; a clinic admin: their clinic's own; superusers: any), or 404."""
    lessons = Lesson.objects.select_related("module", "therapy").prefetch_related("sources")
    if not user.is_superuser:
        clinic_id = user.clinic_id if user.is_clinic_admin else None
        lessons = lessons.filter(module__clinic_id=clinic_id)
    return get_object_or_404(lessons, pk=lesson_id)
