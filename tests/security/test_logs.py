"""No password, token, session key or patient free text reaches the logs."""

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import invitation_create, invitation_token, invitation_url
from education.models import ChecklistItem, Lesson

PASSWORD = "a secret passphrase nobody logs"
NOTE = "PRIVATE-NOTE-about-my-scalp"
QUESTION = "PRIVATE-QUESTION-for-my-doctor"


@pytest.fixture
def log_output():
    """The real console handler from LOGGING, writing into a buffer."""
    root = logging.getLogger()
    handlers = [h for h in root.handlers if isinstance(h, logging.StreamHandler)]
    assert handlers, "LOGGING configures a console handler"
    buffer = io.StringIO()
    saved = [h.setStream(buffer) for h in handlers]
    levels = root.level
    root.setLevel(logging.DEBUG)
    yield buffer
    root.setLevel(levels)
    for handler, stream in zip(handlers, saved, strict=True):
        handler.setStream(stream)


def test_a_whole_journey_leaves_no_secrets_in_the_logs(log_output, clinician, pathway):
    invitation = invitation_create(
        inviter=clinician, email="journey@example.test", full_name="Journey", pathway=pathway
    )
    token = invitation_token(invitation)
    client = Client()
    client.get("/accounts/invitation/garbage-token-value/")
    client.post(
        invitation_url(invitation),
        {"password1": PASSWORD, "password2": PASSWORD, "accept_privacy": "on"},
    )
    session_key = client.session.session_key
    client.get(invitation_url(invitation))  # reused link: a logged 400 with the token in the path
    lesson = Lesson.objects.filter(module__in=pathway.modules.all()).order_by("pk").first()
    url = reverse("education:lesson-detail", args=[lesson.module.slug, lesson.slug])
    client.get(url)
    client.post(url, {})
    item = ChecklistItem.objects.filter(checklist=pathway.checklist).first()
    client.post(
        "/learn/checklist/", {f"item-{item.pk}-answer": "not_sure", f"item-{item.pk}-note": NOTE}
    )
    client.post("/learn/questions/", {"text": QUESTION})
    client.post("/accounts/logout/")
    Client().post(
        "/accounts/login/", {"username": "journey@example.test", "password": PASSWORD + "x"}
    )
    client.get("/no-such-page/?token=" + token)

    logs = log_output.getvalue()
    assert logs, "the journey logged something (4xx responses)"
    for secret in (PASSWORD, token, session_key, NOTE, QUESTION, "garbage-token-value"):
        assert secret not in logs, secret
