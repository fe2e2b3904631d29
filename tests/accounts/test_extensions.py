"""Accounts asks education through accounts.extensions and accounts.signals:
what the invitation form offers, the record download and the enrolment on
acceptance behave as before, and a failing enrolment undoes the acceptance."""

import pytest

from accounts import extensions
from accounts.forms import InvitationForm
from accounts.models import Invitation, User
from accounts.services import invitation_accept, invitation_create, invitation_token
from accounts.signals import invitation_accepted
from education.models import Enrollment, Pathway, PublishStatus
from tests.conftest import login_client

PASSWORD = "a long and memorable passphrase"


def test_the_invitation_form_offers_only_published_pathways(clinician, pathway):
    Pathway.objects.create(title="Draft pathway", slug="draft-pathway", status=PublishStatus.DRAFT)
    choices = list(InvitationForm(inviter=clinician).fields["pathway"].queryset)
    assert pathway in choices
    assert all(p.status == PublishStatus.PUBLISHED for p in choices)


def test_an_invitation_with_a_pathway_enrols_the_patient_on_acceptance(clinician, pathway):
    invitation = invitation_create(
        inviter=clinician, email="new@example.test", full_name="New", pathway=pathway
    )
    user = invitation_accept(token=invitation_token(invitation), password=PASSWORD)
    enrollment = Enrollment.objects.get(patient=user)
    assert enrollment.pathway == pathway and enrollment.enrolled_by == clinician


def test_an_enrolment_that_fails_undoes_the_acceptance(clinician, pathway):
    invitation = invitation_create(
        inviter=clinician, email="new@example.test", full_name="New", pathway=pathway
    )

    def broken(sender, **kwargs):
        raise RuntimeError("enrolment failed")

    invitation_accepted.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            invitation_accept(token=invitation_token(invitation), password=PASSWORD)
    finally:
        invitation_accepted.disconnect(dispatch_uid="test-broken")
    assert not User.objects.filter(email="new@example.test").exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_without_a_record_provider_the_download_is_not_found(patient, monkeypatch):
    monkeypatch.setattr(extensions, "_providers", {})
    response = login_client(patient).get("/accounts/me/record.json")
    assert response.status_code == 404
    assert not extensions.invitation_pathways().exists()
