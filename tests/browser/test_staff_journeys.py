"""Staff journeys in a real browser: a clinician signs in with password and
authenticator code, filters the dashboard, reads a brief, closes a flag,
records a review and exports CSV; a library editor edits and publishes a
lesson in the admin, and the patient who had read it is told it changed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Clinic, User
from education import services
from education.governance import library_editors_group
from education.models import (
    AttemptAnswer,
    ChecklistItem,
    ClinicianReview,
    Enrollment,
    LessonDraft,
)
from tests.builders import PASSWORD, make_patient, make_staff

from .helpers import (
    mark_same_page,
    pass_stage,
    read_lessons,
    sign_in,
    sign_in_staff,
    stages,
    still_same_page,
)


@pytest.fixture
def clinic(transactional_db):
    return Clinic.objects.create(name="Demo Hair Clinic", slug="demo", contact_phone="555-0100")


def test_clinician_filters_reads_brief_closes_flag_reviews_and_exports(
    live_server, page, clinic, curriculum, totp_device, page_check
):
    base = live_server.url
    clinician = make_staff(clinic=clinic, role=User.Role.CLINICIAN, full_name="Dr Clinician")
    device = totp_device(clinician)
    alice = make_patient(
        clinic=clinic, pathway=curriculum, primary_clinician=clinician, full_name="Alice Moreno"
    )
    make_patient(clinic=clinic, pathway=curriculum, full_name="Bob Hartley")
    make_patient(clinic=clinic, pathway=curriculum, full_name="Carla Stein")
    enrollment = Enrollment.objects.get(patient=alice)
    first = stages(curriculum)[0]
    pass_stage(enrollment, first, wrong_first=True)
    item = curriculum.checklist.items.order_by("order").first()
    services.checklist_response_save(
        enrollment=enrollment, item=item, answer=ChecklistItem.Answer.NOT_SURE, note="Unsure."
    )

    sign_in_staff(page, base, clinician, device, PASSWORD)
    page.goto(base + "/clinic/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations this week")
    table = page.locator("#patient-table")
    expect(table).to_contain_text("Bob Hartley")
    page_check(page, "clinic-dashboard")

    mark_same_page(page)
    page.get_by_label("Search by name, e-mail or record number").press_sequentially(
        "Alice", delay=30
    )
    expect(table).not_to_contain_text("Bob Hartley")
    expect(table).to_contain_text("Alice Moreno")
    expect(page).to_have_url(re.compile(r"[?&]q=Alice"))
    assert still_same_page(page), "the dashboard should filter without a page load"

    page.get_by_role("link", name="Alice Moreno").click()
    page.wait_for_url(re.compile(rf"/clinic/patients/{alice.pk}/$"))
    page_check(page, "clinic-brief")
    misconceptions = page.locator("section[aria-labelledby=misconceptions-heading]")
    missed = (
        AttemptAnswer.objects.filter(
            attempt__enrollment=enrollment, attempt__number=1, is_correct=False
        )
        .select_related("question")
        .order_by("question__order")
        .first()
        .question
    )
    expect(misconceptions).to_contain_text(missed.prompt)
    # The open flag heads the brief, with the patient's words and its form, and
    # the learning objectives missed (by objective, not by question).
    discuss = page.locator("section[aria-labelledby=discuss-heading]")
    expect(discuss).to_contain_text(missed.objective)
    expect(discuss).to_contain_text("1 open flag")
    expect(discuss).to_contain_text("Unsure.")

    discuss.get_by_role("button", name="Mark discussed").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("section[aria-labelledby=discuss-heading]")).to_contain_text("0 open flags")
    checklist = page.locator("section[aria-labelledby=checklist-heading]")
    expect(checklist.get_by_text("Open flag", exact=True)).to_have_count(0)
    response = enrollment.checklist_responses.get(item=item)
    assert response.flag_status == "discussed"

    review = page.locator("section[aria-labelledby=review-form-heading]")
    review.get_by_label("Needs follow-up").check()
    review.get_by_role("textbox", name="Note (optional)").fill("Talk through the PRP evidence.")
    review.get_by_role("button", name="Record review").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("section[aria-labelledby=reviews-heading]")).to_contain_text(
        "Talk through the PRP evidence."
    )
    assert ClinicianReview.objects.filter(enrollment=enrollment).count() == 1
    page_check(page, "clinic-brief-reviewed", screenshot=False)

    page.goto(base + "/clinic/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "Alice Moreno" in text and "Bob Hartley" in text


def test_library_editor_publishes_edited_lesson_and_reader_sees_it_was_updated(
    live_server, page, browser, clinic, curriculum, totp_device, page_check
):
    """One library editor edits a published lesson (a draft patients do not see), a
    second approves and publishes it, and the reader is told it was updated."""
    base = live_server.url
    library = Clinic.objects.create(name="ConsultReady library", slug="library")
    editor, reviewer = (
        make_staff(clinic=library, role=User.Role.CLINICIAN, full_name=name, is_staff=True)
        for name in ("Library Editor", "Library Reviewer")
    )
    for person in (editor, reviewer):
        person.groups.add(library_editors_group())
    patient = make_patient(clinic=clinic, pathway=curriculum, full_name="Pat Reader")
    first = stages(curriculum)[0]
    read_lessons(Enrollment.objects.get(patient=patient), first)
    lesson = first.lessons.order_by("order").first()

    sign_in_staff(page, base, editor, totp_device(editor), PASSWORD)
    page.goto(f"{base}/admin/education/lesson/{lesson.pk}/change/")
    body = page.locator("#id_body")
    expect(body).to_be_visible()
    body.fill(body.input_value() + "\n\nA new paragraph added by the library editor.")
    page.locator("#id_change_note").fill("A paragraph on what to expect.")
    page.locator("#id_submit_for_review").check()
    page.locator("input[name=_save]").click()
    page.wait_for_load_state("networkidle")
    lesson.refresh_from_db()
    assert "A new paragraph added by the library editor" not in lesson.body  # a draft only

    review = browser.new_context(viewport={"width": 1280, "height": 800})
    approver = review.new_page()
    try:
        sign_in_staff(approver, base, reviewer, totp_device(reviewer), PASSWORD)
        approver.goto(f"{base}/admin/education/lessondraft/")
        draft = LessonDraft.objects.get(lesson=lesson)
        approver.locator(f"input[name=_selected_action][value='{draft.pk}']").check()
        approver.locator("select[name=action]").select_option(value="approve_and_publish")
        approver.locator("button[name=index]").click()
        approver.wait_for_load_state("networkidle")
        expect(approver.locator(".messagelist")).to_contain_text("published as a new version")
    finally:
        review.close()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    reader = context.new_page()
    try:
        sign_in(reader, base, patient.email, PASSWORD)
        reader.goto(base + "/learn/")
        expect(reader.locator("#stage-1")).to_contain_text("updated since you read it")
        reader.get_by_role("link", name=lesson.title).click()
        expect(reader.locator(".lesson-updated")).to_contain_text("Updated since you read it")
        expect(reader.locator(".lesson-body")).to_contain_text(
            "A new paragraph added by the library editor"
        )
        page_check(reader, "lesson-updated")
    finally:
        context.close()
