"""Consultation outcomes: recorded from the brief like a review, append-only,
audited; a rescheduled consultation moves the date; the dashboard filters by them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import PatientProfile
from audit.models import AuditEvent
from education import services
from education.models import ConsultationOutcome
from tests.builders import make_patient
from tests.education.pages import enrollment_of


def outcome_url(patient):
    return f"/clinic/patients/{patient.pk}/outcomes/"


def local_input(when, clinic):
    return timezone.localtime(when, clinic.tzinfo).strftime("%Y-%m-%dT%H:%M")


def test_recording_an_outcome_redirects_to_the_brief_with_it(clinician_client, patient, clinician):
    response = clinician_client.post(
        outcome_url(patient), {"outcome": "needs_time", "note": "Wants to ask his GP"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/clinic/patients/{patient.pk}/"
    record = ConsultationOutcome.objects.get()
    assert (record.outcome, record.recorded_by, record.note) == (
        "needs_time",
        clinician,
        "Wants to ask his GP",
    )
    page = clinician_client.get(response["Location"]).content.decode()
    assert "The consultation outcome is recorded." in page
    assert "Attended, needs more time" in page
    assert "Wants to ask his GP" in page


def test_outcome_is_audited_without_the_note(clinician_client, patient):
    clinician_client.post(outcome_url(patient), {"outcome": "declined", "note": "Private words"})
    event = AuditEvent.objects.get(action="education.outcome.recorded")
    assert event.patient == patient
    assert event.detail["outcome"] == "declined"
    assert "Private words" not in str(event.detail)


def test_outcomes_are_appended_never_replaced(clinician_client, patient):
    clinician_client.post(outcome_url(patient), {"outcome": "did_not_attend"})
    clinician_client.post(outcome_url(patient), {"outcome": "consented"})
    assert list(ConsultationOutcome.objects.values_list("outcome", flat=True)) == [
        "consented",
        "did_not_attend",
    ]


def test_rescheduling_moves_the_consultation_date(clinician_client, patient, clinic):
    old = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    enrollment = enrollment_of(patient)
    services.consultation_set(
        staff=patient.patient_profile.primary_clinician,
        enrollment=enrollment,
        consultation_at=old,
    )
    new = old + timedelta(days=10)
    response = clinician_client.post(
        outcome_url(patient), {"outcome": "rescheduled", "rescheduled_to": local_input(new, clinic)}
    )
    assert response.status_code == 302
    record = ConsultationOutcome.objects.get()
    assert record.consultation_at == old
    assert record.rescheduled_to == new
    assert enrollment_of(patient).consultation_at == new
    assert PatientProfile.objects.get(user=patient).consultation_at == new


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "rescheduled"}, "Enter the new date and time."),
        ({"outcome": "rescheduled", "rescheduled_to": "tomorrow-ish"}, "Enter a valid date/time."),
        ({}, "This field is required."),
        ({"outcome": "maybe"}, "Select a valid choice."),
    ],
)
def test_bad_outcome_reopens_the_brief_at_the_form_with_one_message(
    clinician_client, patient, data, message
):
    response = clinician_client.post(outcome_url(patient), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count(message) == 1
    assert f'action="/clinic/patients/{patient.pk}/outcomes/#outcome"' in page
    assert 'id="outcome-errors"' in page
    assert not ConsultationOutcome.objects.exists()


def test_bad_outcome_under_htmx_swaps_only_the_outcome_form_with_focus_on_the_message(
    clinician_client, patient
):
    response = clinician_client.post(
        outcome_url(patient), {"outcome": "rescheduled"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="outcome"')
    assert "Enter the new date and time." in html
    assert 'tabindex="-1"' in html and "autofocus" in html
    assert "Record a review" not in html


def test_outcome_under_htmx_redirects_the_page(clinician_client, patient):
    response = clinician_client.post(
        outcome_url(patient), {"outcome": "consented"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/clinic/patients/{patient.pk}/"


def test_other_clinics_patient_outcome_is_404(other_clinic_client, patient):
    response = other_clinic_client.post(outcome_url(patient), {"outcome": "consented"})
    assert response.status_code == 404
    assert not ConsultationOutcome.objects.exists()


def test_service_refuses_a_rescheduled_date_in_the_past(patient, clinician):
    with pytest.raises(services.EducationError) as caught:
        services.consultation_outcome_record(
            staff=clinician,
            enrollment=enrollment_of(patient),
            outcome="rescheduled",
            rescheduled_to=timezone.now() - timedelta(minutes=5),
        )
    assert "rescheduled_to" in caught.value.errors


def test_dashboard_filters_by_latest_outcome(clinician_client, clinic, pathway, clinician):
    consented = make_patient(clinic=clinic, pathway=pathway, full_name="Patient Consented")
    changed = make_patient(clinic=clinic, pathway=pathway, full_name="Patient Changed")
    make_patient(clinic=clinic, pathway=pathway, full_name="Patient Unseen")
    for who, outcomes in [(consented, ["consented"]), (changed, ["consented", "declined"])]:
        for outcome in outcomes:
            services.consultation_outcome_record(
                staff=clinician, enrollment=enrollment_of(who), outcome=outcome
            )
    page = clinician_client.get("/clinic/", {"outcome": "consented"}).content.decode()
    assert "Patient Consented" in page
    assert "Patient Changed" not in page
    assert "Patient Unseen" not in page
    page = clinician_client.get("/clinic/", {"outcome": "declined"}).content.decode()
    assert "Patient Changed" in page and "Patient Consented" not in page


def test_outcome_and_review_forms_share_no_ids(clinician_client, patient):

    page = clinician_client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
