import time

import pytest
from django.contrib.sessions.models import Session

from accounts.middleware import LAST_SEEN_KEY
from accounts.signals import SESSION_STARTED_KEY


def _age_session(client, *, idle_seconds=0, started_seconds=0):
    session = client.session
    now = time.time()
    session[LAST_SEEN_KEY] = now - idle_seconds
    session[SESSION_STARTED_KEY] = now - started_seconds
    session.save()


def test_patient_session_survives_an_hour_idle(patient_client):
    _age_session(patient_client, idle_seconds=60 * 60)
    assert patient_client.get("/learn/").status_code == 200


def test_patient_session_ends_after_two_hours_idle(patient_client):
    _age_session(patient_client, idle_seconds=2 * 60 * 60 + 5)
    response = patient_client.get("/learn/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_session_ends_after_thirty_minutes_idle(clinician_client):
    _age_session(clinician_client, idle_seconds=31 * 60)
    response = clinician_client.get("/clinic/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_idle_timeouts_are_configurable(clinician_client, settings):
    from datetime import timedelta

    settings.SESSION_IDLE_TIMEOUT_STAFF = timedelta(hours=1)
    _age_session(clinician_client, idle_seconds=31 * 60)
    assert clinician_client.get("/clinic/").status_code == 200


def test_any_session_ends_after_twelve_hours(patient_client):
    _age_session(patient_client, started_seconds=12 * 60 * 60 + 5)
    assert patient_client.get("/learn/").status_code == 302


def test_expired_session_under_htmx_gets_hx_redirect_to_login(patient_client):
    _age_session(patient_client, idle_seconds=3 * 60 * 60)
    response = patient_client.get("/learn/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_anonymous_htmx_request_gets_hx_redirect_not_a_login_fragment(client, db):
    response = client.get("/learn/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/accounts/login/")
    assert b"<form" not in response.content


def test_logout_deletes_the_server_side_session(patient_client):
    key = patient_client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    patient_client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions(patient, patient_client):
    key = patient_client.session.session_key
    patient.is_active = False
    patient.save()
    assert not Session.objects.filter(session_key=key).exists()
    assert patient_client.get("/learn/").status_code == 302
