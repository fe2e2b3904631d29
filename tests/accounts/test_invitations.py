import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import (
    AccountsError,
    invitation_accept,
    invitation_create,
    invitation_get_from_token,
    invitation_token,
    invitation_url,
)
from audit.models import AuditEvent
from education.models import Enrollment

NEW_PASSWORD = "a long and memorable passphrase"


def _invite(inviter, **overrides):
    values = {"email": "New.Person@Example.test", "full_name": "New Person"}
    values.update(overrides)
    return invitation_create(inviter=inviter, **values)


def test_clinician_invites_a_patient_who_gets_an_email_with_the_link(
    clinician, pathway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(clinician, pathway=pathway)
    assert invitation.clinic == clinician.clinic
    assert invitation.email == "new.person@example.test"
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert len(mail.outbox) == 1
    token = re.search(r"/accounts/invitation/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation_get_from_token(token) == invitation
    assert AuditEvent.objects.filter(action="accounts.invitation.sent", actor=clinician).exists()


def test_invitation_page_shows_the_link_to_the_inviter(clinician_client, clinician, pathway):
    response = clinician_client.post(
        "/accounts/invitations/new/",
        {
            "full_name": "Ana Lee",
            "email": "ana@example.test",
            "role": "patient",
            "pathway": pathway.pk,
        },
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get(email="ana@example.test")
    # The token carries a timestamp: check that the shown link opens this invitation.
    token = re.search(r"/accounts/invitation/([^/\"]+)/", response.content.decode()).group(1)
    assert invitation_get_from_token(token) == invitation


def test_accepting_sets_the_password_signs_in_and_enrols(client, clinician, pathway):
    invitation = _invite(clinician, pathway=pathway, primary_clinician=clinician)
    url = invitation_url(invitation)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "accept_privacy": "on"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.role == User.Role.PATIENT
    assert user.clinic == clinician.clinic
    assert user.check_password(NEW_PASSWORD)
    assert user.patient_profile.primary_clinician == clinician
    assert Enrollment.objects.filter(patient=user, pathway=pathway).exists()
    assert client.get("/").status_code == 302  # signed in: sent home
    invitation.refresh_from_db()
    assert invitation.accepted_user == user


def test_a_short_password_is_refused_with_a_message(client, clinician):
    url = invitation_url(_invite(clinician))
    response = client.post(url, {"password1": "short", "password2": "short"})
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not User.objects.filter(email="new.person@example.test").exists()


def test_a_used_invitation_cannot_be_used_again(client, clinician):
    invitation = _invite(clinician)
    invitation_accept(token=invitation_token(invitation), password=NEW_PASSWORD)
    response = client.get(invitation_url(invitation))
    assert response.status_code == 400
    assert b"already been used" in response.content
    with pytest.raises(AccountsError):
        invitation_accept(token=invitation_token(invitation), password=NEW_PASSWORD)


def test_an_expired_invitation_gets_a_clear_page(client, clinician):
    invitation = _invite(clinician)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(invitation_url(invitation))
    assert response.status_code == 400
    assert b"expired" in response.content


def test_a_link_older_than_seven_days_is_expired_by_its_signature(client, clinician, settings):
    invitation = _invite(clinician)
    settings.INVITATION_MAX_AGE = timedelta(seconds=-1)
    response = client.get(invitation_url(invitation))
    assert response.status_code == 400
    assert b"expired" in response.content


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token: "not-a-token",
        lambda token: signing.dumps({"i": 1, "n": "guess"}, salt="wrong-salt"),
    ],
    ids=["changed-signature", "garbage", "wrong-salt"],
)
def test_a_tampered_link_gets_a_clear_page_not_an_error(client, clinician, mangle):
    invitation = _invite(clinician)
    response = client.get(f"/accounts/invitation/{mangle(invitation_token(invitation))}/")
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_a_forged_token_with_a_guessed_nonce_is_refused(client, clinician):
    invitation = _invite(clinician)
    token = signing.dumps({"i": invitation.pk, "n": "guess"}, salt="accounts.invitation")
    assert client.get(f"/accounts/invitation/{token}/").status_code == 400


def test_clinician_cannot_invite_into_another_clinic(clinician_client, clinician, other_clinic):
    response = clinician_client.post(
        "/accounts/invitations/new/",
        {
            "full_name": "Sneaky",
            "email": "sneaky@example.test",
            "role": "patient",
            "clinic": other_clinic.pk,
        },
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get(email="sneaky@example.test")
    assert invitation.clinic_id == clinician.clinic_id


def test_clinician_cannot_pick_another_clinics_clinician(clinician, other_clinic_clinician):
    with pytest.raises(AccountsError):
        _invite(clinician, primary_clinician=other_clinic_clinician)


def test_clinician_cannot_invite_staff(clinician_client):
    response = clinician_client.post(
        "/accounts/invitations/new/",
        {"full_name": "Dr New", "email": "drnew@example.test", "role": "clinician"},
    )
    assert response.status_code == 200
    assert not Invitation.objects.filter(email="drnew@example.test").exists()


def test_clinic_admin_invites_a_clinician(clinic_admin):
    invitation = _invite(clinic_admin, role=User.Role.CLINICIAN)
    user = invitation_accept(token=invitation_token(invitation), password=NEW_PASSWORD)
    assert user.role == User.Role.CLINICIAN
    assert user.clinic == clinic_admin.clinic


def test_an_invited_clinic_admin_can_edit_content_in_the_admin(clinic_admin):
    invitation = _invite(clinic_admin, role=User.Role.CLINIC_ADMIN)
    user = invitation_accept(token=invitation_token(invitation), password=NEW_PASSWORD)
    assert user.is_staff
    assert user.groups.filter(name="Content editors").exists()
    assert user.has_perm("education.change_lesson")


def test_an_invited_clinician_gets_no_admin_access(clinic_admin):
    invitation = _invite(clinic_admin, role=User.Role.CLINICIAN)
    user = invitation_accept(token=invitation_token(invitation), password=NEW_PASSWORD)
    assert not user.is_staff
    assert not user.has_perm("education.change_lesson")


def _page_without(response, *variable: str) -> str:
    """The page as the inviter sees it, less what differs by design (the address
    typed, the one-time link, the CSRF token and the script nonce)."""
    text = response.content.decode()
    for value in variable:
        text = text.replace(value, "…")
    text = re.sub(r"/accounts/invitation/[^/\s\"<]+/", "/accounts/invitation/…/", text)
    text = re.sub(r'nonce="[^"]+"', "nonce", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", text)


def test_inviting_another_clinics_patient_answers_as_for_a_new_address(
    clinician, foreign_patient, login
):
    """Nothing tells a clinician that the address belongs to another clinic's patient."""
    client = login(clinician)
    answers = []
    for email in (foreign_patient.email, "brand-new@example.test"):
        response = client.post(
            "/accounts/invitations/new/",
            {"full_name": "Alex Example", "email": email, "role": "patient"},
        )
        assert response.status_code == 200
        answers.append(_page_without(response, email, "http://testserver"))
    assert answers[0] == answers[1]
    assert "already" not in answers[0]
    assert Invitation.objects.filter(email=foreign_patient.email).exists()


def test_an_invitation_to_an_address_with_an_account_links_nothing(
    clinician, foreign_patient, pathway
):
    enrollments = list(Enrollment.objects.filter(patient=foreign_patient).values_list("pk"))
    invitation = _invite(clinician, email=foreign_patient.email.upper(), pathway=pathway)
    with pytest.raises(AccountsError, match="contact the clinic"):
        invitation_get_from_token(invitation_token(invitation))
    with pytest.raises(AccountsError):
        invitation_accept(token=invitation_token(invitation), password=NEW_PASSWORD)
    foreign_patient.refresh_from_db()
    invitation.refresh_from_db()
    assert foreign_patient.clinic_id != clinician.clinic_id
    assert foreign_patient.check_password(NEW_PASSWORD) is False
    assert list(Enrollment.objects.filter(patient=foreign_patient).values_list("pk")) == (
        enrollments
    )
    assert invitation.accepted_at is None
    assert User.objects.filter(email__iexact=foreign_patient.email).count() == 1


def test_opening_such_an_invitation_tells_the_invitee_to_contact_the_clinic(
    client, clinician, foreign_patient
):
    invitation = _invite(clinician, email=foreign_patient.email)
    response = client.get(invitation_url(invitation))
    assert response.status_code == 400
    assert b"contact the clinic that invited you" in response.content


def test_patients_cannot_open_the_invitation_form(patient_client):
    assert patient_client.get("/accounts/invitations/new/").status_code == 403
