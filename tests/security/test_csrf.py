"""Every state change is a POST that needs the CSRF token; no GET changes anything."""

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import Invitation, PatientProfile, User
from education.models import (
    AttemptAnswer,
    ChecklistResponse,
    ClinicianReview,
    Enrollment,
    LessonCompletion,
    PatientQuestion,
    QuizAttempt,
)
from tests.conftest import login_client
from tests.security import test_authorization_matrix as matrix
from tests.security.test_authorization_matrix import (
    FORBIDDEN,
    MATRIX,
    PERSONAS,
    TO_LOGIN,
    VARIANTS,
    build_url,
    url_patterns,
)

world = matrix.world  # the module-scoped world, built once for this module too


def state_snapshot() -> dict:
    """Everything a request could change, except the audit trail and sessions."""
    return {
        "completions": list(LessonCompletion.objects.values_list().order_by("pk")),
        "attempts": list(QuizAttempt.objects.values_list().order_by("pk")),
        "answers": list(AttemptAnswer.objects.values_list().order_by("pk")),
        "responses": list(ChecklistResponse.objects.values_list().order_by("pk")),
        "questions": list(PatientQuestion.objects.values_list().order_by("pk")),
        "reviews": list(ClinicianReview.objects.values_list().order_by("pk")),
        "enrollments": list(Enrollment.objects.values_list().order_by("pk")),
        "profiles": list(PatientProfile.objects.values_list().order_by("pk")),
        "invitations": list(Invitation.objects.values_list().order_by("pk")),
        "users": list(
            User.objects.values_list(
                "pk",
                "email",
                "role",
                "clinic_id",
                "is_active",
                "is_staff",
                "is_superuser",
                "password",
                "full_name",
            ).order_by("pk")
        ),
    }


def _acting_persona(name: str) -> str:
    """A persona that may use the page, so the POST would reach the view."""
    own = MATRIX[name].expected[0]
    for persona in ("patient", "clinician", "clinic_admin", "anonymous"):
        if own[persona][2] not in (FORBIDDEN[2], TO_LOGIN[2], "405"):
            return persona
    return "patient"


def _csrf_client(world, persona: str) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    user = world.user(persona)
    if user is not None:
        client.cookies = login_client(user).cookies
    return client


# Mail clients post the one-click unsubscribe (RFC 8058) without a token: its signed link is
# the authority there (tests/reminders/test_views.py covers tampered links).
CSRF_EXEMPT = {"healthz", "reminders:unsubscribe"}
POST_ROUTES = [name for _route, name in url_patterns() if name not in CSRF_EXEMPT]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", POST_ROUTES)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world, db, name, htmx):
    persona = _acting_persona(name)
    client = _csrf_client(world, persona)
    url = build_url(name, world, persona, "own")
    before = state_snapshot()
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(url, {"text": "x", "answer": "yes", "outcome": "ready"}, headers=headers)
    assert response.status_code == 403, (persona, url, response.status_code)
    assert b"Please try that again" in response.content
    assert state_snapshot() == before


def test_the_health_check_takes_no_post_body_and_changes_nothing(db):
    before = state_snapshot()
    assert Client(enforce_csrf_checks=True).post("/healthz").status_code == 200
    assert state_snapshot() == before


def test_the_same_post_with_the_token_goes_through(world, db):
    """The refusal above is the token's doing, not the request's."""
    client = _csrf_client(world, "patient")
    client.get("/learn/questions/")
    token = client.cookies[next(k for k in client.cookies if k.endswith("csrftoken"))].value
    with transaction.atomic():
        response = client.post("/learn/questions/", {"text": "Is it safe?"}, HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 302
        transaction.set_rollback(True)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_get_changes_anything(world, db, persona):
    client = Client(raise_request_exception=False)
    user = world.user(persona)
    if user is not None:
        client.cookies = login_client(user).cookies
    before = state_snapshot()
    changed = []
    for name, row in MATRIX.items():
        for scenario in row.scenarios:
            url = build_url(name, world, persona, scenario)
            for method, htmx in VARIANTS:
                if method != "GET":
                    continue
                client.get(url, headers={"HX-Request": "true"} if htmx else {})
                after = state_snapshot()
                if after != before:
                    changed.append((url, htmx, [k for k in after if after[k] != before[k]]))
                    before = after
    assert not changed
