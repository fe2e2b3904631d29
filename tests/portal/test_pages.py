import re

import pytest
from django.db.utils import OperationalError
from django.test import RequestFactory

from portal.views import server_error


def test_landing_page_explains_the_portal_and_offers_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Prepare for your hair therapy consultation" in body
    assert 'href="/accounts/login/"' in body
    assert "not medical advice" in body


@pytest.mark.parametrize(
    ("persona", "target"),
    [("patient", "/learn/"), ("clinician", "/clinic/"), ("clinic_admin", "/clinic/")],
)
def test_signed_in_people_are_sent_to_their_home(request, login, persona, target):
    user = request.getfixturevalue(persona)
    response = login(user).get("/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    from django.db import connection

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_healthz_is_exempt_from_the_https_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_unknown_page_gets_the_styled_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"<main" in response.content


def test_server_error_page_shows_an_incident_id_and_no_details(db):
    request = RequestFactory().get("/boom/")
    response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, something went wrong" in body
    assert re.search(r"incident number <strong>[0-9a-f]{12}</strong>", body)
    assert "Traceback" not in body


def test_every_page_has_an_enforced_csp_with_a_nonce_and_no_unsafe_inline(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    # The htmx script tag carries the same nonce.
    assert f'nonce="{nonce}"' in response.content.decode()


def test_security_headers_are_set(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_not_stored_by_caches(patient_client):
    response = patient_client.get("/learn/")
    assert "no-store" in response["Cache-Control"]


def test_base_layout_has_landmarks_skip_link_and_live_messages(client, db):
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert 'class="skip-link" href="#main"' in body
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in body
    assert 'aria-live="polite"' in body
    assert '"allowEval":false' in body
    assert "hx-headers" in body
