"""Drafts of a clinic's own stage and checklist items: an edit in the admin
never reaches the clinic's patients until that clinic's admin publishes it,
alone; nobody else sees, publishes or withdraws it, and every step is in the
clinic's audit log."""

import pytest
from django.db import transaction

from accounts.models import User
from audit.models import AuditEvent
from education import drafting, governance, services
from education.models import ChecklistResponse, ContentDraft, Module, PublishStatus
from education.services.errors import EducationError
from tests.builders import make_staff
from tests.conftest import login_client
from tests.education.clinic_content import make_clinic_item, make_clinic_stage
from tests.education.pages import enrollment_of
from tests.education.test_governance import change_form_data

BASE = "/admin/education/"
NEW_TITLE = "Your day at the clinic"
NEW_TEXT = "I know who does my procedure."


@pytest.fixture
def other_clinic_admin(other_clinic):
    return make_staff(clinic=other_clinic, role=User.Role.CLINIC_ADMIN, is_staff=True)


@pytest.fixture
def stage(clinic):
    return make_clinic_stage(clinic)


@pytest.fixture
def item(clinic, pathway):
    return make_clinic_item(clinic, pathway.checklist)


def stage_url(stage, view="change"):
    return f"{BASE}clinicmodule/{stage.pk}/{view}/"


def item_url(item, view="change"):
    return f"{BASE}clinicchecklistitem/{item.pk}/{view}/"


def save_form(client, url, **changes):
    data = change_form_data(client, url)
    data.update(changes)
    return client.post(url, data, follow=True)


def saved(response) -> str:
    assert response.status_code == 200
    assert response.redirect_chain, response.content.decode()[:3000]
    return response.content.decode()


def open_draft(obj):
    return ContentDraft.objects.filter(
        object_id=obj.pk,
        content_type__model=obj._meta.concrete_model._meta.model_name,
        state__in=ContentDraft.OPEN_STATES,
    ).first()


def learn(client) -> str:
    return client.get("/learn/").content.decode()


def checklist(client) -> str:
    return client.get("/learn/checklist/").content.decode()


def act(client, name, action, obj):
    return client.post(
        f"{BASE}{name}/", {"action": action, "_selected_action": [obj.pk]}, follow=True
    )


# --- A clinic's stage ----------------------------------------------------------


def test_an_edit_of_a_published_clinic_stage_is_a_draft_its_patients_do_not_see(
    clinic_admin_client, stage, patient_client
):
    old_title = stage.title
    page = saved(
        save_form(
            clinic_admin_client,
            stage_url(stage),
            title=NEW_TITLE,
            teach_back="Tell us what you will bring.",
            change_note="Plainer title",
        )
    )
    assert "Saved as a draft; your patients still see version 1." in page
    stage.refresh_from_db()
    assert (stage.title, stage.teach_back, stage.version) == (old_title, "", 1)
    assert old_title in learn(patient_client) and NEW_TITLE not in learn(patient_client)
    draft = open_draft(stage)
    assert draft.clinic_id == stage.clinic_id and draft.payload["fields"]["title"] == NEW_TITLE
    # The form shows the draft, with its difference from what patients see.
    form = clinic_admin_client.get(stage_url(stage)).content.decode()
    assert f'value="{NEW_TITLE}"' in form
    assert f"<ins>+# {NEW_TITLE}" in form and f"<del>-# {old_title}" in form
    assert "Publish now" in form


def test_publish_now_publishes_the_stage_by_its_admin_alone(
    clinic_admin_client, clinic_admin, stage, patient_client
):
    saved(save_form(clinic_admin_client, stage_url(stage), title=NEW_TITLE))
    page = saved(save_form(clinic_admin_client, stage_url(stage), submit_for_review="on"))
    assert "Published: your clinic&#x27;s patients see version 2 now." in page
    stage.refresh_from_db()
    assert (stage.title, stage.version, stage.status) == (NEW_TITLE, 2, PublishStatus.PUBLISHED)
    assert NEW_TITLE in learn(patient_client)
    draft = ContentDraft.objects.get(object_id=stage.pk, content_type__model="module")
    assert draft.state == ContentDraft.State.PUBLISHED and draft.published_version == 2
    assert draft.edited_by == clinic_admin


def test_the_publish_action_publishes_the_stages_draft(clinic_admin_client, stage, patient_client):
    saved(save_form(clinic_admin_client, stage_url(stage), summary="Fees, times, people."))
    page = act(clinic_admin_client, "clinicmodule", "publish", stage).content.decode()
    assert "your clinic&#x27;s patients see version 2 now" in page
    stage.refresh_from_db()
    assert stage.summary == "Fees, times, people." and stage.version == 2
    assert open_draft(stage) is None


def test_a_withdrawn_stage_draft_leaves_the_published_stage(clinic_admin_client, stage):
    old_title = stage.title
    saved(save_form(clinic_admin_client, stage_url(stage), title=NEW_TITLE))
    act(clinic_admin_client, "clinicmodule", "withdraw_drafts", stage)
    assert open_draft(stage) is None
    form = clinic_admin_client.get(stage_url(stage)).content.decode()
    assert f'value="{old_title}"' in form and NEW_TITLE not in form
    stage.refresh_from_db()
    assert stage.title == old_title and stage.version == 1


def test_a_retired_stages_draft_is_refused_with_a_message(clinic_admin_client, stage):
    saved(save_form(clinic_admin_client, stage_url(stage), title=NEW_TITLE))
    act(clinic_admin_client, "clinicmodule", "retire", stage)
    page = act(clinic_admin_client, "clinicmodule", "publish", stage)
    assert page.status_code == 200
    assert "Retired content stays retired" in page.content.decode()
    stage.refresh_from_db()
    assert stage.status == PublishStatus.RETIRED and stage.title != NEW_TITLE


def test_a_never_published_stage_is_still_edited_in_place(clinic_admin_client, clinic):
    stage = make_clinic_stage(clinic, publish=False)
    page = saved(save_form(clinic_admin_client, stage_url(stage), title=NEW_TITLE))
    assert "Saved as a draft" not in page
    stage.refresh_from_db()
    assert stage.title == NEW_TITLE and stage.status == PublishStatus.DRAFT
    assert not ContentDraft.objects.exists()


def test_a_stage_saved_unchanged_makes_no_draft(clinic_admin_client, stage):
    page = saved(save_form(clinic_admin_client, stage_url(stage)))
    assert "Nothing changed: your patients still see version 1." in page
    assert not ContentDraft.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("title", ""), ("estimated_minutes", "many"), ("summary", "")]
)
def test_bad_input_on_a_stage_shows_the_form_again(clinic_admin_client, stage, field, value):
    data = change_form_data(clinic_admin_client, stage_url(stage))
    data.update({field: value, "submit_for_review": "on"})
    response = clinic_admin_client.post(stage_url(stage), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ContentDraft.objects.exists()
    stage.refresh_from_db()
    assert stage.version == 1


# --- A clinic's checklist items -------------------------------------------------


def test_an_edit_of_a_clinic_item_is_a_draft_until_its_admin_publishes_it(
    clinic_admin_client, item, patient_client
):
    old_text = item.text
    page = saved(save_form(clinic_admin_client, item_url(item), text=NEW_TEXT))
    assert "Saved as a draft; your patients still see the published item." in page
    item.refresh_from_db()
    assert item.text == old_text
    assert old_text in checklist(patient_client) and NEW_TEXT not in checklist(patient_client)
    form = clinic_admin_client.get(item_url(item)).content.decode()
    assert f"<ins>+{NEW_TEXT}" in form and f"<del>-{old_text}" in form
    page = saved(save_form(clinic_admin_client, item_url(item), submit_for_review="on"))
    assert "Published: your clinic&#x27;s patients see the published item now." in page
    item.refresh_from_db()
    assert item.text == NEW_TEXT
    assert NEW_TEXT in checklist(patient_client) and old_text not in checklist(patient_client)


def test_the_publish_drafts_action_publishes_an_items_draft(
    clinic_admin_client, item, patient_client
):
    saved(save_form(clinic_admin_client, item_url(item), help_text="Ask at the desk."))
    assert "Ask at the desk." not in checklist(patient_client)
    act(clinic_admin_client, "clinicchecklistitem", "publish_drafts", item)
    assert "Ask at the desk." in checklist(patient_client)
    assert open_draft(item) is None


def test_the_publish_action_on_the_items_own_page_publishes_its_draft(
    clinic_admin_client, other_clinic_admin, item, patient_client
):
    saved(save_form(clinic_admin_client, item_url(item), text=NEW_TEXT))
    data = {"CHANGE_FORM-action": "publish_drafts", "_selected_action": [item.pk]}
    other = login_client(other_clinic_admin)
    assert other.post(item_url(item), data).status_code == 404
    assert NEW_TEXT not in checklist(patient_client)
    assert clinic_admin_client.post(item_url(item), data).status_code == 302
    assert NEW_TEXT in checklist(patient_client)


def test_a_new_clinic_item_is_added_at_once_and_makes_no_draft(
    clinic_admin_client, pathway, patient_client
):
    response = clinic_admin_client.post(
        f"{BASE}clinicchecklistitem/add/",
        {
            "checklist": pathway.checklist_id,
            "order": "0",
            "kind": "question",
            "slug": "who",
            "text": NEW_TEXT,
            "ok_answer": "yes",
        },
    )
    assert response.status_code == 302
    assert NEW_TEXT in checklist(patient_client)
    assert not ContentDraft.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("text", ""), ("kind", "nonsense")])
def test_bad_input_on_an_item_shows_the_form_again(clinic_admin_client, item, field, value):
    data = change_form_data(clinic_admin_client, item_url(item))
    data.update({field: value, "submit_for_review": "on"})
    response = clinic_admin_client.post(item_url(item), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ContentDraft.objects.exists()


def test_a_retired_answered_item_keeps_its_answers(clinic_admin_client, item, patient):
    services.checklist_response_save(enrollment=enrollment_of(patient), item=item, answer="yes")
    client = login_client(patient)
    saved(
        save_form(
            clinic_admin_client,
            item_url(item),
            retired_at_0="2026-11-01",
            retired_at_1="09:00:00",
        )
    )
    item.refresh_from_db()
    assert item.retired_at is None and item.text in checklist(client)
    act(clinic_admin_client, "clinicchecklistitem", "publish_drafts", item)
    item.refresh_from_db()
    assert item.retired_at is not None and item.text not in checklist(client)
    assert ChecklistResponse.objects.filter(item=item, answer="yes").count() == 1


def test_deleting_an_unanswered_item_withdraws_its_draft(clinic_admin_client, item):
    saved(save_form(clinic_admin_client, item_url(item), text=NEW_TEXT))
    draft = open_draft(item)
    assert clinic_admin_client.post(item_url(item, "delete"), {"post": "yes"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == ContentDraft.State.WITHDRAWN


# --- Nobody else -------------------------------------------------------------------


@pytest.fixture
def drafted(clinic_admin_client, stage, item):
    """An open draft of the clinic's stage and of its item."""
    saved(save_form(clinic_admin_client, stage_url(stage), title=NEW_TITLE))
    saved(save_form(clinic_admin_client, item_url(item), text=NEW_TEXT))
    return {"clinicmodule": stage, "clinicchecklistitem": item}


def _unchanged(drafted):
    for obj in drafted.values():
        draft = open_draft(obj)
        assert draft is not None and draft.state == ContentDraft.State.DRAFT
        obj.refresh_from_db()
        assert getattr(obj, "title", None) != NEW_TITLE and getattr(obj, "text", "") != NEW_TEXT


def test_another_clinics_admin_gets_404_on_the_drafted_content(other_clinic_admin, drafted):
    client = login_client(other_clinic_admin)
    for name, obj in drafted.items():
        url = f"{BASE}{name}/{obj.pk}/"
        for view in ("change", "history", "delete"):
            assert client.get(f"{url}{view}/").status_code == 404, view
        assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 404
        data = {"title": "Mine", "text": "Mine", "submit_for_review": "on", "_save": "Save"}
        assert client.post(f"{url}change/", data).status_code == 404
        for action in ("publish", "publish_drafts", "withdraw_drafts"):
            act(client, name, action, obj)
        # The drafts' pages are the library's: every clinic's admin is refused.
        draft_url = f"{BASE}contentdraft/{open_draft(obj).pk}/"
        for view in ("change", "history", "delete"):
            assert client.get(f"{draft_url}{view}/").status_code == 403
    _unchanged(drafted)
    events = AuditEvent.objects.filter(actor=other_clinic_admin)
    assert not events.filter(action__startswith="education.content.").exists()


def test_a_library_editor_cannot_publish_a_clinic_draft(
    library_editor, library_editor_client, drafted
):
    for name, obj in drafted.items():
        assert library_editor_client.get(f"{BASE}{name}/{obj.pk}/change/").status_code == 403
        draft = open_draft(obj)
        draft_url = f"{BASE}contentdraft/{draft.pk}/"
        for view in ("change", "history"):
            assert library_editor_client.get(f"{draft_url}{view}/").status_code == 404
        act(library_editor_client, "contentdraft", "approve_and_publish", draft)
        with pytest.raises(EducationError, match="Only this clinic's admin"):
            drafting.content_draft_publish(draft=draft, actor=library_editor)
    listed = library_editor_client.get(f"{BASE}contentdraft/").content.decode()
    assert NEW_TITLE not in listed
    _unchanged(drafted)


def test_a_superuser_publishes_a_clinic_draft(superuser_client, drafted, patient_client):
    stage = drafted["clinicmodule"]
    act(superuser_client, "clinicmodule", "publish", stage)
    stage.refresh_from_db()
    assert stage.title == NEW_TITLE and NEW_TITLE in learn(patient_client)


# --- Audited under the clinic, readiness recomputed on publishing --------------------


def test_each_step_is_filed_under_the_clinic_and_publishing_recomputes_its_readiness(
    clinic_admin_client,
    clinic_admin,
    clinic,
    stage,
    item,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    recomputed = []
    before = AuditEvent.objects.order_by("pk").last().pk  # the stage's first publication

    def recompute_after_commit(**kwargs):
        transaction.on_commit(lambda: recomputed.append(kwargs))

    monkeypatch.setattr(governance, "readiness_recompute_after_commit", recompute_after_commit)
    with django_capture_on_commit_callbacks(execute=True):
        saved(save_form(clinic_admin_client, stage_url(stage), title=NEW_TITLE))
        saved(save_form(clinic_admin_client, item_url(item), text=NEW_TEXT))
    assert recomputed == []  # a draft changes nothing patients must do
    with django_capture_on_commit_callbacks(execute=True):
        act(clinic_admin_client, "clinicmodule", "publish", stage)
    assert recomputed == [{"clinic_id": clinic.pk}]
    with django_capture_on_commit_callbacks(execute=True):
        act(clinic_admin_client, "clinicchecklistitem", "publish_drafts", item)
    assert recomputed == [{"clinic_id": clinic.pk}] * 2
    for model, obj in (("education.module", stage), ("education.checklistitem", item)):
        events = AuditEvent.objects.filter(pk__gt=before, detail__model=model, detail__id=obj.pk)
        actions = set(events.values_list("action", flat=True))
        assert {
            "education.content.draft_saved",
            "education.content.approved",
            "education.content.published",
        } <= actions, model
        assert "education.content.saved" not in actions  # the rolled-back form saved nothing
        assert set(events.values_list("clinic_id", flat=True)) == {clinic.pk}
        assert set(events.values_list("actor_id", flat=True)) == {clinic_admin.pk}
    stage_event = AuditEvent.objects.get(
        pk__gt=before,
        action="education.content.published",
        detail__model="education.module",
        detail__id=stage.pk,
    )
    assert stage_event.detail["version"] == 2 and stage_event.detail["edited_by"] == clinic_admin.pk
    assert Module.objects.get(pk=stage.pk).version == 2


def test_a_new_lesson_order_in_a_clinic_stage_waits_for_its_admin_to_publish(
    clinic_admin_client, clinic, patient_client
):
    stage = make_clinic_stage(clinic, lessons=2, slug="two-lessons")
    one, two = stage.lessons.order_by("order")
    page = saved(
        save_form(
            clinic_admin_client,
            stage_url(stage),
            **{"lessons-0-order": "5", "lessons-1-order": "0"},
        )
    )
    assert "Saved as a draft" in page
    assert list(stage.lessons.order_by("order")) == [one, two]
    saved(save_form(clinic_admin_client, stage_url(stage), submit_for_review="on"))
    assert list(stage.lessons.order_by("order")) == [two, one]


def test_a_published_lessons_order_is_not_changed_on_its_own_page(clinic_admin_client, stage):
    lesson = stage.lessons.get()
    page = clinic_admin_client.get(f"{BASE}cliniclesson/{lesson.pk}/change/").content.decode()
    assert 'name="order"' not in page
