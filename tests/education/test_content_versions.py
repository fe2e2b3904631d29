"""Kept versions of quizzes, checklists, stages and pathways: every publish
that moves a version up keeps one immutable row of what patients saw, who
edited, who approved and when; the admin shows each version's changes and
compares any two; a clinic admin sees only their own clinic's."""

import importlib
import shutil

import pytest
import yaml
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import ProtectedError

from accounts.models import User
from education import drafting, services
from education.curriculum.loader import CURRICULUM_DIR, load_curriculum
from education.library_versions import SYSTEM_CURRICULUM
from education.models import Checklist, ContentVersion, Module, Pathway, PathwayModule, Quiz
from tests.builders import make_staff
from tests.conftest import login_client
from tests.education.clinic_content import make_clinic_stage
from tests.education.test_clinic_content_drafts import save_form, saved, stage_url
from tests.education.test_content_drafts import (
    NEW_PROMPT,
    edit_question,
    first_question,
    open_draft,
    publish,
)

BASE = "/admin/education/contentversion/"


@pytest.fixture
def quiz(first):
    return first.quiz


@pytest.fixture
def other_clinic_admin(other_clinic):
    return make_staff(clinic=other_clinic, role=User.Role.CLINIC_ADMIN, is_staff=True)


def versions_of(obj):
    return list(
        ContentVersion.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("version")
    )


def compare_url(obj, old, new):
    content_type = ContentType.objects.get_for_model(obj)
    return f"{BASE}compare/{content_type.pk}/{obj.pk}/?from={old}&to={new}"


@pytest.fixture
def published_change(library_editor_client, reviewer, quiz):
    """The library editor changed the quiz's first prompt; the reviewer
    published it as version 2."""
    edit_question(library_editor_client, first_question(quiz), submit_for_review="on")
    page = publish(login_client(reviewer), open_draft(quiz))
    assert "is published as version 2" in page
    quiz.refresh_from_db()
    return quiz


# --- Publishing keeps one version ------------------------------------------


def test_publishing_a_quiz_change_keeps_one_version_of_what_patients_see(
    published_change, library_editor, reviewer
):
    quiz = published_change
    first, second = versions_of(quiz)
    assert (first.version, second.version) == (1, 2)
    assert first.payload["questions"][0]["prompt"] != NEW_PROMPT
    assert second.payload["questions"][0]["prompt"] == NEW_PROMPT
    assert second.payload == drafting.content_payload_json(quiz)
    assert second.content_hash == quiz.content_hash
    assert second.change_note == "Plainer prompt."
    assert second.edited_by == library_editor
    assert second.approved_by == reviewer and second.approver_name == str(reviewer)
    assert second.published_at == quiz.published_at


def test_a_publish_that_changes_nothing_keeps_no_version(published_change, reviewer):
    quiz = published_change
    assert services.content_publish(obj=quiz, actor=reviewer) is False
    assert [v.version for v in versions_of(quiz)] == [1, 2]


def test_a_first_publish_in_place_names_who_last_saved_it(
    library_editor, library_editor_client, reviewer
):
    """Content published for the first time (no draft) names the editor who
    last saved it in the admin and the publisher as the approver."""
    checklist = Checklist.objects.create(slug="aftercare", title="Aftercare", intro="Plain.")
    url = f"/admin/education/checklist/{checklist.pk}/change/"
    saved(save_form(library_editor_client, url, intro="Plainer."))
    checklist.refresh_from_db()
    services.content_publish(obj=checklist, actor=reviewer)
    (version,) = versions_of(checklist)
    assert version.version == 1 and version.payload["fields"]["intro"] == "Plainer."
    assert version.approved_by == reviewer
    assert version.edited_by == library_editor


def test_a_pathway_keeps_its_stages_in_order_per_version(pathway, superuser):
    first_row, second_row = PathwayModule.objects.filter(pathway=pathway).order_by("order")[:2]
    first_row.order, second_row.order = second_row.order, first_row.order
    first_row.save()
    second_row.save()
    assert services.content_publish(obj=pathway, actor=superuser)
    old, new = versions_of(pathway)
    assert [row["module_id"] for row in old.payload["stages"]][:2] == [
        first_row.module_id,
        second_row.module_id,
    ]
    ordered = sorted(new.payload["stages"], key=lambda row: row["order"])
    assert [row["module_id"] for row in ordered][:2] == [second_row.module_id, first_row.module_id]


# --- Never changed or deleted -------------------------------------------------


def test_a_kept_version_is_never_changed_or_deleted(
    published_change, library_editor_client, superuser_client
):
    version = versions_of(published_change)[-1]
    for client in (library_editor_client, superuser_client):
        url = f"{BASE}{version.pk}/"
        assert client.get(url + "change/").status_code == 200
        assert client.post(url + "change/", {"title": "Changed"}).status_code == 403
        assert client.post(url + "delete/", {"post": "yes"}).status_code == 403
    version.title = "Changed"
    for write in (version.save, version.delete, ContentVersion.objects.all().delete):
        with pytest.raises(ProtectedError):
            write()
    with pytest.raises(ProtectedError):
        ContentVersion.objects.filter(pk=version.pk).update(title="Changed")
    assert ContentVersion.objects.get(pk=version.pk).title == published_change.title


# --- What changed ---------------------------------------------------------------


def test_each_version_shows_its_changes_from_the_one_before(
    published_change, library_editor_client
):
    quiz = published_change
    first, second = versions_of(quiz)
    page = library_editor_client.get(f"{BASE}{second.pk}/change/").content.decode()
    assert f"<ins>+## 1. {NEW_PROMPT}" in page
    old_prompt = first.payload["questions"][0]["prompt"]
    assert f"<del>-## 1. {old_prompt}" in page
    assert second.approver_name in page and second.change_note in page
    page = library_editor_client.get(f"{BASE}{first.pk}/change/").content.decode()
    assert "The first version kept." in page


def test_any_two_versions_compare(published_change, library_editor_client, reviewer):
    quiz = published_change
    quiz.title = "A clearer quiz title"
    services.content_publish(obj=quiz, actor=reviewer)
    response = library_editor_client.get(compare_url(quiz, 1, 3))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<ins>+# A clearer quiz title" in page and f"<ins>+## 1. {NEW_PROMPT}" in page
    page = library_editor_client.get(compare_url(quiz, 2, 3)).content.decode()
    assert "A clearer quiz title" in page and f"+## 1. {NEW_PROMPT}" not in page


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("1", "9", "has no kept version 9"),
        ("x", "2", "Give two version numbers"),
        ("", "", "Give two version numbers"),
    ],
)
def test_a_bad_version_number_is_a_clear_400(
    published_change, library_editor_client, old, new, message
):
    response = library_editor_client.get(compare_url(published_change, old, new))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_content_page_links_to_its_versions(published_change, library_editor_client):
    quiz = published_change
    page = library_editor_client.get(f"/admin/education/quiz/{quiz.pk}/change/").content.decode()
    content_type = ContentType.objects.get_for_model(Quiz)
    link = f"{BASE}?content_type={content_type.pk}&amp;object_id={quiz.pk}"
    assert link in page
    listing = library_editor_client.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 2


# --- A clinic's own stage -----------------------------------------------------------


@pytest.fixture
def stage(clinic):
    return make_clinic_stage(clinic)


@pytest.fixture
def published_stage(stage, clinic_admin, clinic_admin_client):
    """The clinic admin changed their stage's title and published it alone."""
    saved(
        save_form(
            clinic_admin_client,
            stage_url(stage),
            title="Your day at the clinic",
            change_note="Shorter title.",
            submit_for_review="on",
        )
    )
    stage.refresh_from_db()
    assert stage.version == 2
    return stage


def test_a_clinic_admin_sees_their_own_stage_versions_only(
    published_stage, clinic_admin, clinic_admin_client, quiz
):
    old, new = versions_of(published_stage)
    assert new.approved_by == clinic_admin and new.edited_by == clinic_admin
    assert new.clinic_id == clinic_admin.clinic_id and new.change_note == "Shorter title."
    listing = clinic_admin_client.get(BASE)
    assert listing.status_code == 200
    assert {v.pk for v in listing.context["cl"].result_list} == {old.pk, new.pk}
    page = clinic_admin_client.get(f"{BASE}{new.pk}/change/").content.decode()
    assert "<ins>+# Your day at the clinic" in page
    assert clinic_admin_client.get(compare_url(published_stage, 2, 1)).status_code == 200
    library = versions_of(quiz)[0]
    assert clinic_admin_client.get(f"{BASE}{library.pk}/change/").status_code == 404
    assert clinic_admin_client.get(compare_url(quiz, 1, 1)).status_code == 404


def test_another_clinics_admin_and_library_editors_get_404(
    published_stage,
    other_clinic_admin,
    library_editor_client,
):
    version = versions_of(published_stage)[-1]
    for client in (login_client(other_clinic_admin), library_editor_client):
        assert client.get(f"{BASE}{version.pk}/change/").status_code == 404
        assert client.get(compare_url(published_stage, 1, 2)).status_code == 404
        listing = client.get(BASE)
        assert version.pk not in {v.pk for v in listing.context["cl"].result_list}


def test_a_clinician_cannot_open_versions(published_stage, clinician):
    client = login_client(clinician)
    version = versions_of(published_stage)[-1]
    for url in (BASE, f"{BASE}{version.pk}/change/", compare_url(published_stage, 1, 2)):
        assert client.get(url).status_code in (302, 403), url


# --- The curriculum file and existing databases ------------------------------------------


def test_load_curriculum_keeps_versions_approved_by_the_file(db, tmp_path):
    copy = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    load_curriculum(directory=copy)
    published = [
        obj
        for model in (Quiz, Checklist, Module, Pathway)
        for obj in model.objects.filter(version__gt=0)
    ]
    assert published
    for obj in published:
        (version,) = versions_of(obj)
        assert version.approver_name == SYSTEM_CURRICULUM and version.approved_by is None
    path = sorted((copy / "modules").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    data["quiz"]["questions"][0]["prompt"] = NEW_PROMPT
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    load_curriculum(directory=copy)
    load_curriculum(directory=copy)
    quiz = Quiz.objects.get(module__slug=data["slug"])
    old, new = versions_of(quiz)
    assert new.version == quiz.version == 2
    assert new.payload["questions"][0]["prompt"] == NEW_PROMPT
    assert new.approver_name == SYSTEM_CURRICULUM and new.approved_by is None


def test_the_migration_keeps_what_is_published_now(pathway, stage):
    """A database published before versions were kept starts with one row
    for the current version of each quiz, checklist, stage and pathway."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM education_contentversion")
    migration = importlib.import_module("education.migrations.0022_content_versions")
    migration.current_versions(apps, None)
    published = [
        obj
        for model in (Quiz, Checklist, Module, Pathway)
        for obj in model.objects.filter(version__gt=0)
    ]
    assert stage in published
    assert ContentVersion.objects.count() == len(published)
    for obj in published:
        (version,) = versions_of(obj)
        assert version.version == obj.version and version.content_hash == obj.content_hash
        assert version.payload == drafting.content_payload_json(obj)
    assert versions_of(stage)[0].clinic_id == stage.clinic_id
