"""Patient journeys in a real browser: invitation to the next stage, the
checklist with autosave, the same forms without JavaScript, and a quiz by
keyboard alone. Every page visited is checked with axe-core and at 320 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Clinic, User
from accounts.services import invitation_create, invitation_url
from education.models import Enrollment
from education.selectors import outline as selectors
from tests.builders import PASSWORD, make_patient, make_staff

from .helpers import (
    focus_info,
    mark_same_page,
    pick,
    read_lessons,
    sign_in,
    stages,
    still_same_page,
    tick_answers,
)

NEW_PASSWORD = "a calm walk along the river at dawn"


@pytest.fixture
def clinic(transactional_db):
    return Clinic.objects.create(name="Demo Hair Clinic", slug="demo", contact_phone="555-0100")


@pytest.fixture
def clinician(clinic):
    return make_staff(clinic=clinic, role=User.Role.CLINICIAN, full_name="Dr Clinician")


@pytest.fixture
def patient(clinic, clinician, curriculum):
    return make_patient(
        clinic=clinic, pathway=curriculum, primary_clinician=clinician, full_name="Pat Patient"
    )


def _enrollment(user) -> Enrollment:
    return Enrollment.objects.get(patient=user)


def test_invited_patient_reads_fails_then_passes_quiz_and_unlocks_next_stage(
    live_server, page, clinician, curriculum, page_check
):
    base = live_server.url
    invitation = invitation_create(
        inviter=clinician,
        email="new.patient@example.test",
        full_name="New Patient",
        pathway=curriculum,
    )
    page.goto(base + invitation_url(invitation))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your account")
    page_check(page, "invitation")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_label("I have read the privacy notice and the terms of use.").check()
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(base + "/learn/")
    expect(page.locator("#messages")).to_contain_text("Your account is ready")
    page_check(page, "patient-home")

    first, second = stages(curriculum)[:2]
    page.locator("a.next-step").click()
    page_check(page, "lesson")
    # Mark each lesson of the first stage as read; the last one leads to the quiz.
    for lesson in first.lessons.order_by("order"):
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        page.get_by_role("button", name="Mark as read and continue").click()
        page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/learn/{first.slug}/quiz/$"))
    page_check(page, "quiz")

    quiz = first.quiz
    mark_same_page(page)
    tick_answers(page, quiz, correct=False)
    page.get_by_role("button", name="Check my answers").click()
    result = page.locator("#quiz-result")
    expect(result).to_be_visible()
    assert still_same_page(page), "the feedback should come in place, without a page load"
    expect(result).to_have_attribute("aria-live", "polite")
    expect(result.get_by_role("heading", level=2)).to_have_text("Not passed yet")
    expect(result.locator(".feedback-wrong").first).to_contain_text("Not quite right")
    page_check(page, "quiz-feedback")

    # "Read about this again" goes to the paragraph that teaches the question.
    link = result.locator(".feedback").first.get_by_role("link", name=re.compile("Read about this"))
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(href)
    if "#" in href:
        target = page.locator(f"[id='{href.split('#', 1)[1]}']")
        expect(target).to_have_count(1)
        expect(target).to_be_in_viewport()
    page.go_back()
    page.wait_for_load_state()

    page.goto(f"{base}/learn/{first.slug}/quiz/")
    tick_answers(page, quiz, correct=True)
    page.get_by_role("button", name="Check my answers").click()
    expect(page.locator("#quiz-result h2")).to_have_text("You passed this quiz")
    page.get_by_role("link", name=re.compile(rf"Next stage: {re.escape(second.title)}")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        second.lessons.order_by("order").first().title
    )
    page.goto(base + "/learn/")
    expect(page.locator(f"#stage-2 a[href*='/learn/{second.slug}/']").first).to_be_visible()


def test_checklist_saves_each_answer_in_place_and_flags_not_sure(
    live_server, page, patient, curriculum, page_check, screenshot
):
    base = live_server.url
    sign_in(page, base, patient.email, PASSWORD)
    page.goto(base + "/learn/checklist/")
    page_check(page, "checklist")
    items = list(curriculum.checklist.items.order_by("order"))
    first, second = items[0], items[1]

    mark_same_page(page)
    card = page.locator(".checklist-item").filter(has_text=first.text).first
    card.get_by_label("Yes", exact=True).check()
    expect(card.locator(".saved")).to_contain_text("Saved")
    expect(page.locator("#checklist-status")).to_contain_text("Saved")

    card2 = page.locator(".checklist-item").filter(has_text=second.text).first
    card2.get_by_label("Not sure", exact=True).check()
    expect(card2.locator(".flag-note")).to_contain_text("Your clinician will go over this")
    assert still_same_page(page), "autosave should not load a new page"
    page_check(page, "checklist-saved", screenshot=False)

    response = _enrollment(patient).checklist_responses.get(item=second)
    assert (response.answer, response.flag_status) == ("not_sure", "open")

    page.goto(base + "/learn/questions/")
    page_check(page, "questions")
    page.get_by_role("textbox", name="Your question").fill("How many sessions would I need?")
    page.get_by_role("button", name="Add my question").click()
    expect(page.locator(".question-list")).to_contain_text("How many sessions would I need?")

    page.goto(base + "/learn/summary/")
    expect(page.locator("main")).to_contain_text("How many sessions would I need?")
    page_check(page, "summary")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    screenshot(page, "summary-print")
    page.emulate_media(media="screen")


def test_quiz_and_checklist_work_without_javascript(
    live_server, browser, patient, curriculum, page_check
):
    base = live_server.url
    first = stages(curriculum)[0]
    read_lessons(_enrollment(patient), first)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, base, patient.email, PASSWORD)
        page.goto(f"{base}/learn/{first.slug}/quiz/")
        tick_answers(page, first.quiz, correct=False)
        page.get_by_role("button", name="Check my answers").click()
        page.wait_for_url(re.compile(rf"/learn/{first.slug}/quiz/result/1/$"))
        expect(page.locator("#quiz-result h2")).to_have_text("Not passed yet")
        page.get_by_role("link", name="Try again").click()
        tick_answers(page, first.quiz, correct=True)
        page.get_by_role("button", name="Check my answers").click()
        page.wait_for_url(re.compile(rf"/learn/{first.slug}/quiz/result/2/$"))
        expect(page.locator("#quiz-result h2")).to_have_text("You passed this quiz")

        page.goto(base + "/learn/checklist/")
        items = list(curriculum.checklist.items.order_by("order"))
        for item in items:
            card = page.locator(".checklist-item").filter(has_text=item.text).first
            answer = "Not sure" if item == items[0] else "Yes"
            card.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Save my answers").click()
        page.wait_for_url(base + "/learn/checklist/")
        expect(page.locator("#messages")).to_contain_text("saved")
        card = page.locator(".checklist-item").filter(has_text=items[0].text).first
        expect(card.get_by_label("Not sure", exact=True)).to_be_checked()
        expect(card.locator(".flag-note")).to_be_visible()
        page_check(page, "checklist-no-js", screenshot=False, axe=False)
    finally:
        context.close()
    responses = _enrollment(patient).checklist_responses.count()
    assert responses == len(items)


def test_quiz_can_be_answered_and_sent_with_the_keyboard_alone(
    live_server, page, patient, curriculum, page_check
):
    base = live_server.url
    first = stages(curriculum)[0]
    read_lessons(_enrollment(patient), first)
    sign_in(page, base, patient.email, PASSWORD)
    page.goto(f"{base}/learn/{first.slug}/quiz/")
    # The questions this attempt drew: one variant per learning objective.
    questions = [
        q for q in selectors.quiz_questions(first.quiz) if page.locator(f"#question-{q.pk}").count()
    ]

    # From the top of the page, Tab to the first answer.
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#quiz-form fieldset')"):
            break
    else:
        pytest.fail("Tab never reached the first quiz question")
    info = focus_info(page)
    assert info["focusVisible"], info
    assert "none" not in info["outline"] or info["boxShadow"] != "none", info

    for index, question in enumerate(questions):
        # Choices appear in the order drawn for this attempt, not the stored order.
        fieldset = page.locator(f"#question-{question.pk}")
        shown = fieldset.locator("input").evaluate_all("els => els.map(e => Number(e.value))")
        by_pk = {c.pk: c for c in question.choices.all()}
        choices = [by_pk[pk] for pk in shown]
        wanted = {c.pk for c in pick(question, correct=True)}
        if question.allows_many:
            for n, choice in enumerate(choices):
                if choice.pk in wanted:
                    page.keyboard.press("Space")
                if n < len(choices) - 1:
                    page.keyboard.press("Tab")
        else:
            target = next(n for n, c in enumerate(choices) if c.pk in wanted)
            if target == 0:
                page.keyboard.press("Space")
            for _ in range(target):
                page.keyboard.press("ArrowDown")
        for choice in choices:
            box = fieldset.get_by_label(choice.text, exact=True)
            if choice.pk in wanted:
                expect(box).to_be_checked()
            else:
                expect(box).not_to_be_checked()
        page.keyboard.press("Tab")
        if index < len(questions) - 1:
            expect(page.locator(f"#question-{questions[index + 1].pk} input").first).to_be_focused(
                timeout=1000
            ) if not questions[index + 1].allows_many else None

    button = page.get_by_role("button", name="Check my answers")
    expect(button).to_be_focused()
    info = focus_info(page)
    assert info["focusVisible"], info
    page.keyboard.press("Enter")
    result = page.locator("#quiz-result")
    expect(result.locator("h2")).to_have_text("You passed this quiz")
    expect(result).to_have_attribute("aria-live", "polite")
    # htmx moves focus to the autofocus heading when the swap settles, a moment later.
    expect(result.locator("#quiz-result-heading")).to_be_focused()
    page_check(page, "quiz-keyboard-result", screenshot=False)
