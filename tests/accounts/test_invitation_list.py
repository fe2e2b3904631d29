"""Pending invitations: the clinic's list, resend (new link, old one dead),
revoke; an invitation dies with its inviter's account. Audited."""

import re

import pytest
from django.core import mail

from accounts.models import Invitation, User
from accounts.services import invitation_create, invitation_token, invitation_url
from audit.models import AuditEvent
from tests.builders import make_staff

LIST = "/accounts/invitations/"


def invite(inviter, email="new.person@example.test", **extra):
    return invitation_create(inviter=inviter, email=email, full_name="New Person", **extra)


def test_list_shows_who_by_whom_when_and_until_when(clinician_client, clinician, clinic):
    invitation = invite(clinician)
    page = clinician_client.get(LIST).content.decode()
    assert "New Person" in page and "new.person@example.test" in page
    assert clinician.full_name in page
    assert invitation.expires_at.strftime("%Y") in page
    assert f"/accounts/invitations/{invitation.pk}/resend/" in page
    assert f"/accounts/invitations/{invitation.pk}/revoke/" in page


def test_list_leaves_out_other_clinics_and_accepted_invitations(
    clinician_client, clinician, other_clinic_clinician
):
    invite(other_clinic_clinician, email="elsewhere@example.test")
    accepted = invite(clinician, email="done@example.test")
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=accepted.created_at)
    page = clinician_client.get(LIST).content.decode()
    assert "elsewhere@example.test" not in page
    assert "done@example.test" not in page
    assert "No invitation is waiting to be accepted." in page


def test_resend_sends_a_new_link_and_the_old_one_dies(
    clinician_client, clinician, client, django_capture_on_commit_callbacks
):
    invitation = invite(clinician)
    old_url = invitation_url(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        response = clinician_client.post(f"/accounts/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert client.get(old_url).status_code == 400
    new_path = re.search(r"/accounts/invitation/[^/\s]+/", mail.outbox[-1].body).group(0)
    assert new_path != old_url
    assert client.get(new_path).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.invitation.resent", actor=clinician).exists()


def test_revoke_kills_the_link_and_empties_the_list(clinician_client, clinician, client):
    invitation = invite(clinician)
    url = invitation_url(invitation)
    response = clinician_client.post(f"/accounts/invitations/{invitation.pk}/revoke/", follow=True)
    assert "is revoked" in response.content.decode()
    assert "No invitation is waiting to be accepted." in response.content.decode()
    assert client.get(url).status_code == 400
    event = AuditEvent.objects.get(action="accounts.invitation.revoked")
    assert event.actor == clinician
    assert event.detail == {"invitation": invitation.pk, "role": "patient"}


def test_revoking_twice_is_404_not_an_error_page(clinician_client, clinician):
    invitation = invite(clinician)
    clinician_client.post(f"/accounts/invitations/{invitation.pk}/revoke/")
    assert (
        clinician_client.post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 404
    )


def test_other_clinics_invitation_is_404(other_clinic_client, clinician):
    invitation = invite(clinician)
    for action in ("resend", "revoke"):
        response = other_clinic_client.post(f"/accounts/invitations/{invitation.pk}/{action}/")
        assert response.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).nonce == invitation.nonce


def test_a_clinician_cannot_touch_a_staff_invitation(clinician_client, clinic_admin):
    staff_invitation = invite(
        clinic_admin, email="colleague@example.test", role=User.Role.CLINICIAN
    )
    assert clinician_client.get(LIST).content.decode().count("colleague@example.test") == 0
    response = clinician_client.post(f"/accounts/invitations/{staff_invitation.pk}/revoke/")
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_invitation_dies_when_the_inviter_is_deactivated(client, clinic, method):
    inviter = make_staff(clinic=clinic, full_name="Dr Leaving")
    invitation = invite(inviter)
    token = invitation_token(invitation)
    inviter.is_active = False
    inviter.save()
    response = getattr(client, method)(f"/accounts/invitation/{token}/")
    assert response.status_code == 400
    assert b"no longer valid" in response.content
