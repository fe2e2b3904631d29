"""/learn/checklist/: each item saves on change with htmx; without
JavaScript one form saves every answered item at once."""

import re

import pytest

from education import services
from education.models import ChecklistItem, ChecklistResponse
from tests.builders import make_pathway, make_patient
from tests.education.pages import enrollment_of, main, page

URL = "/learn/checklist/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def item_url(item):
    return f"{URL}{item.pk}/"


def field(item, name):
    return f"item-{item.pk}-{name}"


def checked(html, item, value) -> bool:
    tag = re.search(rf'<input[^>]*name="item-{item.pk}-answer" value="{value}"[^>]*>', html)
    return tag is not None and " checked" in tag.group(0)


@pytest.fixture
def items(pathway):
    """Three required acknowledgements, a self-check and an optional question."""
    checklist = pathway.checklist
    ChecklistItem.objects.create(
        checklist=checklist,
        order=10,
        slug="scalp-infection",
        kind=ChecklistItem.Kind.SELF_CHECK,
        text="Is my scalp infected at the moment?",
        help_text="Putting a treatment into an irritated scalp may not be safe.",
        required=True,
        ok_answer="no",
    )
    ChecklistItem.objects.create(
        checklist=checklist,
        order=11,
        slug="cost",
        kind=ChecklistItem.Kind.QUESTION,
        text="I would like to talk about the cost.",
        required=False,
    )
    services.content_publish(obj=checklist)
    return list(checklist.items.order_by("order"))


# --- The page -------------------------------------------------------------------


def test_items_are_grouped_by_kind_each_a_fieldset_with_three_answers(patient_client, items):
    response = patient_client.get(URL)

    html = main(response)
    assert response.status_code == 200
    headings = re.findall(r'<h2 id="group-[a-z_]+">([^<]+)</h2>', html)
    assert headings == ["Things I understand", "Health self-checks", "Questions to discuss"]
    assert html.count("<fieldset") == len(items) == html.count("<legend>")
    assert html.count('type="radio"') == 3 * len(items)
    for label in (">Yes<", ">No<", ">Not sure<"):
        assert html.count(label) == len(items)
    assert html.count('maxlength="500"') == len(items)
    assert "Putting a treatment into an irritated scalp may not be safe." in html


def test_each_item_saves_by_itself_with_htmx_and_the_page_saves_all_without_it(
    patient_client, items
):
    html = main(patient_client.get(URL))

    assert f'method="post" action="{URL}"' in html
    assert "Save my answers" in html
    item = items[0]
    assert f'hx-post="{item_url(item)}" hx-trigger="change"' in html
    assert f'hx-params="{field(item, "answer")},{field(item, "note")}"' in html
    assert 'id="checklist-status"' in html and 'aria-live="polite"' in html


def test_earlier_answers_and_notes_are_shown(patient_client, patient, items):
    services.checklist_response_save(
        enrollment=enrollment_of(patient), item=items[0], answer="no", note="Worried about it."
    )

    html = main(patient_client.get(URL))

    assert checked(html, items[0], "no")
    assert "Worried about it." in html
    assert "Answered on" in html


# --- One item, with htmx ------------------------------------------------------------


def test_saving_one_item_with_htmx_returns_the_item_marked_saved(patient_client, patient, items):
    item = items[0]

    response = patient_client.post(item_url(item), {field(item, "answer"): "yes"}, **HTMX)

    html = page(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="checklist-item-{item.pk}"' in html
    assert "Saved" in html
    assert 'hx-swap-oob="innerHTML:#checklist-status"' in html
    assert f"Saved: {item.text}" in html
    assert checked(html, item, "yes")
    response = ChecklistResponse.objects.get(enrollment__patient=patient, item=item)
    assert response.answer == "yes"
    assert response.flag_status == ChecklistResponse.FlagStatus.NONE


@pytest.mark.parametrize(
    ("index", "answer"),
    [(0, "not_sure"), (0, "no"), (3, "yes")],
    ids=["unsure-acknowledgement", "no-acknowledgement", "infected-scalp"],
)
def test_a_worrying_answer_on_a_required_item_tells_the_clinician_will_go_over_it(
    patient_client, patient, items, index, answer
):
    item = items[index]

    response = patient_client.post(item_url(item), {field(item, "answer"): answer}, **HTMX)

    assert "Your clinician will go over this with you." in page(response)
    assert enrollment_of(patient).open_flags == 1


def test_changing_a_worrying_answer_clears_the_flag(patient_client, patient, items):
    item = items[0]
    patient_client.post(item_url(item), {field(item, "answer"): "not_sure"}, **HTMX)

    response = patient_client.post(item_url(item), {field(item, "answer"): "yes"}, **HTMX)

    assert "Your clinician will go over this with you." not in page(response)
    assert enrollment_of(patient).open_flags == 0


def test_an_optional_item_never_raises_a_flag(patient_client, patient, items):
    item = items[4]

    response = patient_client.post(item_url(item), {field(item, "answer"): "not_sure"}, **HTMX)

    assert "Your clinician will go over this" not in page(response)
    assert enrollment_of(patient).open_flags == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": "maybe"}, "Choose yes, no or not sure."),
        ({}, "Choose yes, no or not sure."),
        ({"note": "Only a note"}, "Choose yes, no or not sure to save your note."),
        ({"answer": "yes", "note": "x" * 501}, "Keep the note under 500 characters."),
    ],
    ids=["unknown-answer", "nothing", "note-without-answer", "note-too-long"],
)
def test_bad_input_for_one_item_comes_back_with_the_error_and_saves_nothing(
    patient_client, patient, items, data, message
):
    item = items[0]
    posted = {field(item, key): value for key, value in data.items()}

    response = patient_client.post(item_url(item), posted, **HTMX)

    html = page(response)
    assert response.status_code == 200
    assert f'id="checklist-item-{item.pk}"' in html
    assert message in html
    assert f"Not saved: {item.text}" in html
    assert not ChecklistResponse.objects.filter(enrollment__patient=patient).exists()


def test_an_item_not_on_the_patients_checklist_is_404(patient_client, patient, items):
    foreign = make_pathway().checklist.items.first()

    for headers in ({}, HTMX):
        response = patient_client.post(
            item_url(foreign), {field(foreign, "answer"): "yes"}, **headers
        )
        assert response.status_code == 404
    assert patient_client.post(f"{URL}999999/", {}).status_code == 404
    assert not ChecklistResponse.objects.exists()


def test_an_item_of_a_draft_checklist_is_404(patient_client, pathway, items):
    services.content_unpublish(obj=pathway.checklist)

    assert (
        patient_client.post(item_url(items[0]), {field(items[0], "answer"): "yes"}).status_code
        == 404
    )


def test_saving_one_item_without_htmx_redirects_back_to_it(patient_client, patient, items):
    item = items[1]

    response = patient_client.post(item_url(item), {field(item, "answer"): "yes"})

    assert response.status_code == 302
    assert response["Location"] == f"{URL}#checklist-item-{item.pk}"
    assert ChecklistResponse.objects.filter(enrollment__patient=patient, item=item).exists()


def test_one_bad_item_without_htmx_shows_the_page_again(patient_client, patient, items):
    item = items[1]

    response = patient_client.post(item_url(item), {field(item, "answer"): "maybe"})

    assert response.status_code == 400
    assert "Choose yes, no or not sure." in main(response)
    assert not ChecklistResponse.objects.exists()


def test_the_one_item_endpoint_needs_post(patient_client, items):
    assert patient_client.get(item_url(items[0])).status_code == 405


# --- Every item at once, without JavaScript -------------------------------------------


def test_the_whole_form_saves_only_answered_items_and_redirects(patient_client, patient, items):
    data = {
        field(items[0], "answer"): "yes",
        field(items[0], "note"): "Clear now.",
        field(items[3], "answer"): "yes",
        field(items[1], "answer"): "",
    }

    response = patient_client.post(URL, data)

    assert response.status_code == 302
    assert response["Location"] == URL
    saved = {r.item_id: r for r in ChecklistResponse.objects.filter(enrollment__patient=patient)}
    assert set(saved) == {items[0].pk, items[3].pk}
    assert saved[items[0].pk].note == "Clear now."
    reloaded = patient_client.get(URL)
    assert "Your checklist answers are saved." in page(reloaded)
    assert "Your clinician will go over this with you." in main(reloaded)  # infected scalp: yes


def test_an_error_in_the_whole_form_saves_nothing_and_keeps_every_answer(
    patient_client, patient, items
):
    data = {
        field(items[0], "answer"): "yes",
        field(items[1], "answer"): "no",
        field(items[1], "note"): "y" * 501,
        field(items[2], "answer"): "banana",
    }

    response = patient_client.post(URL, data)

    html = main(response)
    assert response.status_code == 400
    assert "Your answers were not saved." in html
    assert "Keep the note under 500 characters." in html
    assert "Choose yes, no or not sure." in html
    assert checked(html, items[0], "yes") and checked(html, items[1], "no")
    assert "y" * 501 in html
    assert not ChecklistResponse.objects.exists()


@pytest.mark.parametrize("bad_id", ["999999", "abc"])
def test_answers_for_items_not_on_the_checklist_are_a_form_error(
    patient_client, patient, items, bad_id
):
    data = {field(items[0], "answer"): "yes", f"item-{bad_id}-answer": "yes"}

    response = patient_client.post(URL, data)

    assert response.status_code == 400
    assert "not on your checklist" in main(response)
    assert checked(main(response), items[0], "yes")
    assert not ChecklistResponse.objects.exists()


def test_an_item_of_another_checklist_is_a_form_error_too(patient_client, items):
    foreign = make_pathway().checklist.items.first()

    response = patient_client.post(URL, {field(foreign, "answer"): "yes"})

    assert response.status_code == 400
    assert not ChecklistResponse.objects.exists()


def test_resaving_the_whole_form_keeps_a_discussed_flag(patient_client, patient, items, clinician):
    response = services.checklist_response_save(
        enrollment=enrollment_of(patient), item=items[0], answer="not_sure"
    )
    services.flag_mark_discussed(staff=clinician, response=response)

    patient_client.post(
        URL, {field(items[0], "answer"): "not_sure", field(items[1], "answer"): "yes"}
    )

    response.refresh_from_db()
    assert response.flag_status == ChecklistResponse.FlagStatus.DISCUSSED
    assert "You have talked this over with your clinician." in main(patient_client.get(URL))


def test_a_patient_of_another_pathway_sees_their_own_checklist(login, clinic, items):
    other_pathway = make_pathway(items=1)
    client = login(make_patient(clinic=clinic, pathway=other_pathway))

    html = main(client.get(URL))

    assert html.count("<fieldset") == 1
    assert f'id="checklist-item-{items[0].pk}"' not in html
