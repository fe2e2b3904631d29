"""The patient experience in a real browser: the warning before a session ends,
answers kept across a sign-in, the Print button, read-aloud controls, the privacy
tick on the invitation, the phone header, and axe-core at 1280, 375 and 320 px."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from accounts.models import Clinic, User
from accounts.services import invitation_create, invitation_url
from education.models import Enrollment
from education.selectors import outline as selectors
from tests.builders import PASSWORD, make_patient, make_staff

from .conftest import NARROW, PHONE, _axe_violations, format_violations
from .helpers import pick, read_lessons, sign_in, stages, tick_answers

NEW_PASSWORD = "a calm walk along the river at dawn"


@pytest.fixture
def clinic(transactional_db):
    return Clinic.objects.create(
        name="Demo Hair Clinic",
        slug="demo",
        display_name="Riverside Hair Clinic",
        contact_phone="555-0100",
        address="1 River Street",
    )


@pytest.fixture
def clinician(clinic):
    return make_staff(clinic=clinic, role=User.Role.CLINICIAN, full_name="Dr Clinician")


@pytest.fixture
def patient(clinic, clinician, curriculum):
    return make_patient(
        clinic=clinic, pathway=curriculum, primary_clinician=clinician, full_name="Pat Patient"
    )


def _quiz_ready(patient, curriculum):
    first = stages(curriculum)[0]
    read_lessons(Enrollment.objects.get(patient=patient), first)
    return first


def test_the_warning_before_the_session_ends_offers_to_stay_or_sign_out(
    live_server, page, patient, settings
):
    # The warning opens two minutes before the end: here, three seconds after loading.
    settings.SESSION_IDLE_TIMEOUT_PATIENT = timedelta(seconds=123)
    base = live_server.url
    sign_in(page, base, patient.email, PASSWORD)
    page.goto(base + "/learn/")
    dialog = page.get_by_role("dialog", name="Are you still there?")
    expect(dialog).to_be_visible(timeout=8000)
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    violations = _axe_violations(page)
    assert not violations, format_violations(violations)

    # Escape means stay: the session is extended and the dialog closes.
    with page.expect_response("**/accounts/session/keep-alive/") as answer:
        page.keyboard.press("Escape")
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()

    # It comes back after the next quiet spell; this time, sign out.
    expect(dialog).to_be_visible(timeout=8000)
    dialog.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.goto(base + "/learn/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/learn/")


def test_quiz_picks_survive_a_reload_and_a_session_that_ended(
    live_server, page, patient, curriculum, settings
):
    first = _quiz_ready(patient, curriculum)
    base = live_server.url
    quiz_url = f"{base}/learn/{first.slug}/quiz/"
    sign_in(page, base, patient.email, PASSWORD)
    page.goto(quiz_url)
    tick_answers(page, first.quiz, correct=True)
    # The first question this attempt drew (one variant per objective is on the page).
    question = next(
        q for q in selectors.quiz_questions(first.quiz) if page.locator(f"#question-{q.pk}").count()
    )
    chosen = pick(question, correct=True)[0]
    box = page.locator(f"#question-{question.pk}").get_by_label(chosen.text, exact=True)

    page.reload()
    expect(box).to_be_checked()
    expect(page.locator("#messages")).to_contain_text("was put back")

    # The session ends while the patient is away; signing in again brings them back here.
    settings.SESSION_IDLE_TIMEOUT_PATIENT = timedelta(seconds=1)
    page.wait_for_timeout(2500)
    page.reload()
    expect(page).to_have_url(f"{base}/accounts/login/?next=/learn/{first.slug}/quiz/")
    settings.SESSION_IDLE_TIMEOUT_PATIENT = timedelta(hours=2)
    page.get_by_label("E-mail address").fill(patient.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(quiz_url)
    expect(box).to_be_checked()

    # Once sent (htmx), only the result shows, and the draft is gone.
    page.get_by_role("button", name="Check my answers").click()
    expect(page.locator("#quiz-result")).to_be_visible()
    expect(page.locator(".quiz-intro")).to_be_hidden()
    page.wait_for_load_state("networkidle")
    page.goto(quiz_url)
    expect(page.locator("[data-draft-restored]")).to_have_count(0)


def test_signing_out_clears_the_drafts(live_server, page, patient, curriculum):
    first = _quiz_ready(patient, curriculum)
    base = live_server.url
    sign_in(page, base, patient.email, PASSWORD)
    page.goto(f"{base}/learn/{first.slug}/quiz/")
    tick_answers(page, first.quiz, correct=True)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    kept = page.evaluate(
        "Object.keys(sessionStorage).filter(k => k.startsWith('consultready-draft:')).length"
    )
    assert kept == 0


def test_the_print_button_prints_the_summary(live_server, page, patient):
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    base = live_server.url
    sign_in(page, base, patient.email, PASSWORD)
    page.goto(base + "/learn/summary/")
    button = page.get_by_role("button", name="Print this summary")
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.get_by_text("Notes from my consultation")).to_be_visible()
    expect(page.locator(".printed-on")).to_contain_text("Pat Patient, printed on")
    page.emulate_media(media="screen")


def test_every_lesson_has_listen_controls_when_the_browser_can_speak(
    live_server, page, patient, curriculum
):
    base = live_server.url
    first = stages(curriculum)[0]
    lesson = first.lessons.order_by("order").first()
    sign_in(page, base, patient.email, PASSWORD)
    page.goto(f"{base}/learn/{first.slug}/{lesson.slug}/")
    assert page.evaluate("'speechSynthesis' in window")
    group = page.get_by_role("group", name="Read aloud")
    listen = group.get_by_role("button", name="Listen to this lesson")
    expect(listen).to_have_attribute("aria-pressed", "false")
    expect(group.get_by_role("button", name="Stop")).to_be_disabled()
    listen.click()
    # Headless Chromium may have no voice: either it reads (Pause, Stop on) or it
    # says it stopped; both are announced in the status line.
    expect(group.get_by_role("status")).not_to_be_empty()
    stop = group.get_by_role("button", name="Stop")
    if stop.is_enabled():
        try:
            stop.click(timeout=2_000)
        except PlaywrightTimeoutError:
            # Without a voice the reading can end between the check and the click.
            expect(group.get_by_role("status")).to_have_text(
                re.compile(r"^(Finished reading|Stopped)\.$")
            )
        else:
            expect(group.get_by_role("status")).to_have_text("Stopped.")
        expect(listen).to_have_attribute("aria-pressed", "false")


def test_no_listen_controls_without_speech_synthesis(live_server, page, patient, curriculum):
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    base = live_server.url
    first = stages(curriculum)[0]
    lesson = first.lessons.order_by("order").first()
    sign_in(page, base, patient.email, PASSWORD)
    page.goto(f"{base}/learn/{first.slug}/{lesson.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    expect(page.get_by_role("button", name="Listen to this lesson")).to_have_count(0)


def test_the_invitation_needs_the_privacy_tick_and_keeps_the_password(
    live_server, page, clinician, curriculum
):
    base = live_server.url
    invitation = invitation_create(
        inviter=clinician,
        email="new.patient@example.test",
        full_name="New Patient",
        pathway=curriculum,
    )
    page.goto(base + invitation_url(invitation))
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Tick the box to say you have read")).to_be_visible()
    expect(page.get_by_label("Choose a password")).to_have_value(NEW_PASSWORD)
    violations = _axe_violations(page)
    assert not violations, format_violations(violations)
    page.get_by_label("I have read the privacy notice and the terms of use.").check()
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(base + "/learn/")
    user = User.objects.get(email="new.patient@example.test")
    assert user.privacy_notice_version and user.privacy_accepted_at


def test_patient_pages_pass_axe_at_three_widths_with_a_compact_phone_header(
    live_server, page, patient, curriculum, page_check
):
    first = _quiz_ready(patient, curriculum)
    lesson = first.lessons.order_by("order").first()
    base = live_server.url
    sign_in(page, base, patient.email, PASSWORD)
    problems = []
    for name, path in (
        ("experience-home", "/learn/"),
        ("experience-lesson", f"/learn/{first.slug}/{lesson.slug}/"),
        ("experience-quiz", f"/learn/{first.slug}/quiz/"),
        ("experience-summary", "/learn/summary/"),
        ("experience-account", "/accounts/me/"),
        ("experience-privacy", "/privacy/"),
    ):
        page.goto(base + path)
        problems += page_check(page, name, strict=False, screenshot=False)
        page.set_viewport_size(NARROW)
        violations = _axe_violations(page)
        if violations:
            problems.append(f"{name} at 320 px:\n{format_violations(violations)}")
        page.set_viewport_size(PHONE)
        header = page.locator(".site-header").bounding_box()
        if header["height"] > 90:
            problems.append(f"{name}: header {header['height']} px tall at 375 px")
        page.set_viewport_size({"width": 1280, "height": 800})
    assert not problems, "\n\n".join(problems)

    # The menu opens and closes from its button at phone width.
    page.set_viewport_size(PHONE)
    page.goto(base + "/learn/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My questions", exact=True)).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="My questions", exact=True).click()
    page.wait_for_url(base + "/learn/questions/")
