"""Drafts that never reach patients, two-person publishing, immutable
published versions with their difference and preview, and the audit of each
step."""

import pytest
from django.db.models import ProtectedError

from accounts.models import User
from audit.models import AuditEvent
from education import publishing, services
from education.models import LessonDraft, LessonVersion, Therapy
from education.services import EducationError
from tests.builders import make_staff
from tests.conftest import login_client
from tests.education.pages import enrollment_of, lessons, stages
from tests.education.test_governance import change_form_data

NEW_SENTENCE = "A brand new plain sentence."


@pytest.fixture
def lesson(pathway):
    return lessons(stages(pathway)[0])[0]


def lesson_url(lesson):
    return f"/learn/{lesson.module.slug}/{lesson.slug}/"


def edit_in_admin(client, lesson, *, submit=True, **changes):
    url = f"/admin/education/lesson/{lesson.pk}/change/"
    data = change_form_data(client, url)
    data["body"] = lesson.body + f"\n\n{NEW_SENTENCE}"
    data["change_note"] = "Adds a sentence."
    if submit:
        data["submit_for_review"] = "on"
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return lesson.drafts.get(state__in=LessonDraft.OPEN_STATES)


def publish_in_admin(client, draft):
    return client.post(
        "/admin/education/lessondraft/",
        {"action": "approve_and_publish", "_selected_action": [draft.pk]},
        follow=True,
    ).content.decode()


def test_a_saved_draft_is_invisible_to_every_patient(
    library_editor_client, lesson, patient, foreign_patient
):
    edit_in_admin(library_editor_client, lesson, title="A new title")
    lesson.refresh_from_db()
    assert lesson.version == 1 and lesson.title != "A new title"
    for person in (patient, foreign_patient):
        page = login_client(person).get(lesson_url(lesson)).content.decode()
        assert lesson.body.splitlines()[0] in page
        assert NEW_SENTENCE not in page and "A new title" not in page
    assert LessonVersion.objects.filter(lesson=lesson).count() == 1


def test_publishing_needs_a_second_library_editor(library_editor_client, reviewer, lesson, patient):
    draft = edit_in_admin(library_editor_client, lesson)
    page = publish_in_admin(library_editor_client, draft)
    assert "A different library editor must approve this draft" in page
    lesson.refresh_from_db()
    assert lesson.version == 1 and NEW_SENTENCE not in lesson.body
    page = publish_in_admin(login_client(reviewer), draft)
    assert "is published as a new version" in page
    lesson.refresh_from_db()
    assert lesson.version == 2 and lesson.body.endswith(NEW_SENTENCE)
    version = lesson.versions.get(version=2)
    assert version.approved_by == reviewer and version.edited_by != reviewer
    assert version.change_note == "Adds a sentence."
    assert version.content_hash == lesson.content_hash
    assert NEW_SENTENCE in login_client(patient).get(lesson_url(lesson)).content.decode()


def test_an_unsubmitted_draft_is_not_published(library_editor_client, reviewer, lesson):
    draft = edit_in_admin(library_editor_client, lesson, submit=False)
    page = publish_in_admin(login_client(reviewer), draft)
    assert "Submit the draft for review before it is published" in page
    lesson.refresh_from_db()
    assert lesson.version == 1


HARD = (
    "Pharmacokinetic considerations notwithstanding, dihydrotestosterone-mediated follicular "
    "miniaturization necessitates individualized multidisciplinary therapeutic evaluation. "
)

RULES = {
    "reading grade": ({"body": HARD * 4}, "Reading grade"),
    "evidence label": ({"evidence_label": ""}, "Choose an evidence label."),
    "source": ({"sources": ""}, "Add at least one source."),
    "what we don't know yet": ({"therapy": "therapy"}, "What we don't know yet"),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_publishing_is_refused_on_each_content_rule(library_editor, reviewer, lesson, rule):
    changes, message = RULES[rule]
    values = {name: getattr(lesson, name) for name in publishing.DRAFT_FIELDS}
    sources = changes.pop("sources", publishing.lesson_sources_text(lesson))
    if changes.get("therapy") == "therapy":
        changes["therapy"] = Therapy.objects.create(
            slug="prp", name="PRP", regulatory_status="Device", summary="Plasma."
        )
    values.update(changes)
    draft = publishing.lesson_draft_save(
        lesson=lesson, values=values, sources=sources, change_note="", actor=library_editor
    )
    publishing.lesson_draft_submit(draft=draft, actor=library_editor)
    with pytest.raises(EducationError, match=message):
        publishing.lesson_draft_publish(draft=draft, actor=reviewer)
    lesson.refresh_from_db()
    assert lesson.version == 1
    assert not AuditEvent.objects.filter(action="education.content.approved").exists()


def test_a_published_change_shows_updated_since_you_read_it(
    library_editor_client, reviewer, lesson, patient
):
    services.lesson_complete(enrollment=enrollment_of(patient), lesson=lesson)
    client = login_client(patient)
    assert "Updated since you read it" not in client.get(lesson_url(lesson)).content.decode()
    draft = edit_in_admin(library_editor_client, lesson)
    assert "Updated since you read it" not in client.get(lesson_url(lesson)).content.decode()
    publish_in_admin(login_client(reviewer), draft)
    page = client.get(lesson_url(lesson)).content.decode()
    assert "Updated since you read it" in page and NEW_SENTENCE in page


def test_each_step_is_audited(library_editor_client, library_editor, reviewer, lesson):
    draft = edit_in_admin(library_editor_client, lesson)
    publish_in_admin(login_client(reviewer), draft)
    actors = {
        action: AuditEvent.objects.get(action=f"education.content.{action}").actor
        for action in ("draft_saved", "submitted", "approved")
    }
    assert actors == {
        "draft_saved": library_editor,
        "submitted": library_editor,
        "approved": reviewer,
    }
    published = AuditEvent.objects.get(action="education.content.published", actor=reviewer)
    assert published.detail["id"] == lesson.pk and published.detail["version"] == 2


def test_a_published_version_is_never_changed_or_deleted(
    library_editor_client, superuser_client, lesson
):
    version = lesson.versions.get()
    for client in (library_editor_client, superuser_client):
        base = f"/admin/education/lessonversion/{version.pk}/"
        assert client.get(base + "change/").status_code == 200
        assert client.post(base + "change/", {"title": "Changed"}).status_code == 403
        assert client.post(base + "delete/", {"post": "yes"}).status_code == 403
    with pytest.raises(ProtectedError):
        version.delete()
    version.title = "Changed"
    with pytest.raises(ProtectedError):
        version.save()
    assert LessonVersion.objects.get(pk=version.pk).title == lesson.title


def test_the_admin_shows_what_changed(library_editor_client, reviewer, lesson):
    old_line = lesson.body.splitlines()[-1]
    draft = edit_in_admin(library_editor_client, lesson, body=f"Intro text.\n\n{NEW_SENTENCE}")
    page = library_editor_client.get(
        f"/admin/education/lessondraft/{draft.pk}/change/"
    ).content.decode()
    assert f"<ins>+{NEW_SENTENCE}</ins>" in page
    assert f"<del>-{old_line}</del>" in page
    publish_in_admin(login_client(reviewer), draft)
    url = f"/admin/education/lessonversion/compare/{lesson.pk}/"
    page = library_editor_client.get(url, {"from": 1, "to": 2}).content.decode()
    assert f"<ins>+{NEW_SENTENCE}</ins>" in page and f"<del>-{old_line}</del>" in page
    assert library_editor_client.get(url, {"from": "x", "to": 2}).status_code == 400
    assert library_editor_client.get(url, {"from": 1, "to": 9}).status_code == 400


def test_the_diff_is_escaped(library_editor, lesson, library_editor_client):
    values = {name: getattr(lesson, name) for name in publishing.DRAFT_FIELDS}
    values["body"] = lesson.body + "\n\n<script>alert(1)</script>"
    draft = publishing.lesson_draft_save(
        lesson=lesson,
        values=values,
        sources=publishing.lesson_sources_text(lesson),
        change_note="",
        actor=library_editor,
    )
    page = library_editor_client.get(
        f"/admin/education/lessondraft/{draft.pk}/change/"
    ).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_preview_of_a_draft_and_of_an_old_version(library_editor_client, reviewer, lesson):
    original = lesson.body.splitlines()[-1]
    draft = edit_in_admin(library_editor_client, lesson, body=f"Intro text.\n\n{NEW_SENTENCE}")
    page = library_editor_client.get(f"/admin/education/lessondraft/{draft.pk}/preview/")
    assert page.status_code == 200
    assert (
        NEW_SENTENCE in page.content.decode() and "Patients do not see it" in page.content.decode()
    )
    publish_in_admin(login_client(reviewer), draft)
    first = lesson.versions.get(version=1)
    page = library_editor_client.get(f"/admin/education/lessonversion/{first.pk}/preview/")
    assert page.status_code == 200
    html = page.content.decode()
    assert original in html and NEW_SENTENCE not in html
    assert 'class="prose lesson-body"' in html and "A source" in html


def test_clinic_admins_cannot_reach_drafts_or_versions(library_editor_client, clinic, lesson):
    draft = edit_in_admin(library_editor_client, lesson)
    admin = make_staff(clinic=clinic, role=User.Role.CLINIC_ADMIN, is_staff=True)
    client = login_client(admin)
    version = lesson.versions.get()
    for url in (
        "/admin/education/lessondraft/",
        f"/admin/education/lessondraft/{draft.pk}/change/",
        f"/admin/education/lessondraft/{draft.pk}/preview/",
        "/admin/education/lessonversion/",
        f"/admin/education/lessonversion/{version.pk}/change/",
        f"/admin/education/lessonversion/{version.pk}/preview/",
        f"/admin/education/lessonversion/compare/{lesson.pk}/?from=1&to=1",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        "/admin/education/lessondraft/",
        {"action": "approve_and_publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 403
    lesson.refresh_from_db()
    assert lesson.version == 1


def test_a_changed_curriculum_file_publishes_a_version_approved_by_the_file(db, tmp_path):
    import shutil

    import yaml

    from education.curriculum.loader import CURRICULUM_DIR, load_curriculum
    from education.models import Lesson

    copy = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    load_curriculum(directory=copy)
    path = sorted((copy / "modules").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    slug = data["lessons"][0]["slug"]
    assert Lesson.objects.get(slug=slug).versions.get().approver_name == (
        "system (curriculum file)"
    )
    data["lessons"][0]["body"] += f"\n\n{NEW_SENTENCE}"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    load_curriculum(directory=copy)
    load_curriculum(directory=copy)
    lesson = Lesson.objects.get(slug=slug)
    assert lesson.version == 2
    latest = lesson.versions.get(version=2)
    assert latest.body.endswith(NEW_SENTENCE) and latest.approved_by is None
    assert latest.approver_name == "system (curriculum file)"
    assert latest.content_hash == lesson.content_hash


def test_a_reviewer_who_edits_a_draft_cannot_approve_it(library_editor_client, reviewer, lesson):
    draft = edit_in_admin(library_editor_client, lesson)
    reviewer_client = login_client(reviewer)
    edit_in_admin(reviewer_client, lesson, body=lesson.body + "\n\nThe reviewer's own words.")
    draft.refresh_from_db()
    assert draft.edited_by == reviewer and draft.state == LessonDraft.State.SUBMITTED
    page = publish_in_admin(reviewer_client, draft)
    assert "A different library editor must approve this draft" in page
    page = publish_in_admin(library_editor_client, draft)
    assert "is published as a new version" in page
    lesson.refresh_from_db()
    assert lesson.body.endswith("The reviewer's own words.")
