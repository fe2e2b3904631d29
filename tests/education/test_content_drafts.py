"""Drafts of published quizzes, checklists and modules: an edit in the admin
never reaches patients until a second library editor approves and publishes
it; publishing retires what the draft dropped and keeps every answer."""

import uuid

import pytest

from audit.models import AuditEvent
from education import services
from education.models import (
    AttemptAnswer,
    ChecklistItem,
    ChecklistResponse,
    Choice,
    ContentDraft,
    Question,
)
from tests.builders import correct_answers, make_pathway
from tests.conftest import login_client
from tests.education.pages import enrollment_of, read_stage
from tests.education.test_governance import change_form_data

NEW_PROMPT = "Which plain new prompt is this?"


@pytest.fixture
def answered(patient, pathway, first):
    """The patient read the first stage, passed its quiz and answered the
    checklist's first item."""
    read_stage(patient, first)
    enrollment = enrollment_of(patient)
    services.quiz_attempt_submit(
        enrollment=enrollment,
        quiz=first.quiz,
        answers=correct_answers(first.quiz),
        submission_key=uuid.uuid4(),
    )
    item = pathway.checklist.items.order_by("order").first()
    services.checklist_response_save(enrollment=enrollment, item=item, answer="yes")
    return first


@pytest.fixture
def quiz(first):
    return first.quiz


@pytest.fixture
def ready_client(patient, first):
    """The patient has read the first stage, so its quiz is open."""
    read_stage(patient, first)
    return login_client(patient)


def quiz_page(client, module) -> str:
    response = client.get(f"/learn/{module.slug}/quiz/")
    assert response.status_code == 200
    return response.content.decode()


def first_question(quiz):
    return quiz.questions.order_by("order").first()


def post_form(client, url, **changes):
    data = change_form_data(client, url)
    data.update(changes)
    return client.post(url, data, follow=True)


def edit_question(client, question, **changes):
    url = f"/admin/education/question/{question.pk}/change/"
    changes.setdefault("prompt", NEW_PROMPT)
    changes.setdefault("change_note", "Plainer prompt.")
    response = post_form(client, url, **changes)
    assert response.status_code == 200
    assert response.redirect_chain, response.content.decode()[:3000]
    return response.content.decode()


def open_draft(obj):
    return ContentDraft.objects.get(
        object_id=obj.pk,
        content_type__model=obj._meta.model_name,
        state__in=ContentDraft.OPEN_STATES,
    )


def publish(client, draft) -> str:
    return client.post(
        "/admin/education/contentdraft/",
        {"action": "approve_and_publish", "_selected_action": [draft.pk]},
        follow=True,
    ).content.decode()


def submit(client, draft) -> str:
    return client.post(
        "/admin/education/contentdraft/",
        {"action": "submit", "_selected_action": [draft.pk]},
        follow=True,
    ).content.decode()


# --- A saved edit reaches no patient -----------------------------------------


def test_an_edited_question_of_a_published_quiz_is_a_draft_patients_do_not_see(
    library_editor_client, quiz, first, ready_client
):
    question = first_question(quiz)
    old_prompt = question.prompt
    right, wrong = question.choices.order_by("order")
    page = edit_question(
        library_editor_client,
        question,
        **{"choices-0-is_correct": "", "choices-1-is_correct": "on"},
    )
    assert "Saved as a draft; patients still see version 1." in page
    question.refresh_from_db()
    assert question.prompt == old_prompt
    assert (
        Choice.objects.get(pk=right.pk).is_correct
        and not Choice.objects.get(pk=wrong.pk).is_correct
    )
    quiz.refresh_from_db()
    assert quiz.version == 1
    patient_page = quiz_page(ready_client, first)
    assert old_prompt in patient_page and NEW_PROMPT not in patient_page
    draft = open_draft(quiz)
    assert draft.payload["questions"][0]["prompt"] == NEW_PROMPT
    # The form shows the draft, not what patients see.
    form = library_editor_client.get(f"/admin/education/question/{question.pk}/change/")
    assert NEW_PROMPT in form.content.decode()


def test_the_editor_cannot_approve_a_second_editor_publishes(
    library_editor_client, reviewer_client, quiz, first, ready_client
):
    question = first_question(quiz)
    right, wrong = question.choices.order_by("order")
    edit_question(
        library_editor_client,
        question,
        submit_for_review="on",
        **{"choices-0-is_correct": "", "choices-1-is_correct": "on"},
    )
    draft = open_draft(quiz)
    assert draft.state == ContentDraft.State.SUBMITTED
    page = publish(library_editor_client, draft)
    assert "A different library editor must approve this draft" in page
    quiz.refresh_from_db()
    assert quiz.version == 1
    page = publish(reviewer_client, draft)
    assert "is published as version 2" in page
    quiz.refresh_from_db()
    question.refresh_from_db()
    assert quiz.version == 2 and question.prompt == NEW_PROMPT
    assert not Choice.objects.get(pk=right.pk).is_correct
    assert Choice.objects.get(pk=wrong.pk).is_correct
    assert question.content_hash == question.compute_content_hash()
    patient_page = quiz_page(ready_client, first)
    assert NEW_PROMPT in patient_page
    draft.refresh_from_db()
    assert draft.state == ContentDraft.State.PUBLISHED and draft.published_version == 2


def test_an_unsubmitted_draft_is_not_published(library_editor_client, reviewer_client, quiz):
    edit_question(library_editor_client, first_question(quiz))
    page = publish(reviewer_client, open_draft(quiz))
    assert "Submit the draft for review before it is published" in page
    quiz.refresh_from_db()
    assert quiz.version == 1


def test_a_second_edit_keeps_the_first(library_editor_client, quiz):
    edit_question(library_editor_client, first_question(quiz))
    url = f"/admin/education/quiz/{quiz.pk}/change/"
    response = post_form(library_editor_client, url, title="A clearer quiz title")
    assert response.redirect_chain
    payload = open_draft(quiz).payload
    assert payload["fields"]["title"] == "A clearer quiz title"
    assert payload["questions"][0]["prompt"] == NEW_PROMPT
    assert ContentDraft.objects.count() == 1
    quiz.refresh_from_db()
    assert quiz.title != "A clearer quiz title"


def test_a_dropped_answered_question_is_retired_and_its_answers_kept(
    library_editor_client, reviewer_client, answered, other_patient
):
    quiz = answered.quiz
    question = first_question(quiz)
    answers = AttemptAnswer.objects.filter(question=question).count()
    assert answers
    url = f"/admin/education/quiz/{quiz.pk}/change/"
    response = post_form(
        library_editor_client,
        url,
        submit_for_review="on",
        **{"questions-0-retired_at_0": "2026-01-01", "questions-0-retired_at_1": "09:00:00"},
    )
    assert response.redirect_chain
    question.refresh_from_db()
    assert question.retired_at is None and question in quiz.questions.all()
    assert "Question 1?" in library_editor_client.get(url).content.decode()
    publish(reviewer_client, open_draft(quiz))
    question = Question.all_objects.get(pk=question.pk)
    assert question.retired_at is not None and question not in quiz.questions.all()
    assert AttemptAnswer.objects.filter(question=question).count() == answers
    read_stage(other_patient, answered)
    page = quiz_page(login_client(other_patient), answered)
    assert "Question 1?" not in page and "Question 2?" in page


def test_a_question_added_to_a_published_quiz_waits_in_the_draft(
    library_editor_client, reviewer_client, quiz
):
    data = {
        "quiz": quiz.pk,
        "order": 5,
        "kind": "single",
        "objective": "",
        "prompt": NEW_PROMPT,
        "explanation": "Because.",
        "section": "",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "0",
        "choices-0-order": "0",
        "choices-0-text": "Yes",
        "choices-0-is_correct": "on",
        "choices-0-feedback": "Right.",
        "choices-1-order": "1",
        "choices-1-text": "No",
        "choices-1-feedback": "Not so.",
        "_save": "Save",
    }
    response = library_editor_client.post("/admin/education/question/add/", data, follow=True)
    assert "Saved as a draft" in response.content.decode()
    assert not Question.all_objects.filter(prompt=NEW_PROMPT).exists()
    draft = open_draft(quiz)
    new = draft.payload["questions"][-1]
    assert new["new"] and new["prompt"] == NEW_PROMPT and len(new["choices"]) == 2
    # The draft-only question opens, and an edit of it stays in the draft.
    url = f"/admin/education/question/{new['pk']}/change/"
    assert library_editor_client.get(url).status_code == 200
    response = post_form(library_editor_client, url, **{"choices-1-text": "No, never"})
    assert response.redirect_chain
    draft.refresh_from_db()
    assert [c["text"] for c in draft.payload["questions"][-1]["choices"]] == ["Yes", "No, never"]
    assert not Question.all_objects.filter(prompt=NEW_PROMPT).exists()
    submit(library_editor_client, draft)
    publish(reviewer_client, draft)
    added = Question.objects.get(quiz=quiz, prompt=NEW_PROMPT)
    assert [c.text for c in added.choices.all()] == ["Yes", "No, never"]


def test_publishing_a_question_without_a_correct_answer_is_refused(
    library_editor_client, reviewer_client, quiz
):
    question = first_question(quiz)
    edit_question(
        library_editor_client, question, submit_for_review="on", **{"choices-0-is_correct": ""}
    )
    page = publish(reviewer_client, open_draft(quiz))
    assert "needs a correct answer" in page
    quiz.refresh_from_db()
    assert quiz.version == 1


# --- Checklists and modules ----------------------------------------------------


def test_a_checklist_item_edit_waits_for_a_second_editor(
    library_editor_client, reviewer_client, pathway, patient
):
    checklist = pathway.checklist
    item = checklist.items.order_by("order").first()
    url = f"/admin/education/checklist/{checklist.pk}/change/"
    response = post_form(
        library_editor_client,
        url,
        submit_for_review="on",
        **{"items-0-text": "I understand it all."},
    )
    assert "Saved as a draft; patients still see version 1." in response.content.decode()
    client = login_client(patient)
    page = client.get("/learn/checklist/").content.decode()
    assert item.text in page and "I understand it all." not in page
    item.refresh_from_db()
    assert item.text == "I understand point 0."
    publish(reviewer_client, open_draft(checklist))
    checklist.refresh_from_db()
    item.refresh_from_db()
    assert checklist.version == 2 and item.text == "I understand it all."
    assert "I understand it all." in client.get("/learn/checklist/").content.decode()


def test_a_dropped_answered_checklist_item_is_retired_and_its_answers_kept(
    library_editor_client, reviewer_client, answered, pathway
):
    checklist = pathway.checklist
    item = checklist.items.order_by("order").first()
    assert ChecklistResponse.objects.filter(item=item).exists()
    url = f"/admin/education/checklist/{checklist.pk}/change/"
    post_form(
        library_editor_client,
        url,
        submit_for_review="on",
        **{"items-0-retired_at_0": "2026-01-01", "items-0-retired_at_1": "09:00:00"},
    )
    assert ChecklistItem.objects.filter(pk=item.pk).exists()
    publish(reviewer_client, open_draft(checklist))
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    assert ChecklistItem.all_objects.get(pk=item.pk).retired_at is not None
    assert ChecklistResponse.objects.filter(item=item).exists()


def test_a_draft_that_no_longer_fits_is_refused_not_a_server_error(
    library_editor_client, reviewer_client, pathway, clinic
):
    checklist = pathway.checklist
    url = f"/admin/education/checklist/{checklist.pk}/change/"
    data = change_form_data(library_editor_client, url)
    total = int(data["items-TOTAL_FORMS"])
    data.update(
        {
            "items-TOTAL_FORMS": str(total + 1),
            f"items-{total}-order": "9",
            f"items-{total}-kind": "acknowledgement",
            f"items-{total}-slug": "bring-a-list",
            f"items-{total}-text": "I will bring my list of medicines.",
            f"items-{total}-required": "on",
            f"items-{total}-ok_answer": "yes",
            "submit_for_review": "on",
        }
    )
    assert library_editor_client.post(url, data).status_code == 302
    # Meanwhile a clinic adds its own item with the same slug.
    ChecklistItem.objects.create(
        checklist=checklist, clinic=clinic, slug="bring-a-list", kind="question", text="Ours?"
    )
    response = library_editor_client.get(url)
    assert response.status_code == 200
    assert "The draft no longer fits" in response.content.decode()
    page = publish(reviewer_client, open_draft(checklist))
    assert "The draft no longer fits" in page
    checklist.refresh_from_db()
    assert checklist.version == 1
    assert not ChecklistItem.objects.filter(clinic__isnull=True, slug="bring-a-list").exists()


def test_a_module_edit_waits_for_a_second_editor(
    library_editor_client, reviewer_client, first, patient
):
    url = f"/admin/education/module/{first.pk}/change/"
    response = post_form(
        library_editor_client,
        url,
        title="A plainer stage title",
        teach_back="Say it in your own words.",
        submit_for_review="on",
    )
    assert "Saved as a draft" in response.content.decode()
    first.refresh_from_db()
    assert first.title == "Stage 1" and first.teach_back == ""
    assert "A plainer stage title" not in login_client(patient).get("/learn/").content.decode()
    publish(reviewer_client, open_draft(first))
    first.refresh_from_db()
    assert first.title == "A plainer stage title" and first.version == 2
    assert "A plainer stage title" in login_client(patient).get("/learn/").content.decode()


def test_a_lesson_order_change_in_a_module_waits_for_a_second_editor(
    library_editor_client, reviewer_client, first
):
    one, two = first.lessons.order_by("order")
    url = f"/admin/education/module/{first.pk}/change/"
    response = post_form(
        library_editor_client,
        url,
        submit_for_review="on",
        **{"lessons-0-order": "5", "lessons-1-order": "0"},
    )
    assert "Saved as a draft" in response.content.decode()
    assert list(first.lessons.order_by("order")) == [one, two]
    publish(reviewer_client, open_draft(first))
    assert list(first.lessons.order_by("order")) == [two, one]
    first.refresh_from_db()
    assert first.version == 2


def test_line_ends_from_a_browser_are_not_a_change(library_editor_client, quiz):
    quiz.must_pass = "Knows the risks\nKnows the costs"
    quiz.save()
    url = f"/admin/education/quiz/{quiz.pk}/change/"
    response = post_form(library_editor_client, url, must_pass="Knows the risks\r\nKnows the costs")
    assert "Nothing changed: patients still see version 1." in response.content.decode()
    assert not ContentDraft.objects.exists()


def test_a_never_published_quiz_is_still_edited_in_place(library_editor_client, db):
    quiz = make_pathway(publish=False, modules=1).pathway_modules.get().module.quiz
    url = f"/admin/education/quiz/{quiz.pk}/change/"
    response = post_form(library_editor_client, url, title="Changed in place")
    assert response.redirect_chain
    quiz.refresh_from_db()
    assert quiz.title == "Changed in place"
    assert not ContentDraft.objects.exists()


# --- The draft pages, access, audit and bad input -----------------------------


def test_the_draft_page_shows_what_changed(library_editor_client, quiz):
    old_prompt = first_question(quiz).prompt
    edit_question(library_editor_client, first_question(quiz))
    draft = open_draft(quiz)
    page = library_editor_client.get(
        f"/admin/education/contentdraft/{draft.pk}/change/"
    ).content.decode()
    assert f"<ins>+## 1. {NEW_PROMPT} [Single choice]</ins>" in page
    assert f"<del>-## 1. {old_prompt} [Single choice]</del>" in page
    quiz_form = library_editor_client.get(f"/admin/education/quiz/{quiz.pk}/change/")
    assert f"<ins>+## 1. {NEW_PROMPT}" in quiz_form.content.decode()


def test_a_clinic_admin_gets_403_on_library_drafts(
    library_editor_client, clinic_admin_client, quiz
):
    edit_question(library_editor_client, first_question(quiz))
    draft = open_draft(quiz)
    base = "/admin/education/contentdraft/"
    assert clinic_admin_client.get(base).status_code == 403
    for view in ("change", "history", "delete"):
        assert clinic_admin_client.get(f"{base}{draft.pk}/{view}/").status_code in {403, 404}
    response = clinic_admin_client.post(
        base, {"action": "approve_and_publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 403
    url = f"/admin/education/quiz/{quiz.pk}/change/"
    assert clinic_admin_client.get(url).status_code == 403
    assert clinic_admin_client.post(url, {"title": "Mine now", "_save": "Save"}).status_code == 403
    draft.refresh_from_db()
    quiz.refresh_from_db()
    assert draft.state == ContentDraft.State.DRAFT and quiz.version == 1


def test_each_step_is_audited(library_editor_client, library_editor, reviewer, quiz):
    edit_question(library_editor_client, first_question(quiz), submit_for_review="on")
    draft = open_draft(quiz)
    publish(login_client(reviewer), draft)
    events = AuditEvent.objects.filter(detail__model="education.quiz", detail__id=quiz.pk)
    actors = {
        action: events.get(action=f"education.content.{action}").actor
        for action in ("draft_saved", "submitted", "approved")
    }
    assert actors == {
        "draft_saved": library_editor,
        "submitted": library_editor,
        "approved": reviewer,
    }
    published = events.get(action="education.content.published", actor=reviewer)
    assert published.detail["version"] == 2 and published.detail["draft"] == draft.pk
    # The rolled-back save of the form leaves no "saved" event.
    assert not events.filter(action="education.content.saved").exists()


def test_withdrawing_a_draft(library_editor_client, quiz):
    edit_question(library_editor_client, first_question(quiz))
    draft = open_draft(quiz)
    library_editor_client.post(
        "/admin/education/contentdraft/", {"action": "withdraw", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.state == ContentDraft.State.WITHDRAWN
    assert AuditEvent.objects.filter(action="education.content.withdrawn").exists()


@pytest.mark.parametrize(
    ("url_of", "changes", "error"),
    [
        ("question", {"prompt": ""}, "This field is required."),
        ("quiz", {"pass_mark": "abc"}, "Enter a whole number."),
        ("quiz", {"pass_mark": "0"}, "education_quiz_pass_mark_percent” is violated"),
    ],
)
def test_bad_input_shows_the_forms_errors(library_editor_client, quiz, url_of, changes, error):
    obj = first_question(quiz) if url_of == "question" else quiz
    url = f"/admin/education/{url_of}/{obj.pk}/change/"
    data = change_form_data(library_editor_client, url)
    data.update(changes)
    response = library_editor_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page and error in page
    assert not ContentDraft.objects.exists()
    quiz.refresh_from_db()
    assert quiz.version == 1 and quiz.pass_mark == 50
