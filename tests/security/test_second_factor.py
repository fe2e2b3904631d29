"""Staff accounts: the password alone opens nothing but the second factor."""

import re
from base64 import b32decode

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.builders import PASSWORD, add_totp_device

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a completely different passphrase"


def _password_only(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


def _change_password(client):
    return client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


@pytest.mark.parametrize("persona", ["clinician", "clinic_admin"])
def test_staff_with_the_password_only_cannot_change_it(request, persona):
    user = request.getfixturevalue(persona)
    add_totp_device(user)
    client = _password_only(user)
    response = _change_password(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/verify/")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert client.get("/accounts/password_change/")["Location"].startswith("/accounts/verify/")
    assert client.get("/accounts/password_change/done/")["Location"].startswith("/accounts/verify/")


def test_staff_without_a_device_are_sent_to_enrol_before_changing_the_password(clinician):
    client = _password_only(clinician)
    response = _change_password(client)
    assert response["Location"].startswith("/accounts/two-factor/setup/")
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)


def test_verified_staff_can_change_their_password(clinician):
    device = add_totp_device(clinician)
    client = _password_only(clinician)
    client.post("/accounts/verify/", {"otp_token": totp(device.bin_key)})
    response = _change_password(client)
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password(NEW_PASSWORD)


def test_a_patient_changes_their_password_without_a_second_factor(patient):
    response = _change_password(_password_only(patient))
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.check_password(NEW_PASSWORD)


# --- Enrolment: a secret per visit, bound to the session that was shown it ----------


def _secret(response) -> str:
    match = re.search(rb'<code class="secret">([A-Z2-7=]+)</code>', response.content)
    assert match, "the setup page shows the key"
    return match.group(1).decode()


def _code(secret: str) -> str:
    return f"{totp(b32decode(secret)):06d}"


def test_each_visit_to_setup_shows_a_fresh_secret_and_stores_none(clinician):
    client = _password_only(clinician)
    first = _secret(client.get("/accounts/two-factor/setup/"))
    second = _secret(client.get("/accounts/two-factor/setup/"))
    other = _secret(_password_only(clinician).get("/accounts/two-factor/setup/"))
    assert len({first, second, other}) == 3
    assert not TOTPDevice.objects.filter(user=clinician).exists()


def test_a_secret_seen_by_another_session_cannot_be_confirmed_here(clinician):
    """Someone who knows the password opens setup first; the owner confirms their own
    secret; the intruder's secret is worth nothing and the intruder is signed out."""
    intruder = _password_only(clinician)
    stolen = _secret(intruder.get("/accounts/two-factor/setup/"))
    owner = _password_only(clinician)
    mine = _secret(owner.get("/accounts/two-factor/setup/"))

    refused = owner.post("/accounts/two-factor/setup/", {"otp_token": _code(stolen)})
    assert refused.status_code == 200
    assert b"did not match" in refused.content
    assert not TOTPDevice.objects.filter(user=clinician).exists()

    confirmed = owner.post("/accounts/two-factor/setup/", {"otp_token": _code(mine)})
    assert confirmed.status_code == 200
    assert b"backup codes" in confirmed.content.lower()
    device = TOTPDevice.objects.get(user=clinician)
    assert device.confirmed
    assert owner.get("/clinic/").status_code == 200

    # Every other session of the account has ended.
    assert intruder.get("/clinic/")["Location"].startswith("/accounts/login/")
    assert Session.objects.count() == 1
    event = AuditEvent.objects.get(action="accounts.two_factor.enrolled")
    assert event.actor == clinician
    assert event.detail == {"other_sessions_ended": 1}


def test_the_code_that_confirmed_enrolment_cannot_be_used_again(clinician):
    client = _password_only(clinician)
    secret = _secret(client.get("/accounts/two-factor/setup/"))
    code = _code(secret)
    client.post("/accounts/two-factor/setup/", {"otp_token": code})
    later = _password_only(clinician)
    response = later.post("/accounts/verify/", {"otp_token": code})
    assert b"did not work" in response.content


def test_confirming_without_having_seen_a_secret_asks_to_scan_again(clinician):
    client = _password_only(clinician)
    response = client.post("/accounts/two-factor/setup/", {"otp_token": "123456"})
    assert response.status_code == 200
    assert b"had expired" in response.content
    assert not TOTPDevice.objects.filter(user=clinician).exists()
