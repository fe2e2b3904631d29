"""Clinic admins manage their own clinic's staff accounts in the admin."""

import pytest

from accounts.models import User
from tests.builders import make_staff
from tests.conftest import login_client


@pytest.fixture
def admin_client(clinic_admin):
    return login_client(clinic_admin)


def test_clinic_admin_lists_only_own_clinic_staff(
    admin_client, clinician, patient, other_clinic_clinician
):
    body = admin_client.get("/admin/accounts/user/").content.decode()
    assert clinician.email in body
    assert patient.email not in body
    assert other_clinic_clinician.email not in body


def test_clinic_admin_deactivates_a_clinician_which_ends_their_sessions(
    admin_client, clinician, clinician_client
):
    response = admin_client.post(
        f"/admin/accounts/user/{clinician.pk}/change/",
        {"full_name": clinician.full_name, "role": "clinician", "is_active": ""},
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert not clinician.is_active
    assert clinician_client.get("/clinic/").status_code == 302


@pytest.mark.parametrize("persona", ["patient", "other_clinic_clinician"])
def test_clinic_admin_cannot_open_patients_or_other_clinics(request, admin_client, persona):
    user = request.getfixturevalue(persona)
    response = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert response["Location"] == "/admin/"


def test_clinic_admin_cannot_add_users_delete_them_or_set_passwords(admin_client, clinician):
    assert admin_client.get("/admin/accounts/user/add/").status_code == 403
    assert admin_client.get(f"/admin/accounts/user/{clinician.pk}/delete/").status_code == 403
    response = admin_client.get(f"/admin/accounts/user/{clinician.pk}/password/")
    assert response.status_code == 403


def test_clinic_admin_cannot_grant_superuser_or_patient_role(admin_client, clinician):
    response = admin_client.post(
        f"/admin/accounts/user/{clinician.pk}/change/",
        {
            "full_name": "Renamed",
            "role": "patient",
            "is_active": "on",
            "is_superuser": "on",
            "clinic": "999",
        },
    )
    assert response.status_code == 200  # the form again: "patient" is not a choice here
    assert b"Select a valid choice" in response.content
    clinician.refresh_from_db()
    assert clinician.role == User.Role.CLINICIAN
    assert clinician.full_name != "Renamed"
    assert not clinician.is_superuser


def test_posted_superuser_and_clinic_fields_are_ignored(admin_client, clinician, other_clinic):
    response = admin_client.post(
        f"/admin/accounts/user/{clinician.pk}/change/",
        {
            "full_name": "Renamed",
            "role": "clinic_admin",
            "is_active": "on",
            "is_superuser": "on",
            "clinic": str(other_clinic.pk),
        },
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.full_name == "Renamed"
    assert clinician.role == User.Role.CLINIC_ADMIN
    assert not clinician.is_superuser
    assert clinician.clinic_id != other_clinic.pk


def test_clinicians_cannot_manage_accounts(clinic):
    staff = make_staff(clinic=clinic, is_staff=True)
    client = login_client(staff)
    assert client.get("/admin/accounts/user/").status_code == 403
