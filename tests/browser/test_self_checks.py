"""The decision check (SURE) and the expectations questions in a real browser:
fieldsets with legends, a missing answer shown beside its question with the
other answers kept, and the clinician reading the flags at the top of the
brief; axe at 1280 and 375 px on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Clinic, User
from education.models import Enrollment
from tests.builders import PASSWORD, make_patient, make_staff

from .helpers import pass_stage, sign_in, sign_in_staff, stages


@pytest.fixture
def clinic(transactional_db):
    return Clinic.objects.create(name="Demo Hair Clinic", slug="demo", contact_phone="555-0100")


def test_patient_answers_the_decision_check_and_the_clinician_sees_the_flag(
    live_server, browser, page, clinic, curriculum, totp_device, page_check
):
    base = live_server.url
    clinician = make_staff(clinic=clinic, role=User.Role.CLINICIAN, full_name="Dr Clinician")
    patient = make_patient(
        clinic=clinic, pathway=curriculum, primary_clinician=clinician, full_name="Sam Patient"
    )
    enrollment = Enrollment.objects.get(patient=patient)
    for module in stages(curriculum):
        pass_stage(enrollment, module)

    sign_in(page, base, patient.email, PASSWORD)
    page.goto(base + "/learn/")
    page.get_by_role("link", name="Now: what result do you expect?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What do you expect?")
    page_check(page, "expectations-after")
    page.get_by_role("group", name="What result do you expect from treatment?").get_by_label(
        "A full head of hair again"
    ).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Answer every question")
    expect(
        page.get_by_role("group", name="What result do you expect from treatment?").get_by_label(
            "A full head of hair again"
        )
    ).to_be_checked()
    for question, answer in (
        ("How soon do you expect to see a change?", "After a few months"),
        (
            "How long do you expect the result to last if you stop treatment?",
            "Only as long as I keep up treatment",
        ),
    ):
        page.get_by_role("group", name=question).get_by_label(answer).check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(base + "/learn/")

    page.get_by_role("link", name="Check how you feel about your decision").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your decision")
    page_check(page, "decision-check")
    for legend in (
        "Do you feel sure about the best choice for you?",
        "Do you know the benefits and risks of each option?",
        "Are you clear about which benefits and risks matter most to you?",
    ):
        page.get_by_role("group", name=legend).get_by_label("Yes").check()
    page.get_by_role(
        "group", name="Do you have enough support and advice to make a choice?"
    ).get_by_label("No").check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(base + "/learn/")
    expect(page.locator("#messages")).to_contain_text("Your answers are saved")

    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(10_000)
    staff_page = staff.new_page()
    try:
        sign_in_staff(staff_page, base, clinician, totp_device(clinician), PASSWORD)
        staff_page.goto(f"{base}/clinic/patients/{patient.pk}/")
        discuss = staff_page.locator("section[aria-labelledby=discuss-heading]")
        expect(discuss).to_contain_text("Decisional conflict")
        expect(discuss).to_contain_text("3 of 4 answered")
        expect(discuss).to_contain_text("Expectations to discuss")
        page_check(staff_page, "clinic-brief-self-checks", screenshot=False)
        staff_page.goto(f"{base}/clinic/?concern=decisional_conflict")
        expect(staff_page.locator("#patient-table")).to_contain_text("Sam Patient")
    finally:
        staff.close()
