"""Actions on the brief: consultation date, flags, reviews. POST only, PRG, own clinic."""

import uuid
import zoneinfo
from datetime import date, datetime

import pytest

from accounts.models import PatientProfile
from audit.models import AuditEvent
from education import services
from education.models import ChecklistResponse, ClinicianReview
from education.selectors.outline import pathway_outline
from education.selfcheck import SURE_ITEMS, YES
from tests.builders import correct_answers
from tests.education.pages import enrollment_of

# Consultation dates must lie between yesterday and two years ahead.
NEXT_YEAR = date.today().year + 1


def brief_url(patient):
    return f"/clinic/patients/{patient.pk}/"


def flag(patient, pathway, index=0):
    item = pathway.checklist.items.order_by("order")[index]
    return services.checklist_response_save(
        enrollment=enrollment_of(patient), item=item, answer="not_sure"
    )


def complete_everything(patient, pathway):
    enrollment = enrollment_of(patient)
    for stage in pathway_outline(pathway).stages:
        for lesson in stage.lessons:
            services.lesson_complete(enrollment=enrollment, lesson=lesson)
        services.quiz_attempt_submit(
            enrollment=enrollment,
            quiz=stage.quiz,
            answers=correct_answers(stage.quiz),
            submission_key=uuid.uuid4(),
        )
    for item in pathway.checklist.items.all():
        services.checklist_response_save(enrollment=enrollment, item=item, answer="yes")
    services.self_check_save(
        enrollment=enrollment,
        kind="sure",
        answers={item.key: YES for item in SURE_ITEMS},
    )
    return enrollment


# --- Consultation date ------------------------------------------------------


def test_setting_the_consultation_date_uses_the_clinic_time_zone(clinician_client, patient, clinic):
    clinic.timezone = "America/New_York"
    clinic.save()
    # The clinic's zone is picked up at sign-in.
    from tests.conftest import login_client

    client = login_client(patient.patient_profile.primary_clinician)
    year = NEXT_YEAR
    response = client.post(
        f"/clinic/patients/{patient.pk}/consultation/",
        {"consultation_at": f"{year}-03-01T09:30"},
    )
    assert response.status_code == 302
    assert response["Location"] == brief_url(patient)
    expected = datetime(year, 3, 1, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert enrollment_of(patient).consultation_at == expected
    assert PatientProfile.objects.get(user=patient).consultation_at == expected
    page = client.get(brief_url(patient)).content.decode()
    assert "The consultation date is saved." in page
    assert f"{expected:%A} 1 March {year}, 09:30" in page
    assert f'value="{year}-03-01T09:30"' in page


def test_clearing_the_consultation_date(clinician_client, patient, clinician):
    services.consultation_set(
        staff=clinician,
        enrollment=enrollment_of(patient),
        consultation_at=datetime(NEXT_YEAR, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/consultation/", {"consultation_at": ""}, follow=True
    )
    assert enrollment_of(patient).consultation_at is None
    assert "The consultation date is cleared." in response.content.decode()


def test_bad_consultation_date_shows_the_form_again(clinician_client, patient):
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/consultation/", {"consultation_at": "next tuesday"}
    )
    assert response.status_code == 400
    assert "Enter a valid date/time." in response.content.decode()
    assert enrollment_of(patient).consultation_at is None


def test_consultation_date_is_audited(clinician_client, patient):
    clinician_client.post(
        f"/clinic/patients/{patient.pk}/consultation/",
        {"consultation_at": f"{NEXT_YEAR}-03-01T09:30"},
    )
    assert AuditEvent.objects.filter(action="education.consultation.set", patient=patient).exists()


# --- Flags ------------------------------------------------------------------


def test_mark_discussed_closes_the_flag_and_updates_the_dashboard(
    clinician_client, patient, pathway, clinician
):
    response_obj = flag(patient, pathway)
    assert enrollment_of(patient).open_flags == 1
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/flags/{response_obj.pk}/discussed/",
        {"note": "Explained the risk"},
    )
    assert response.status_code == 302
    assert response["Location"] == brief_url(patient)
    response_obj.refresh_from_db()
    assert response_obj.flag_status == ChecklistResponse.FlagStatus.DISCUSSED
    assert response_obj.flag_discussed_by == clinician
    assert response_obj.flag_note == "Explained the risk"
    enrollment = enrollment_of(patient)
    assert enrollment.open_flags == 0
    assert enrollment.readiness_status != "1_needs_discussion"
    page = clinician_client.get("/clinic/").content.decode()
    assert "status-1_needs_discussion" not in page


def test_marking_a_closed_flag_again_says_so(clinician_client, patient, pathway, clinician):
    response_obj = flag(patient, pathway)
    services.flag_mark_discussed(staff=clinician, response=response_obj)
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/flags/{response_obj.pk}/discussed/", follow=True
    )
    assert response.status_code == 200
    assert "This flag is not open." in response.content.decode()


def test_too_long_flag_note_shows_the_form_again(clinician_client, patient, pathway):
    response_obj = flag(patient, pathway)
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/flags/{response_obj.pk}/discussed/", {"note": "x" * 501}
    )
    assert response.status_code == 200
    assert "at most 500 characters" in response.content.decode()
    response_obj.refresh_from_db()
    assert response_obj.flag_status == ChecklistResponse.FlagStatus.OPEN


def test_flag_of_another_patient_is_404(clinician_client, patient, other_patient, pathway):
    others = flag(other_patient, pathway)
    response = clinician_client.post(
        f"/clinic/patients/{patient.pk}/flags/{others.pk}/discussed/", {"note": ""}
    )
    assert response.status_code == 404
    others.refresh_from_db()
    assert others.flag_status == ChecklistResponse.FlagStatus.OPEN


# --- Reviews ----------------------------------------------------------------


def review(client, patient, **data):
    return client.post(f"/clinic/patients/{patient.pk}/reviews/", data)


def test_ready_review_is_refused_when_the_patient_is_not_ready(clinician_client, patient):
    response = review(clinician_client, patient, outcome="ready", note="Looks fine")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This patient is not ready yet." in page
    assert "Write why you are overriding readiness." in page
    assert 'value="ready" id="id_outcome_1" required checked' in page
    assert not ClinicianReview.objects.exists()


def test_ready_review_with_an_override_reason_is_recorded(clinician_client, patient, clinician):
    response = review(
        clinician_client,
        patient,
        outcome="ready",
        note="",
        override_reason="Went through the lessons together in clinic",
    )
    assert response.status_code == 302
    saved = ClinicianReview.objects.get()
    assert saved.clinician == clinician
    assert saved.override_reason == "Went through the lessons together in clinic"
    assert saved.readiness_at_review == "2_not_started"


def test_ready_review_is_accepted_when_the_patient_is_ready(clinician_client, patient, pathway):
    complete_everything(patient, pathway)
    response = review(clinician_client, patient, outcome="ready", note="All clear")
    assert response.status_code == 302
    assert ClinicianReview.objects.get().outcome == "ready"
    page = clinician_client.get(brief_url(patient)).content.decode()
    assert "Your review is recorded." in page
    assert "All clear" in page


def test_follow_up_review_needs_no_override(clinician_client, patient):
    response = review(clinician_client, patient, outcome="needs_follow_up", note="Call back")
    assert response.status_code == 302
    assert ClinicianReview.objects.get().outcome == "needs_follow_up"


@pytest.mark.parametrize("outcome", ["", "approved", "x" * 100])
def test_review_without_a_valid_outcome_shows_the_form_again(clinician_client, patient, outcome):
    response = review(clinician_client, patient, outcome=outcome)
    assert response.status_code == 400
    assert not ClinicianReview.objects.exists()


def test_reviews_are_append_only(clinician_client, patient):
    review(clinician_client, patient, outcome="needs_follow_up", note="One")
    review(clinician_client, patient, outcome="needs_follow_up", note="Two")
    assert ClinicianReview.objects.count() == 2
    assert AuditEvent.objects.filter(action="education.review.recorded").count() == 2


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_reviews_cannot_be_edited_or_deleted(clinician_client, patient, method):
    review(clinician_client, patient, outcome="needs_follow_up", note="Kept")
    pk = ClinicianReview.objects.get().pk
    url = f"/clinic/patients/{patient.pk}/reviews/"
    assert getattr(clinician_client, method)(url).status_code == 405
    assert clinician_client.post(f"{url}{pk}/", {"note": "x"}).status_code == 404
    assert clinician_client.post(f"{url}{pk}/delete/").status_code == 404
    assert ClinicianReview.objects.get().note == "Kept"


def test_posting_extra_fields_changes_nothing_else(clinician_client, patient, other_clinic):
    review(
        clinician_client,
        patient,
        outcome="needs_follow_up",
        clinician=999,
        enrollment=999,
        readiness_at_review="4_ready",
        clinic=other_clinic.pk,
    )
    saved = ClinicianReview.objects.get()
    assert saved.readiness_at_review == "2_not_started"
    assert saved.enrollment.patient == patient


# --- Method and CSRF --------------------------------------------------------


@pytest.mark.parametrize("suffix", ["consultation/", "reviews/", "flags/{flag}/discussed/"])
def test_actions_refuse_get(clinician_client, patient, pathway, suffix):
    url = brief_url(patient) + suffix.format(flag=flag(patient, pathway).pk)
    assert clinician_client.get(url).status_code == 405


def test_actions_need_a_csrf_token(login, patient, clinician):
    client = login(clinician, enforce_csrf=True)
    response = client.post(f"/clinic/patients/{patient.pk}/reviews/", {"outcome": "ready"})
    assert response.status_code == 403
    assert not ClinicianReview.objects.exists()
