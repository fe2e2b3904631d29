"""Every ``next`` goes to a page of this site, whichever step carries it."""

from urllib.parse import quote

import pytest
from django.test import Client
from django_otp.oath import totp

from tests.builders import PASSWORD, add_totp_device

pytestmark = pytest.mark.django_db

UNSAFE = [
    "https://evil.example/phish",
    "http://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "/%2F/evil.example".replace("%2F", "/"),
    "http://testserver@evil.example/",
]


def _sign_in(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def _off_site(location: str) -> bool:
    location = location.strip().replace("\\", "/")
    return location.startswith("//") or ":" in location.split("?")[0]


@pytest.mark.parametrize("target", UNSAFE)
def test_the_second_factor_never_sends_staff_off_site(clinician, target):
    device = add_totp_device(clinician)
    client = Client()
    _sign_in(client, clinician)
    response = client.post(
        f"/accounts/verify/?next={quote(target, safe='')}", {"otp_token": totp(device.bin_key)}
    )
    assert response.status_code == 302
    assert not _off_site(response["Location"]), response["Location"]
    assert response["Location"] == "/"


def test_a_nested_next_through_the_login_is_checked_at_every_hop(clinician):
    """The reproduction: login with next=/accounts/verify/?next=<evil>, then a valid code."""
    device = add_totp_device(clinician)
    client = Client()
    nested = "/accounts/verify/?next=" + quote("https://evil.example/phish", safe="")
    to_verify = _sign_in(client, clinician, nested)
    assert to_verify["Location"] == nested  # a page of this site: allowed
    response = client.post(to_verify["Location"], {"otp_token": totp(device.bin_key)})
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", UNSAFE)
def test_sign_in_ignores_an_off_site_next(patient, target):
    response = _sign_in(Client(), patient, target)
    assert response.status_code == 302
    assert not _off_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", ["%2F%2Fevil.example", "https%3A%2F%2Fevil.example"])
def test_encoded_targets_are_decoded_once_and_refused(clinician, target):
    device = add_totp_device(clinician)
    client = Client()
    _sign_in(client, clinician)
    response = client.post(f"/accounts/verify/?next={target}", {"otp_token": totp(device.bin_key)})
    assert response["Location"] == "/"


def test_a_page_of_this_site_is_kept_after_the_second_factor(clinician, patient):
    device = add_totp_device(clinician)
    client = Client()
    _sign_in(client, clinician)
    brief = f"/clinic/patients/{patient.pk}/"
    to_verify = client.get(brief)
    assert to_verify["Location"] == f"/accounts/verify/?next={quote(brief, safe='')}"
    response = client.post(to_verify["Location"], {"otp_token": totp(device.bin_key)})
    assert response["Location"] == brief


@pytest.mark.parametrize("target", UNSAFE)
def test_sign_out_ignores_an_off_site_next(patient_client, target):
    response = patient_client.post("/accounts/logout/", {"next": target})
    assert response.status_code == 302
    assert not _off_site(response["Location"]), response["Location"]


def test_a_secure_request_is_not_sent_to_plain_http(clinician, settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    device = add_totp_device(clinician)
    client = Client(HTTP_HOST="portal.example")
    client.post(
        "/accounts/login/", {"username": clinician.email, "password": PASSWORD}, secure=True
    )
    response = client.post(
        "/accounts/verify/?next=" + quote("http://portal.example/clinic/", safe=""),
        {"otp_token": totp(device.bin_key)},
        secure=True,
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", UNSAFE)
def test_accepting_an_invitation_never_sends_the_patient_off_site(clinician, target):
    from accounts.services import invitation_create, invitation_token

    invitation = invitation_create(
        inviter=clinician, email="new-patient@example.test", full_name="New Patient"
    )
    response = Client().post(
        f"/accounts/invitation/{invitation_token(invitation)}/?next={quote(target, safe='')}",
        {
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "accept_privacy": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_admin_sends_staff_through_the_second_factor_and_back(clinic_admin):
    device = add_totp_device(clinic_admin)
    client = Client()
    _sign_in(client, clinic_admin)
    to_login = client.get("/admin/education/")
    to_verify = client.get(to_login["Location"])
    assert to_verify["Location"].startswith("/accounts/verify/?next=")
    back = client.post(to_verify["Location"], {"otp_token": totp(device.bin_key)})
    assert back["Location"] == "/admin/education/"
