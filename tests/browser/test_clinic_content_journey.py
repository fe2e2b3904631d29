"""A clinic admin adds their clinic's own stage and lesson in the admin and
publishes both alone; their patients see the stage, another clinic's do not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Clinic, User
from education.models import Lesson, Module, PublishStatus
from tests.builders import PASSWORD, make_pathway, make_patient, make_staff

from .helpers import sign_in, sign_in_staff


@pytest.fixture
def clinics(transactional_db):
    return (
        Clinic.objects.create(name="Demo Hair Clinic", slug="demo"),
        Clinic.objects.create(name="Northside Hair Clinic", slug="northside"),
    )


def _publish_selected(page, base, name, pk):
    page.goto(f"{base}/admin/education/{name}/")
    page.locator(f"input[name=_selected_action][value='{pk}']").check()
    page.locator("select[name=action]").select_option(value="publish")
    page.locator("button[name=index]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messagelist")).to_contain_text("Published.")


def test_clinic_admin_adds_and_publishes_a_stage_only_their_patients_see(
    live_server, page, browser, clinics, totp_device
):
    base = live_server.url
    clinic, other_clinic = clinics
    pathway = make_pathway(modules=1)
    admin = make_staff(
        clinic=clinic, role=User.Role.CLINIC_ADMIN, full_name="Alice Admin", is_staff=True
    )
    mine = make_patient(clinic=clinic, pathway=pathway, full_name="Pat Mine")
    theirs = make_patient(clinic=other_clinic, pathway=pathway, full_name="Oscar Theirs")

    sign_in_staff(page, base, admin, totp_device(admin), PASSWORD)
    page.goto(f"{base}/admin/education/clinicmodule/add/")
    page.locator("#id_title").fill("Your visit at Demo Hair Clinic")
    page.locator("#id_summary").fill("What to bring on the day.")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state("networkidle")
    stage = Module.objects.get(title="Your visit at Demo Hair Clinic")
    assert stage.clinic == clinic

    page.goto(f"{base}/admin/education/cliniclesson/add/")
    page.locator("#id_module").select_option(label=stage.title)
    page.locator("#id_title").fill("What to bring")
    page.locator("#id_evidence_label").select_option(value="established")
    page.locator("#id_key_points").fill("Bring a list of your medicines.")
    page.locator("#id_body").fill("Bring a list of every medicine you take.")
    page.locator("#id_sources-0-title").fill("The clinic")
    page.locator("#id_sources-0-url").fill("https://example.org/")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state("networkidle")
    lesson = Lesson.objects.get(title="What to bring")
    _publish_selected(page, base, "cliniclesson", lesson.pk)
    _publish_selected(page, base, "clinicmodule", stage.pk)
    lesson.refresh_from_db()
    assert lesson.status == PublishStatus.PUBLISHED and lesson.versions.count() == 1

    for patient, sees in ((mine, True), (theirs, False)):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        reader = context.new_page()
        try:
            sign_in(reader, base, patient.email, PASSWORD)
            reader.goto(base + "/learn/")
            stages = reader.locator("li.stage")
            if sees:
                expect(stages.last).to_contain_text("Stage 2: Your visit at Demo Hair Clinic")
            else:
                expect(stages).to_have_count(1)
                expect(reader.locator("main")).not_to_contain_text("Your visit")
        finally:
            context.close()
