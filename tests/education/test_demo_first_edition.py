"""The demo patient read stage 1 in its first published version: after the
shipped curriculum changes and is loaded again (the normal publishing path),
each changed lesson shows them "Updated since you read it"; the others do not.
``make seed`` does this with the real first edition."""

import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from education.curriculum.loader import CURRICULUM_DIR, FIRST_EDITION_DIR, load_curriculum
from education.models import Lesson, LessonCompletion, LessonVersion
from tests.conftest import login_client

UPDATED = "Updated since you read it."


@pytest.fixture
def first_edition(db, tmp_path, settings):
    """A copy of the curriculum, loaded, with the demo seeded on it."""
    copy = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    load_curriculum(directory=copy)
    settings.DEBUG = True
    call_command("seed_demo")
    return copy


def stage_one(copy):
    path = sorted((copy / "modules").glob("*.yaml"))[0]
    return path, yaml.safe_load(path.read_text())


def lesson_page(patient, slug):
    lesson = Lesson.objects.select_related("module").get(slug=slug)
    url = reverse("education:lesson-detail", args=[lesson.module.slug, lesson.slug])
    return login_client(patient).get(url).content.decode()


def test_the_demo_patient_has_read_stage_one_as_first_published(first_edition):
    patient = User.objects.get(email="patient@demo.test")
    _path, data = stage_one(first_edition)
    slugs = [lesson["slug"] for lesson in data["lessons"]]
    read = dict(
        LessonCompletion.objects.filter(patient=patient).values_list(
            "lesson__slug", "lesson_version"
        )
    )
    assert read == dict.fromkeys(slugs, 1)
    page = lesson_page(patient, slugs[0])
    assert UPDATED not in page and "Read on" in page


def test_after_a_new_edition_is_loaded_each_changed_lesson_says_updated(first_edition):
    patient = User.objects.get(email="patient@demo.test")
    path, data = stage_one(first_edition)
    changed, unchanged = data["lessons"][0]["slug"], data["lessons"][1]["slug"]
    data["lessons"][0]["body"] += "\n\nOne more plain sentence for the new edition.\n"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    report = load_curriculum(directory=first_edition)

    assert report.versions_bumped.count(f"lesson:{changed}") == 1
    assert LessonVersion.objects.filter(lesson__slug=changed).count() == 2
    assert UPDATED in lesson_page(patient, changed)
    assert UPDATED not in lesson_page(patient, unchanged)
    # Seeding the demo again keeps what the patient read.
    call_command("seed_demo")
    assert LessonCompletion.objects.get(patient=patient, lesson__slug=changed).lesson_version == 1
    assert UPDATED in lesson_page(patient, changed)


def make_seed():
    """What ``make seed`` runs after migrating."""
    call_command("load_curriculum", directory=FIRST_EDITION_DIR, only_if_empty=True)
    call_command("load_curriculum")
    call_command("seed_demo")


def test_make_seed_shows_the_first_edition_reader_the_badge_on_each_changed_lesson(db, settings):
    settings.DEBUG = True
    make_seed()
    patient = User.objects.get(email="patient@demo.test")
    read = {
        done.lesson.slug: done
        for done in LessonCompletion.objects.filter(patient=patient).select_related("lesson")
    }
    _path, data = stage_one(FIRST_EDITION_DIR)
    assert sorted(read) == sorted(lesson["slug"] for lesson in data["lessons"])
    changed = []
    for slug, done in read.items():
        seen = LessonVersion.objects.get(lesson=done.lesson, version=done.lesson_version)
        is_changed = seen.content_hash != done.lesson.content_hash
        assert (UPDATED in lesson_page(patient, slug)) is is_changed, slug
        if is_changed:
            changed.append(slug)
    assert "scarring-alopecia" in changed
    # What the patient read is the first edition's text; the current text corrects it.
    first = LessonVersion.objects.get(lesson__slug="scarring-alopecia", version=1)
    assert "It is also not inherited from your parents." in first.body
    assert "CCCA" in Lesson.objects.get(slug="scarring-alopecia").body


def test_make_seed_again_leaves_the_first_edition_out_and_keeps_what_was_read(db, settings):
    settings.DEBUG = True
    make_seed()
    patient = User.objects.get(email="patient@demo.test")
    versions = LessonVersion.objects.count()
    read = set(LessonCompletion.objects.filter(patient=patient).values_list("pk", "lesson_version"))

    make_seed()

    assert LessonVersion.objects.count() == versions
    assert (
        set(LessonCompletion.objects.filter(patient=patient).values_list("pk", "lesson_version"))
        == read
    )
    assert UPDATED in lesson_page(patient, "scarring-alopecia")


def test_loading_a_folder_without_a_pathway_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="has no pathway.yaml"):
        call_command("load_curriculum", directory=tmp_path)
