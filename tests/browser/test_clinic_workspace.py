"""The clinic workspace in a real browser: the week on the clinic home, no
sideways scroll at 1280 px, a consultation outcome recorded from the brief
(its error beside the form, focused), a review's error beside its form with
and without JavaScript, pending invitations resent and revoked;
axe at 1280 and 375 px on each page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Clinic, Invitation, User
from accounts.services import invitation_create
from education.models import ConsultationOutcome, Enrollment
from tests.builders import PASSWORD, make_patient, make_staff

from .helpers import NO_RELOAD_MARK, SAME_PAGE, sign_in_staff


@pytest.fixture
def clinic(transactional_db):
    return Clinic.objects.create(name="Demo Hair Clinic", slug="demo", timezone="UTC")


@pytest.fixture
def signed_in(live_server, page, clinic, curriculum, totp_device):
    clinician = make_staff(clinic=clinic, role=User.Role.CLINICIAN, full_name="Dr Clinician")
    device = totp_device(clinician)
    sign_in_staff(page, live_server.url, clinician, device, PASSWORD)
    return clinician


def test_clinic_home_brief_and_outcome(
    live_server, page, clinic, curriculum, signed_in, page_check
):
    base = live_server.url
    patient = make_patient(
        clinic=clinic, pathway=curriculum, primary_clinician=signed_in, full_name="Zoë Ramírez"
    )
    soon = timezone.now() + timedelta(minutes=2)
    Enrollment.objects.filter(patient=patient).update(consultation_at=soon)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/clinic/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations this week")
    expect(page.locator(".week-row").first).to_contain_text("Zoë Ramírez")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page_check(page, "clinic-home")

    page.locator(".week-row").first.get_by_role("link", name="Zoë Ramírez").click()
    expect(page.get_by_role("heading", level=2, name="To discuss")).to_be_visible()
    outcome = page.locator("#outcome")
    outcome.get_by_label("Rescheduled").check()
    outcome.get_by_role("button", name="Record outcome").click()
    message = page.locator("#outcome-errors")
    expect(message).to_be_visible()
    expect(message).to_be_focused()
    expect(page.get_by_text("Enter the new date and time.")).to_have_count(1)
    page_check(page, "clinic-brief")

    page.locator("#outcome").get_by_label("Attended, needs more time").check()
    page.locator("#outcome").get_by_role("button", name="Record outcome").click()
    expect(page.get_by_text("The consultation outcome is recorded.")).to_be_visible()
    assert ConsultationOutcome.objects.filter(outcome="needs_time").count() == 1


def test_pending_invitations_resend_and_revoke(
    live_server, page, clinic, curriculum, signed_in, page_check
):
    base = live_server.url
    invitation = invitation_create(
        inviter=signed_in, email="new.person@example.test", full_name="New Person"
    )
    old_nonce = invitation.nonce
    page.goto(base + "/accounts/invitations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pending invitations")
    expect(page.get_by_role("row", name="New Person")).to_be_visible()
    page_check(page, "invitation-list")

    page.get_by_role("button", name="Resend new.person@example.test").click()
    expect(page.get_by_text("the earlier link no longer works")).to_be_visible()
    assert Invitation.objects.get(pk=invitation.pk).nonce != old_nonce

    page.get_by_role("button", name="Revoke new.person@example.test").click()
    expect(page.get_by_text("No invitation is waiting to be accepted.")).to_be_visible()


def test_brief_review_error_stays_beside_the_form_with_and_without_javascript(
    live_server, browser, page, clinic, curriculum, signed_in
):
    """A "ready" review without a reason: with htmx the review form alone is
    swapped, its message focused and the note kept; without JavaScript the page
    comes back opened at the form (its anchor), the message printed once."""
    base = live_server.url
    patient = make_patient(clinic=clinic, pathway=curriculum, full_name="Zoë Ramírez")
    page.goto(f"{base}/clinic/patients/{patient.pk}/")
    review = page.locator("#review")
    review.get_by_label("Ready for consent").check()
    review.get_by_label("Note (optional)").fill("Went over the risks")
    page.evaluate(NO_RELOAD_MARK)
    review.get_by_role("button", name="Record review").click()
    message = page.locator("#review-errors")
    expect(message).to_be_focused()
    expect(page.get_by_text("Write why you are overriding readiness.")).to_have_count(1)
    expect(page.locator("#review").get_by_label("Note (optional)")).to_have_value(
        "Went over the risks"
    )
    assert page.evaluate(SAME_PAGE)

    context = browser.new_context(java_script_enabled=False, viewport=page.viewport_size)
    context.add_cookies(page.context.cookies())  # the same signed-in session
    plain = context.new_page()
    plain.goto(f"{base}/clinic/patients/{patient.pk}/")
    plain.locator("#review").get_by_label("Ready for consent").check()
    plain.locator("#review").get_by_role("button", name="Record review").click()
    plain.wait_for_load_state()
    assert plain.url.endswith(f"/clinic/patients/{patient.pk}/reviews/#review")
    expect(plain.get_by_text("Write why you are overriding readiness.")).to_have_count(1)
    assert plain.evaluate("window.scrollY") > 0
    context.close()
