"""The admin of a clinic's own content: its admin sees, adds, changes and
publishes only their own clinic's stages, lessons and checklist items, alone;
everyone else is refused, and every change is in that clinic's audit log."""

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from education import services
from education.models import ChecklistItem, ChecklistResponse, Lesson, Module, PublishStatus
from tests.builders import make_staff
from tests.conftest import login_client
from tests.education.clinic_content import make_clinic_item, make_clinic_stage
from tests.education.pages import enrollment_of, lessons, stages
from tests.education.test_governance import change_form_data

BASE = "/admin/education/"


@pytest.fixture
def other_clinic_admin(other_clinic):
    return make_staff(clinic=other_clinic, role=User.Role.CLINIC_ADMIN, is_staff=True)


@pytest.fixture
def content(clinic, other_clinic, pathway):
    """Each clinic's own stage and checklist item, beside the library's."""
    own, theirs = make_clinic_stage(clinic), make_clinic_stage(other_clinic)
    return {
        "clinicmodule": (own, theirs, stages(pathway)[0]),
        "cliniclesson": (lessons(own)[0], lessons(theirs)[0], lessons(stages(pathway)[0])[0]),
        "clinicchecklistitem": (
            make_clinic_item(clinic, pathway.checklist),
            make_clinic_item(other_clinic, pathway.checklist),
            pathway.checklist.items.first(),
        ),
    }


def _client(request, persona) -> Client:
    if persona == "anonymous":
        return Client()
    return login_client(request.getfixturevalue(persona))


NAMES = ["clinicmodule", "cliniclesson", "clinicchecklistitem"]
# persona -> (list and add pages, the object's own pages): GET status.
EXPECTED = {
    "anonymous": (302, 302),
    "patient": (302, 302),
    "clinician": (302, 302),
    "library_editor": (403, 403),
    "other_clinic_admin": (200, 404),
    "clinic_admin": (200, 200),
    "superuser": (200, 200),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_clinic_content_view_answers_each_role(request, content, name, persona):
    client = _client(request, persona)
    own = content[name][0]
    pages, object_pages = EXPECTED[persona]
    for url in (f"{BASE}{name}/", f"{BASE}{name}/add/"):
        assert client.get(url).status_code == pages, url
    for suffix in ("change/", "history/"):
        url = f"{BASE}{name}/{own.pk}/{suffix}"
        assert client.get(url).status_code == object_pages, url


@pytest.mark.parametrize("name", NAMES)
def test_another_clinics_and_the_librarys_content_are_404_for_a_clinic_admin(
    clinic_admin_client, content, name
):
    _own, theirs, library = content[name]
    for obj in (theirs, library):
        for suffix in ("change/", "delete/", "history/"):
            url = f"{BASE}{name}/{obj.pk}/{suffix}"
            assert clinic_admin_client.get(url).status_code == 404, url
            assert clinic_admin_client.post(url, {"post": "yes"}).status_code == 404, url
    assert Module.objects.filter(pk=content["clinicmodule"][1].pk).exists()


@pytest.mark.parametrize("name", NAMES)
def test_the_list_shows_only_the_clinics_own_content(clinic_admin_client, content, name):
    own, theirs, library = content[name]
    html = clinic_admin_client.get(f"{BASE}{name}/").content.decode()
    assert f"/{name}/{own.pk}/change/" in html
    assert f"/{name}/{theirs.pk}/change/" not in html
    assert f"/{name}/{library.pk}/change/" not in html


@pytest.mark.parametrize("action", ["retire", "unpublish", "publish", "delete_selected"])
def test_actions_on_another_clinics_stage_change_nothing(clinic_admin_client, content, action):
    theirs = content["clinicmodule"][1]
    clinic_admin_client.post(
        f"{BASE}clinicmodule/", {"action": action, "_selected_action": [theirs.pk]}
    )
    theirs.refresh_from_db()
    assert theirs.status == PublishStatus.PUBLISHED


def test_a_published_clinic_stage_has_no_delete(clinic_admin_client, content):
    own = content["clinicmodule"][0]
    assert clinic_admin_client.post(f"{BASE}clinicmodule/{own.pk}/delete/").status_code == 403
    assert Module.objects.filter(pk=own.pk).exists()


def test_the_autocomplete_of_library_modules_is_refused(clinic_admin_client, content):
    response = clinic_admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "education", "model_name": "cliniclesson", "field_name": "module"},
    )
    assert response.status_code == 403


def test_library_editors_do_not_see_clinic_content_among_the_library(
    library_editor_client, content
):
    own_stage, own_lesson = content["clinicmodule"][0], content["cliniclesson"][0]
    assert own_stage.title not in library_editor_client.get(f"{BASE}module/").content.decode()
    assert library_editor_client.get(f"{BASE}lesson/{own_lesson.pk}/change/").status_code == 302
    item = content["clinicchecklistitem"][0]
    page = library_editor_client.get(f"{BASE}checklist/{item.checklist_id}/change/")
    assert page.status_code == 200 and item.text not in page.content.decode()
    # A library lesson or quiz cannot be put in a clinic's stage.
    for name in ("lesson", "quiz"):
        page = library_editor_client.get(f"{BASE}{name}/add/").content.decode()
        modules = page.split('name="module"')[1].split("</select>")[0]
        assert content["clinicmodule"][2].title in modules
        assert own_stage.title not in modules, name


# --- Adding and publishing, alone --------------------------------------------


def test_a_clinic_admin_adds_a_stage_for_their_own_clinic(
    clinic_admin_client, clinic, other_clinic
):
    response = clinic_admin_client.post(
        f"{BASE}clinicmodule/add/",
        {
            "title": "Your visit",
            "slug": "your-visit",
            "summary": "The day itself.",
            "estimated_minutes": "5",
            "clinic": other_clinic.pk,
            "lessons-TOTAL_FORMS": "0",
            "lessons-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    module = Module.objects.get(slug="your-visit")
    assert module.clinic == clinic
    assert module.status == PublishStatus.DRAFT
    event = AuditEvent.objects.get(action="education.content.saved", detail__id=module.pk)
    assert event.clinic_id == clinic.pk


def _lesson_post(module, **overrides):
    data = {
        "module": module.pk,
        "order": "0",
        "title": "Who does the procedure",
        "slug": "who-does-it",
        "evidence_label": "established",
        "key_points": "A doctor does it.",
        "body": "A doctor does the procedure.\n\n## On the day\n\nA nurse helps.",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-order": "0",
        "sources-0-title": "The clinic",
        "sources-0-url": "https://example.org/",
    }
    return {**data, **overrides}


def test_a_lesson_goes_only_in_the_clinics_own_stages(clinic_admin_client, content):
    theirs = content["clinicmodule"][1]
    response = clinic_admin_client.post(f"{BASE}cliniclesson/add/", _lesson_post(theirs))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Lesson.objects.filter(slug="who-does-it").exists()


def test_a_clinic_admin_publishes_a_new_lesson_alone(clinic_admin, clinic_admin_client, content):
    own = content["clinicmodule"][0]
    assert (
        clinic_admin_client.post(f"{BASE}cliniclesson/add/", _lesson_post(own)).status_code == 302
    )
    lesson = Lesson.objects.get(slug="who-does-it")
    clinic_admin_client.post(
        f"{BASE}cliniclesson/", {"action": "publish", "_selected_action": [lesson.pk]}
    )
    lesson.refresh_from_db()
    assert lesson.status == PublishStatus.PUBLISHED
    version = lesson.versions.get()
    assert version.approved_by == clinic_admin
    assert AuditEvent.objects.filter(
        action="education.content.published", detail__id=lesson.pk, clinic=own.clinic
    ).exists()


def test_publishing_is_refused_while_a_content_rule_is_broken(clinic_admin_client, content):
    own = content["clinicmodule"][0]
    data = _lesson_post(own, **{"sources-TOTAL_FORMS": "0"})
    assert clinic_admin_client.post(f"{BASE}cliniclesson/add/", data).status_code == 302
    lesson = Lesson.objects.get(slug="who-does-it")
    response = clinic_admin_client.post(
        f"{BASE}cliniclesson/",
        {"action": "publish", "_selected_action": [lesson.pk]},
        follow=True,
    )
    assert "Add at least one source." in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.status == PublishStatus.DRAFT


def test_an_edit_is_a_draft_until_the_clinic_admin_publishes_it(
    clinic_admin_client, content, patient_client
):
    lesson = content["cliniclesson"][0]
    url = f"{BASE}cliniclesson/{lesson.pk}/change/"
    data = change_form_data(clinic_admin_client, url)
    data["body"] = lesson.body + "\n\nBring your glasses."
    assert clinic_admin_client.post(url, data).status_code == 302
    lesson.refresh_from_db()
    assert "glasses" not in lesson.body and lesson.version == 1
    data = change_form_data(clinic_admin_client, url)
    data["submit_for_review"] = "on"
    data["change_note"] = "Glasses"
    assert clinic_admin_client.post(url, data).status_code == 302
    lesson.refresh_from_db()
    assert "glasses" in lesson.body and lesson.version == 2


# --- Checklist items ------------------------------------------------------------


def test_a_clinic_admin_adds_a_checklist_item_only_their_patients_see(
    clinic_admin_client, clinic, pathway, patient_client, login, foreign_patient
):
    response = clinic_admin_client.post(
        f"{BASE}clinicchecklistitem/add/",
        {
            "checklist": pathway.checklist_id,
            "order": "0",
            "kind": ChecklistItem.Kind.QUESTION,
            "slug": "fees",
            "text": "I know the fees are paid to the clinic.",
            "ok_answer": "yes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = ChecklistItem.objects.get(slug="fees")
    assert item.clinic == clinic
    assert item.text in patient_client.get("/learn/checklist/").content.decode()
    assert item.text not in login(foreign_patient).get("/learn/checklist/").content.decode()


def test_an_answered_clinic_item_cannot_be_deleted_only_retired(
    clinic_admin_client, content, patient
):
    item = content["clinicchecklistitem"][0]
    url = f"{BASE}clinicchecklistitem/{item.pk}/delete/"
    assert clinic_admin_client.get(url).status_code == 200  # nobody answered it yet
    services.checklist_response_save(enrollment=enrollment_of(patient), item=item, answer="yes")
    assert clinic_admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ChecklistResponse.objects.filter(item=item).exists()


# --- The clinic's audit log ---------------------------------------------------


def test_clinic_admins_see_their_own_clinics_content_events_only(
    clinic_admin_client, other_clinic_admin, content, library_editor_client, pathway
):
    own = content["clinicmodule"][0]
    clinic_admin_client.post(
        f"{BASE}clinicmodule/", {"action": "retire", "_selected_action": [own.pk]}
    )
    library = stages(pathway)[1]
    library_editor_client.post(
        f"{BASE}module/", {"action": "retire", "_selected_action": [library.pk]}
    )
    retired = AuditEvent.objects.filter(action="education.content.retired")
    ours = retired.get(detail__id=own.pk)
    theirs = retired.get(detail__id=library.pk)
    log = "/admin/audit/auditevent/"
    assert clinic_admin_client.get(f"{log}{ours.pk}/change/").status_code == 200
    assert clinic_admin_client.get(f"{log}{theirs.pk}/change/").status_code != 200
    other = login_client(other_clinic_admin)
    assert other.get(f"{log}{ours.pk}/change/").status_code != 200
    listed = clinic_admin_client.get(log, {"action": "education.content.retired"})
    assert listed.content.decode().count(f"{log}{ours.pk}/change/") == 1
    assert f"{log}{theirs.pk}/change/" not in listed.content.decode()
