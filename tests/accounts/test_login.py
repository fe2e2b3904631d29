import pytest
from django.test import Client
from django_otp.oath import totp

from accounts.models import User
from audit.models import AuditEvent
from tests.builders import PASSWORD, add_totp_device, make_user


def _login(client, email, password=PASSWORD, next_url=""):
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_patient_lands_on_learn_after_login(client, patient):
    response = _login(client, patient.email)
    assert response.status_code == 302
    assert client.get(response["Location"]).url == "/learn/"


def test_login_is_by_email_in_any_case(client, patient):
    response = _login(client, patient.email.upper())
    assert response.status_code == 302


def test_clinician_must_enrol_a_second_factor_before_the_dashboard(client, clinician):
    _login(client, clinician.email)
    response = client.get("/clinic/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/setup/?next=%2Fclinic%2F"


def test_clinician_with_a_device_is_asked_for_the_code_then_sees_the_dashboard(client, clinician):
    device = add_totp_device(clinician)
    _login(client, clinician.email)
    to_verify = client.get("/clinic/")["Location"]
    assert to_verify == "/accounts/verify/?next=%2Fclinic%2F"
    response = client.post(to_verify, {"otp_token": totp(device.bin_key)})
    assert response["Location"] == "/clinic/"
    assert client.get("/clinic/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client, clinician):
    add_totp_device(clinician)
    _login(client, clinician.email)
    response = client.post("/accounts/verify/", {"otp_token": "000000"})
    assert response.status_code == 200
    assert b"did not work" in response.content
    assert client.get("/clinic/")["Location"].startswith("/accounts/verify/")


def test_superuser_lands_on_the_admin(client, db):
    admin = User.objects.create_superuser(
        email="root@example.test", password=PASSWORD, full_name="Root"
    )
    response = _login(client, admin.email)
    assert client.get(response["Location"])["Location"] == "/admin/"


def test_wrong_password_shows_a_message_without_saying_whether_the_account_exists(client, patient):
    wrong = _login(client, patient.email, "not the password at all")
    unknown = _login(client, "nobody@example.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert b"correct email address and password" in wrong.content.replace(b"e-mail", b"email")
    assert wrong.content.count(b"errorlist") == unknown.content.count(b"errorlist")


def test_login_redirects_only_to_this_site(client, patient):
    response = _login(client, patient.email, next_url="https://evil.example/steal")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_logout_is_post_only(patient_client):
    assert patient_client.get("/accounts/logout/").status_code == 405
    assert patient_client.post("/accounts/logout/").status_code == 302
    assert patient_client.get("/learn/").status_code == 302


def test_login_and_logout_are_audited(client, patient):
    _login(client, patient.email)
    _login(Client(), patient.email, "wrong password here")
    client.post("/accounts/logout/")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.login.succeeded", "accounts.login.failed", "accounts.logout"} <= actions


def test_session_key_changes_at_login(client, patient):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    _login(client, patient.email)
    assert client.session.session_key != before


@pytest.mark.parametrize("length", [12, 64, 200])
def test_long_passphrases_are_accepted(db, length):
    from django.contrib.auth.password_validation import validate_password

    user = make_user()
    validate_password("correct horse battery staple " * (length // 29 + 1), user)
