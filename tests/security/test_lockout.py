import pytest
from django.test import Client

from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db


def _fail(client, email, n):
    for _ in range(n):
        client.post("/accounts/login/", {"username": email, "password": "wrong password, sorry"})


def test_an_account_locks_after_five_failures_even_with_the_right_password(patient):
    client = Client(REMOTE_ADDR="203.0.113.5")
    _fail(client, patient.email, 5)
    response = client.post("/accounts/login/", {"username": patient.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Sign-in is paused" in response.content
    # From another address too: the lock is per account.
    other = Client(REMOTE_ADDR="198.51.100.7")
    response = other.post("/accounts/login/", {"username": patient.email, "password": PASSWORD})
    assert response.status_code == 429


def test_an_address_locks_after_five_failures_across_accounts(patient, other_patient):
    client = Client(REMOTE_ADDR="203.0.113.9")
    _fail(client, "nobody-1@example.test", 3)
    _fail(client, "nobody-2@example.test", 2)
    response = client.post("/accounts/login/", {"username": patient.email, "password": PASSWORD})
    assert response.status_code == 429


def test_fewer_failures_do_not_lock(patient):
    client = Client(REMOTE_ADDR="203.0.113.10")
    _fail(client, patient.email, 4)
    response = client.post("/accounts/login/", {"username": patient.email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_locked_out_htmx_request_is_sent_to_the_locked_page(patient):
    client = Client(REMOTE_ADDR="203.0.113.11")
    _fail(client, patient.email, 5)
    response = client.post(
        "/accounts/login/",
        {"username": patient.email, "password": PASSWORD},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Redirect"] == "/accounts/locked/"
    page = client.get("/accounts/locked/")
    assert page.status_code == 429
    assert b"Please wait 30 minutes" in page.content


def test_forwarded_for_is_ignored_without_a_trusted_proxy(patient, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="203.0.113.12")
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": f"x{n}@example.test", "password": "wrong password, sorry"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    response = client.post("/accounts/login/", {"username": patient.email, "password": PASSWORD})
    assert response.status_code == 429  # spoofed headers did not spread the failures


def test_client_address_comes_from_the_trusted_proxy_hop(rf, settings):
    from portal.net import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.50"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"


def test_failures_with_case_and_space_variants_count_against_one_account(patient):
    """Five failures spread over spellings of one e-mail lock every spelling,
    even the exact one with the right password, from any address."""
    email = patient.email
    variants = [email.upper(), email.title(), f"  {email}  ", email.capitalize(), email]
    for n, variant in enumerate(variants):
        # A fresh address each time: the lock must come from the account count alone.
        Client(REMOTE_ADDR=f"203.0.113.{100 + n}").post(
            "/accounts/login/", {"username": variant, "password": "wrong password, sorry"}
        )
    for n, variant in enumerate([email, email.upper(), f" {email} "]):
        response = Client(REMOTE_ADDR=f"198.51.100.{50 + n}").post(
            "/accounts/login/", {"username": variant, "password": PASSWORD}
        )
        assert response.status_code == 429, variant


def test_a_variant_spelling_signs_in_when_the_account_is_not_locked(patient):
    response = Client(REMOTE_ADDR="203.0.113.120").post(
        "/accounts/login/", {"username": f" {patient.email.upper()} ", "password": PASSWORD}
    )
    assert response.status_code == 302
