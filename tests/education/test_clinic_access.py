"""Who may use /clinic/: staff of the clinic; patients 403; other clinics 404; anonymous login."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from education import services
from education.models import ChecklistResponse, ClinicianReview, Enrollment


@pytest.fixture
def foreign_flag(foreign_patient, pathway):
    enrollment = Enrollment.objects.select_related("pathway", "patient").get(
        patient=foreign_patient
    )
    return services.checklist_response_save(
        enrollment=enrollment, item=pathway.checklist.items.first(), answer="not_sure"
    )


@pytest.fixture
def own_flag(patient, pathway):
    enrollment = Enrollment.objects.select_related("pathway", "patient").get(patient=patient)
    return services.checklist_response_save(
        enrollment=enrollment, item=pathway.checklist.items.first(), answer="not_sure"
    )


def pages(patient):
    return ["/clinic/", "/clinic/export.csv", f"/clinic/patients/{patient.pk}/"]


def actions(patient, response):
    base = f"/clinic/patients/{patient.pk}/"
    return [
        (f"{base}consultation/", {"consultation_at": "2030-01-01T10:00"}),
        (f"{base}reviews/", {"outcome": "needs_follow_up"}),
        (f"{base}flags/{response.pk}/discussed/", {"note": ""}),
    ]


def test_anonymous_is_sent_to_login(patient, own_flag):
    client = Client()
    for url in pages(patient):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    for url, data in actions(patient, own_flag):
        assert client.post(url, data).status_code == 302


def test_anonymous_htmx_gets_a_client_redirect(db):
    response = Client().get("/clinic/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_patients_get_403_everywhere(patient_client, patient, own_flag):
    for url in pages(patient):
        assert patient_client.get(url).status_code == 403
    for url, data in actions(patient, own_flag):
        assert patient_client.post(url, data).status_code == 403
    own_flag.refresh_from_db()
    assert own_flag.flag_status == ChecklistResponse.FlagStatus.OPEN


def test_other_clinics_clinician_gets_404_on_every_patient_page_and_action(
    other_clinic_client, patient, own_flag
):
    assert other_clinic_client.get(f"/clinic/patients/{patient.pk}/").status_code == 404
    for url, data in actions(patient, own_flag):
        assert other_clinic_client.post(url, data).status_code == 404
    own_flag.refresh_from_db()
    assert own_flag.flag_status == ChecklistResponse.FlagStatus.OPEN
    assert not ClinicianReview.objects.exists()
    assert Enrollment.objects.get(patient=patient).consultation_at is None


def test_clinician_gets_404_on_a_foreign_patient_everywhere(
    clinician_client, foreign_patient, foreign_flag
):
    assert clinician_client.get(f"/clinic/patients/{foreign_patient.pk}/").status_code == 404
    for url, data in actions(foreign_patient, foreign_flag):
        assert clinician_client.post(url, data).status_code == 404
    assert not AuditEvent.objects.filter(
        action__in=["education.brief.viewed", "education.review.recorded"]
    ).exists()


def test_other_clinics_patients_never_appear_on_the_dashboard(
    other_clinic_client, patient, foreign_patient
):
    page = other_clinic_client.get("/clinic/").content.decode()
    assert "Foreign Patient" in page
    assert "Pat Patient" not in page


def test_unverified_staff_are_sent_to_the_second_factor(login, clinician, patient):
    client = login(clinician, verified=False)
    response = client.get("/clinic/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_clinic_pages_are_not_cached(clinician_client, patient):
    for url in pages(patient):
        assert "no-store" in clinician_client.get(url)["Cache-Control"]
