"""Ending a session without losing the way back: the warning's timing comes from
the server, "Stay signed in" starts the idle time again, and every way to the
sign-in page carries a safe ``next`` back to the page."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.middleware import LAST_SEEN_KEY


def _idle(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds
    session.save()


def _next_of(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("next", [None])[0]


def test_pages_carry_the_patients_idle_timeout_and_the_dialog(patient_client, settings):
    html = patient_client.get("/learn/").content.decode()
    seconds = int(settings.SESSION_IDLE_TIMEOUT_PATIENT.total_seconds())
    assert f'data-session-idle="{seconds}"' in html
    assert 'data-keep-alive-url="/accounts/session/keep-alive/"' in html
    assert '<dialog id="session-dialog"' in html
    assert "Stay signed in" in html


def test_staff_pages_carry_the_staff_idle_timeout(clinician_client, settings):
    html = clinician_client.get("/clinic/").content.decode()
    seconds = int(settings.SESSION_IDLE_TIMEOUT_STAFF.total_seconds())
    assert f'data-session-idle="{seconds}"' in html


def test_signed_out_pages_have_no_session_dialog(db, client):
    html = client.get("/accounts/login/").content.decode()
    assert "data-session-idle" not in html
    assert "session-dialog" not in html


def test_scripts_are_files_with_the_pages_nonce(patient_client):
    response = patient_client.get("/learn/")
    html = response.content.decode()
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    for name in ("site", "session", "read-aloud"):
        assert f"js/{name}" in html
    assert html.count(f'nonce="{nonce}"') >= 4  # htmx and the three files
    assert "<script>" not in html


def test_stay_signed_in_starts_the_idle_time_again(patient_client):
    _idle(patient_client, 2 * 60 * 60 - 30)
    response = patient_client.post("/accounts/session/keep-alive/")
    assert response.status_code == 204
    assert time.time() - patient_client.session[LAST_SEEN_KEY] < 5
    _idle_after = patient_client.get("/learn/")
    assert _idle_after.status_code == 200


def test_keep_alive_is_post_only_and_needs_a_session(db, client, patient_client):
    assert patient_client.get("/accounts/session/keep-alive/").status_code == 405
    response = client.post("/accounts/session/keep-alive/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_keep_alive_after_the_timeout_does_not_revive_the_session(patient_client):
    _idle(patient_client, 3 * 60 * 60)
    response = patient_client.post("/accounts/session/keep-alive/")
    assert response.status_code == 302
    assert patient_client.get("/learn/").status_code == 302


def test_an_ended_session_returns_to_the_page_after_sign_in(patient_client):
    _idle(patient_client, 3 * 60 * 60)
    response = patient_client.get("/learn/questions/?sort=new")
    assert response.status_code == 302
    assert _next_of(response["Location"]) == "/learn/questions/?sort=new"


def test_an_ended_session_under_htmx_returns_to_the_page_it_came_from(patient_client):
    _idle(patient_client, 3 * 60 * 60)
    response = patient_client.post(
        "/learn/checklist/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/learn/checklist/"},
    )
    login = response["HX-Redirect"]
    assert login.startswith("/accounts/login/")
    assert _next_of(login) == "/learn/checklist/"


def test_an_htmx_current_url_of_another_site_is_not_a_next(patient_client):
    _idle(patient_client, 3 * 60 * 60)
    response = patient_client.get(
        "/learn/",
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/phish"},
    )
    assert response["HX-Redirect"] == "/accounts/login/"


def test_a_form_sent_after_the_timeout_returns_to_the_form_page(patient_client):
    _idle(patient_client, 3 * 60 * 60)
    response = patient_client.post(
        "/learn/questions/",
        {"text": "x"},
        headers={"Referer": "http://testserver/learn/questions/"},
    )
    assert response.status_code == 302
    assert _next_of(response["Location"]) == "/learn/questions/"


@pytest.mark.parametrize("referer", ["", "https://evil.example/learn/"])
def test_a_form_from_elsewhere_returns_home_after_sign_in(patient_client, referer):
    _idle(patient_client, 3 * 60 * 60)
    headers = {"Referer": referer} if referer else {}
    response = patient_client.post("/learn/questions/", {"text": "x"}, headers=headers)
    assert _next_of(response["Location"]) == "/"
