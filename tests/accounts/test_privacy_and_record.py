"""The privacy notice and terms: read before an account is made, the accepted
version recorded; a patient's account page and the download of their own record."""

import json
import uuid

import pytest

from accounts.models import User
from accounts.services import invitation_create, invitation_url
from audit.models import AuditEvent
from education import services
from education.models import Quiz, TeachBack
from education.models.assessment import SelfCheck
from portal.legal import NOTICE_VERSION
from tests.builders import correct_answers

PASSPHRASE = "a calm walk along the river at dawn"
TICK_LABEL = "I have read the privacy notice and the terms of use."


@pytest.fixture
def invitation(clinician, pathway):
    return invitation_create(
        inviter=clinician,
        email="new.patient@example.test",
        full_name="New Patient",
        pathway=pathway,
    )


# --- The pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/privacy/", "/terms/"])
def test_privacy_and_terms_are_open_to_everyone(db, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert f"Version {NOTICE_VERSION}" in response.content.decode()


def test_the_privacy_notice_says_what_is_kept_who_sees_it_and_how_to_get_a_copy(db, client):
    html = client.get("/privacy/").content.decode()
    for heading in ("What we keep", "Who sees it", "Getting a copy, or having it deleted"):
        assert heading in html


def test_a_signed_in_patient_sees_their_own_clinics_contact(clinic, patient_client):
    clinic.address = "12 Harbour Road"
    clinic.save()
    html = patient_client.get("/privacy/").content.decode()
    main = html.split('<main id="main"')[1].split("</main>")[0]
    assert "Demo Hair Clinic" in main
    assert "12 Harbour Road" in main
    assert 'href="tel:555-0100"' in main
    assert 'href="/accounts/me/"' in main


@pytest.mark.parametrize("url", ["/accounts/login/", "/learn/", "/privacy/"])
def test_every_page_footer_links_privacy_and_terms(patient, client, url):
    client.force_login(patient) if url == "/learn/" else None
    footer = client.get(url).content.decode().split('<footer class="site-footer">')[1]
    assert 'href="/privacy/"' in footer
    assert 'href="/terms/"' in footer


# --- Accepting the invitation ---------------------------------------------------------------


def test_the_invitation_asks_to_tick_that_privacy_and_terms_were_read(client, invitation):
    html = client.get(invitation_url(invitation)).content.decode()
    assert TICK_LABEL in html
    assert 'href="/privacy/"' in html
    assert 'href="/terms/"' in html


def test_without_the_tick_no_account_is_made_and_the_password_is_kept(client, invitation):
    response = client.post(
        invitation_url(invitation), {"password1": PASSPHRASE, "password2": PASSPHRASE}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tick the box to say you have read the privacy notice" in html
    assert html.count(f'value="{PASSPHRASE}"') == 2
    assert not User.objects.filter(email="new.patient@example.test").exists()


def test_the_accepted_version_and_time_are_recorded(client, invitation):
    response = client.post(
        invitation_url(invitation),
        {"password1": PASSPHRASE, "password2": PASSPHRASE, "accept_privacy": "on"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.patient@example.test")
    assert user.privacy_notice_version == NOTICE_VERSION
    assert user.privacy_accepted_at is not None
    event = AuditEvent.objects.get(action="accounts.invitation.accepted")
    assert event.detail["privacy_notice_version"] == NOTICE_VERSION


# --- The account page and the record ---------------------------------------------------------


def test_the_account_page_shows_the_patient_and_the_downloads(patient_client):
    html = patient_client.get("/accounts/me/").content.decode()
    assert "Pat Patient" in html
    assert "Demo Hair Clinic" in html
    assert 'href="/accounts/me/record.json"' in html
    assert 'href="/learn/summary/"' in html
    assert 'href="/reminders/"' in html


def test_the_header_links_the_patients_account(patient_client):
    html = patient_client.get("/learn/").content.decode()
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert 'href="/accounts/me/"' in header


@pytest.fixture
def records(patient, other_patient):
    """Both patients have a question, a checklist answer and a quiz attempt."""
    written = {}
    for person, text in ((patient, "Will it hurt?"), (other_patient, "Someone else's worry")):
        enrollment = person.enrollments.get()
        services.patient_question_add(enrollment=enrollment, text=text)
        module = enrollment.pathway.pathway_modules.order_by("order").first().module
        for lesson in module.lessons.all():
            services.lesson_complete(enrollment=enrollment, lesson=lesson)
        quiz = Quiz.objects.get(module=module)
        services.quiz_attempt_submit(
            enrollment=enrollment,
            quiz=quiz,
            answers=correct_answers(quiz),
            submission_key=uuid.uuid4(),
        )
        written[person.pk] = text
    return written


def test_the_record_holds_the_patients_own_data_only(patient, patient_client, records):
    response = patient_client.get("/accounts/me/record.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    record = json.loads(response.content)
    assert record["account"]["email"] == patient.email
    assert record["clinic"]["name"] == "Demo Hair Clinic"
    assert [q["text"] for q in record["questions_for_the_consultation"]] == ["Will it hurt?"]
    assert len(record["quiz_attempts"]) == 1
    assert record["quiz_attempts"][0]["passed"] is True
    body = response.content.decode()
    assert "Someone else" not in body
    assert "Other Patient" not in body
    assert AuditEvent.objects.filter(
        action="accounts.record.exported", actor=patient, patient=patient
    ).exists()


@pytest.mark.parametrize("url", ["/accounts/me/", "/accounts/me/record.json"])
def test_staff_get_403_on_the_patient_account_pages(clinician_client, clinic_admin_client, url):
    assert clinician_client.get(url).status_code == 403
    assert clinic_admin_client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/accounts/me/", "/accounts/me/record.json"])
def test_signed_out_people_are_sent_to_sign_in(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_record_cannot_be_posted(patient_client):
    assert patient_client.post("/accounts/me/record.json").status_code == 405


def test_the_record_holds_what_the_patient_wrote_in_their_own_words(
    patient, other_patient, patient_client
):
    for person, words in ((patient, "It means no approval yet."), (other_patient, "Not mine")):
        enrollment = person.enrollments.get()
        module = enrollment.pathway.pathway_modules.order_by("order").first().module
        TeachBack.objects.create(
            enrollment=enrollment, module=module, prompt="Say it your way.", text=words
        )
    SelfCheck.objects.create(
        enrollment=patient.enrollments.get(),
        kind=SelfCheck.Kind.SURE,
        answers={"sure": "yes", "understand": "no"},
    )
    record = json.loads(patient_client.get("/accounts/me/record.json").content)
    assert [t["your_answer"] for t in record["in_your_own_words"]] == ["It means no approval yet."]
    assert record["self_checks"][0]["answers"] == {"sure": "yes", "understand": "no"}
    assert "Not mine" not in json.dumps(record)
