"""Patients with the same name told apart: date of birth and clinic record
number, taken by the invitation, shown on the dashboard and brief, searchable
(record number exact)."""

from datetime import date

from accounts.models import Invitation, PatientProfile
from accounts.services import invitation_accept, invitation_token
from tests.builders import make_patient


def twins(clinic, pathway):
    first = make_patient(clinic=clinic, pathway=pathway, full_name="Sam Lee", email="a@x.test")
    second = make_patient(clinic=clinic, pathway=pathway, full_name="Sam Lee", email="b@x.test")
    PatientProfile.objects.filter(user=first).update(
        record_number="CR-1001", date_of_birth=date(1970, 3, 2)
    )
    PatientProfile.objects.filter(user=second).update(record_number="CR-2002")
    return first, second


def test_dashboard_and_brief_show_record_number_and_birth_date(clinician_client, clinic, pathway):
    first, _second = twins(clinic, pathway)
    page = clinician_client.get("/clinic/").content.decode()
    assert "No. CR-1001" in page and "born 2 Mar 1970" in page
    assert "No. CR-2002" in page
    brief = clinician_client.get(f"/clinic/patients/{first.pk}/").content.decode()
    assert "CR-1001" in brief and "2 March 1970" in brief


def test_search_by_record_number_is_exact(clinician_client, clinic, pathway):
    first, second = twins(clinic, pathway)
    page = clinician_client.get("/clinic/", {"q": "CR-1001"}).content.decode()
    assert f"/clinic/patients/{first.pk}/" in page
    assert f"/clinic/patients/{second.pk}/" not in page
    partial = clinician_client.get("/clinic/", {"q": "CR-10"}).content.decode()
    assert "No patients match these filters." in partial


def test_record_number_does_not_reach_other_clinics(other_clinic_client, clinic, pathway):
    twins(clinic, pathway)
    page = other_clinic_client.get("/clinic/", {"q": "CR-1001"}).content.decode()
    assert "No patients match these filters." in page


def test_invitation_takes_identity_onto_the_profile(clinician_client, pathway):
    response = clinician_client.post(
        "/accounts/invitations/new/",
        {
            "full_name": "Sam Lee",
            "email": "sam@example.test",
            "role": "patient",
            "date_of_birth": "1980-12-24",
            "record_number": " CR-77 ",
            "pathway": pathway.pk,
        },
    )
    assert response.status_code == 200

    invitation = Invitation.objects.get(email="sam@example.test")
    user = invitation_accept(
        token=invitation_token(invitation), password="a long and memorable passphrase"
    )
    profile = PatientProfile.objects.get(user=user)
    assert profile.date_of_birth == date(1980, 12, 24)
    assert profile.record_number == "CR-77"


def test_invitation_refuses_a_birth_date_in_the_future(clinician_client):
    response = clinician_client.post(
        "/accounts/invitations/new/",
        {
            "full_name": "Sam",
            "email": "s@example.test",
            "role": "patient",
            "date_of_birth": "2999-01-01",
        },
    )
    assert "Enter a date of birth between 1900 and today." in response.content.decode()
