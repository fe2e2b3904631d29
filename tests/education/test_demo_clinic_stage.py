"""seed_demo gives Demo Hair Clinic a published stage of its own, which the
other demo clinic's patients never see."""

import pytest
from django.core.management import call_command

from accounts.models import User
from audit.models import AuditEvent
from education import publishing
from education.curriculum.loader import load_curriculum
from education.demo.clinic_stage import STAGE_SLUG
from education.models import Module, PublishStatus
from education.readability import MAX_GRADE, measure
from education.selectors.progress import patient_state
from tests.education.pages import enrollment_of


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    load_curriculum()
    call_command("seed_demo", "--patients", "0")
    return Module.objects.get(slug=STAGE_SLUG)


def test_demo_hair_clinic_patients_see_their_clinics_stage_last(seeded):
    patient = User.objects.get(email="patient@demo.test")
    other = User.objects.get(email="other-patient@demo.test")
    assert seeded.clinic == patient.clinic
    assert patient_state(enrollment_of(patient)).stages[-1].module == seeded
    assert seeded not in [s.module for s in patient_state(enrollment_of(other)).stages]
    items = patient_state(enrollment_of(patient)).outline.checklist_items
    assert items[-1].clinic == patient.clinic
    assert items[-1] not in patient_state(enrollment_of(other)).outline.checklist_items


def test_the_stage_meets_the_content_rules_and_names_no_price(seeded):
    lesson = seeded.lessons.get()
    assert seeded.status == lesson.status == PublishStatus.PUBLISHED
    assert publishing.content_rule_problems(lesson) == []
    assert measure(lesson.body, lesson.key_points)[0] <= MAX_GRADE
    assert "$" not in lesson.body and "does not list prices" in " ".join(lesson.body.split())
    published = AuditEvent.objects.get(
        action="education.content.published", detail__model="education.module", detail__id=seeded.pk
    )
    assert published.actor.email == "admin@demo.test"
    assert published.clinic_id == seeded.clinic_id


def test_seeding_again_changes_nothing_patients_see(seeded, settings):
    lesson = seeded.lessons.get()
    call_command("seed_demo", "--patients", "0")
    lesson.refresh_from_db()
    assert lesson.version == 1
    assert Module.objects.filter(slug=STAGE_SLUG).count() == 1
