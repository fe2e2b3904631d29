"""Drafts of a published pathway: its stages (which, in what order) and its
checklist. An edit in the admin reaches no patient until a second library
editor publishes it; a stage the draft drops leaves the pathway and every
record patients have of it stays."""

import re
import uuid

import pytest

from accounts.models import User
from education import drafting, services
from education.models import (
    Checklist,
    ContentDraft,
    ContentVersion,
    LessonCompletion,
    Module,
    PathwayModule,
    PublishStatus,
    QuizAttempt,
)
from education.services.errors import EducationError
from tests.builders import correct_answers, make_staff
from tests.conftest import login_client
from tests.education.pages import enrollment_of, read_stage, stages
from tests.education.test_content_drafts import open_draft, publish
from tests.education.test_governance import change_form_data


@pytest.fixture
def third(pathway):
    """A third published library stage, not in the pathway yet."""
    module = Module.objects.create(slug="third-stage", title="Stage 3", summary="More.")
    services.content_publish(obj=module)
    return module


def pathway_url(pathway):
    return f"/admin/education/pathway/{pathway.pk}/change/"


def edit_pathway(client, pathway, rows=None, **changes) -> str:
    """Save the pathway's form with its stage rows changed: ``rows`` maps a
    row index to the values of that row."""
    url = pathway_url(pathway)
    data = change_form_data(client, url)
    for index, values in (rows or {}).items():
        for name, value in values.items():
            data[f"pathway_modules-{index}-{name}"] = value
    data.update(changes)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain, response.content.decode()[:3000]
    return response.content.decode()


def stage_titles(client) -> list[str]:
    """The stages the patient's home lists, in order ("Stage 1: <title>")."""
    page = client.get("/learn/").content.decode()
    return re.findall(r"Stage \d+:\s*(Stage \d)", page)


def swap_first_two(client, pathway, **changes) -> str:
    return edit_pathway(
        client,
        pathway,
        {0: {"order": "1"}, 1: {"order": "0"}},
        change_note="Risks first.",
        **changes,
    )


def test_an_edited_stage_order_is_a_draft_no_patient_sees(library_editor_client, pathway, patient):
    client = login_client(patient)
    assert stage_titles(client) == ["Stage 1", "Stage 2"]
    page = swap_first_two(library_editor_client, pathway)
    assert "Saved as a draft; patients still see version 1." in page
    pathway.refresh_from_db()
    assert pathway.version == 1
    assert [m.title for m in stages(pathway)] == ["Stage 1", "Stage 2"]
    assert stage_titles(client) == ["Stage 1", "Stage 2"]
    draft = open_draft(pathway)
    ordered = sorted(draft.payload["stages"], key=lambda row: row["order"])
    assert [row["module_id"] for row in ordered] == [m.pk for m in reversed(stages(pathway))]
    form = library_editor_client.get(pathway_url(pathway)).content.decode()
    assert "<del>-  0. Stage 1" in form and "<ins>+  0. Stage 2" in form


def test_a_second_editor_publishes_the_new_order(
    library_editor_client, library_editor, reviewer, pathway, patient
):
    swap_first_two(library_editor_client, pathway, submit_for_review="on")
    draft = open_draft(pathway)
    assert "A different library editor must approve" in publish(library_editor_client, draft)
    reviewer_client = login_client(reviewer)
    assert "is published as version 2" in publish(reviewer_client, draft)
    pathway.refresh_from_db()
    assert pathway.version == 2
    assert [m.title for m in stages(pathway)] == ["Stage 2", "Stage 1"]
    assert stage_titles(login_client(patient)) == ["Stage 2", "Stage 1"]
    version = ContentVersion.objects.get(object_id=pathway.pk, version=2)
    assert version.content_type.model == "pathway"
    assert version.edited_by == library_editor and version.approved_by == reviewer
    assert version.change_note == "Risks first."


def test_a_dropped_stage_leaves_the_pathway_and_patients_records_stay(
    library_editor_client, reviewer, pathway, patient, third
):
    first, second = stages(pathway)
    read_stage(patient, first)
    services.quiz_attempt_submit(
        enrollment=enrollment_of(patient),
        quiz=first.quiz,
        answers=correct_answers(first.quiz),
        submission_key=uuid.uuid4(),
    )
    completions = LessonCompletion.objects.filter(lesson__module=first).count()
    assert completions and QuizAttempt.objects.filter(quiz=first.quiz).exists()
    rows = {
        0: {"DELETE": "on"},
        2: {"id": "", "pathway": str(pathway.pk), "module": str(third.pk), "order": "2"},
    }
    edit_pathway(
        library_editor_client,
        pathway,
        rows,
        submit_for_review="on",
        **{"pathway_modules-TOTAL_FORMS": "3"},
    )
    data = change_form_data(library_editor_client, pathway_url(pathway))
    assert data["pathway_modules-TOTAL_FORMS"] == "2", "the form shows the draft's rows"
    assert [m.title for m in stages(pathway)] == ["Stage 1", "Stage 2"]
    assert "is published as version 2" in publish(login_client(reviewer), open_draft(pathway))
    assert [m.title for m in stages(pathway)] == ["Stage 2", "Stage 3"]
    assert Module.objects.filter(pk=first.pk).exists()
    assert LessonCompletion.objects.filter(lesson__module=first).count() == completions
    assert QuizAttempt.objects.filter(quiz=first.quiz).exists()
    assert stage_titles(login_client(patient)) == ["Stage 2", "Stage 3"]


def test_the_checklist_changes_through_the_draft(library_editor_client, reviewer, pathway):
    other = Checklist.objects.create(slug="other-checklist", title="Other checklist")
    services.content_publish(obj=other)
    old = pathway.checklist_id
    edit_pathway(library_editor_client, pathway, checklist=str(other.pk), submit_for_review="on")
    pathway.refresh_from_db()
    assert pathway.checklist_id == old
    publish(login_client(reviewer), open_draft(pathway))
    pathway.refresh_from_db()
    assert pathway.checklist_id == other.pk and pathway.version == 2


def test_a_draft_without_stages_is_not_published(library_editor_client, reviewer, pathway):
    edit_pathway(
        library_editor_client,
        pathway,
        {0: {"DELETE": "on"}, 1: {"DELETE": "on"}},
        submit_for_review="on",
    )
    page = publish(login_client(reviewer), open_draft(pathway))
    assert "A pathway needs at least one stage." in page
    assert len(stages(pathway)) == 2
    assert open_draft(pathway).state == ContentDraft.State.SUBMITTED


def test_a_retired_stage_is_refused(library_editor, reviewer, pathway, third):
    payload = drafting.content_payload_read(pathway)
    payload["stages"].append({"pk": 0, "module_id": third.pk, "order": 9, "new": True})
    third.status = PublishStatus.RETIRED
    third.save()
    draft = drafting.content_draft_save(
        obj=pathway, payload=payload, change_note="", actor=library_editor
    )
    drafting.content_draft_submit(draft=draft, actor=library_editor)
    with pytest.raises(EducationError, match="is retired"):
        drafting.content_draft_publish(draft=draft, actor=reviewer)
    assert not PathwayModule.objects.filter(pathway=pathway, module=third).exists()


def test_a_withdrawn_draft_changes_nothing(library_editor_client, pathway):
    swap_first_two(library_editor_client, pathway)
    draft = open_draft(pathway)
    library_editor_client.post(
        "/admin/education/contentdraft/",
        {"action": "withdraw", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.state == ContentDraft.State.WITHDRAWN
    assert [m.title for m in stages(pathway)] == ["Stage 1", "Stage 2"]


def test_a_clinic_admin_cannot_reach_a_pathways_draft(clinic, library_editor_client, pathway):
    swap_first_two(library_editor_client, pathway)
    admin = make_staff(clinic=clinic, role=User.Role.CLINIC_ADMIN, is_staff=True)
    client = login_client(admin)
    assert client.get(pathway_url(pathway)).status_code == 403
    draft = open_draft(pathway)
    assert client.get(f"/admin/education/contentdraft/{draft.pk}/change/").status_code == 403
