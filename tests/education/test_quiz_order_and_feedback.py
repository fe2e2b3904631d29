"""A quiz shows its choices in an order drawn for each attempt, keeps that
order through the feedback, and explains every choice of a multi-select
question on its own."""

import re
import uuid
from types import SimpleNamespace

import pytest

from education import grading, services
from education.forms import patient as patient_forms
from education.models import Choice, Question, QuizAttempt
from tests.builders import make_patient
from tests.conftest import login_client
from tests.education.pages import main, page, read_stage

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scales(first):
    """The first stage's first question as a multi-select with two right
    choices out of four; the quiz republished."""
    quiz = first.quiz
    question = quiz.questions.order_by("order", "pk").first()
    question.kind = Question.Kind.MULTIPLE
    question.prompt = "Which of these are scales for grading hair loss?"
    question.save()
    question.choices.all().delete()
    for order, (text, right, feedback) in enumerate(
        [
            ("Norwood", True, "The Norwood scale grades male pattern loss."),
            ("Ludwig", True, "The Ludwig scale grades female pattern loss."),
            ("Fitzpatrick", False, "Fitzpatrick grades skin type, not hair loss."),
            ("Glasgow", False, "Glasgow grades consciousness."),
        ]
    ):
        Choice.objects.create(
            question=question, order=order, text=text, is_correct=right, feedback=feedback
        )
    services.content_publish(obj=quiz)
    return question


def _fix_key(monkeypatch, key):
    monkeypatch.setattr(patient_forms, "uuid", SimpleNamespace(uuid4=lambda: key, UUID=uuid.UUID))


def _shown(html, question):
    return [int(pk) for pk in re.findall(rf'id="question_{question.pk}_(\d+)"', html)]


def _expected(question, key):
    spec = grading.question_spec(Question.objects.get(pk=question.pk))
    return grading.choice_order([spec], str(key))[str(question.pk)]


def _answers(quiz, **picks):
    """Right answers everywhere, except ``picks`` (question pk -> choice pks)."""
    data = {}
    for q in quiz.questions.prefetch_related("choices"):
        data[f"question_{q.pk}"] = [str(c.pk) for c in q.choices.all() if c.is_correct]
    data.update(picks)
    return data


def test_two_patients_see_the_choices_in_different_orders(
    monkeypatch, clinic, pathway, first, patient, patient_client, scales
):
    other = make_patient(clinic=clinic, pathway=pathway, full_name="Other Patient")
    read_stage(patient, first)
    read_stage(other, first)
    key_a = uuid.UUID(int=1)
    # A second key whose draw differs (the draw also depends on the question's id).
    key_b = next(
        uuid.UUID(int=n)
        for n in range(2, 50)
        if _expected(scales, uuid.UUID(int=n)) != _expected(scales, key_a)
    )

    _fix_key(monkeypatch, key_a)
    seen_a = _shown(main(patient_client.get(f"/learn/{first.slug}/quiz/")), scales)
    _fix_key(monkeypatch, key_b)
    seen_b = _shown(main(login_client(other).get(f"/learn/{first.slug}/quiz/")), scales)

    assert seen_a == _expected(scales, key_a)
    assert seen_b == _expected(scales, key_b)
    assert seen_a != seen_b
    assert sorted(seen_a) == sorted(c.pk for c in scales.choices.all())


def test_the_attempt_keeps_the_order_the_form_showed_and_the_feedback_uses_it(
    monkeypatch, first, patient, patient_client, scales
):
    read_stage(patient, first)
    key = uuid.UUID(int=7)
    _fix_key(monkeypatch, key)
    shown = _shown(main(patient_client.get(f"/learn/{first.slug}/quiz/")), scales)

    data = {"submission_key": str(key), "quiz_version": str(first.quiz.version)}
    data.update(_answers(first.quiz))
    response = patient_client.post(f"/learn/{first.slug}/quiz/", data, **HTMX)

    attempt = QuizAttempt.objects.get(enrollment__patient=patient)
    assert attempt.choice_order[str(scales.pk)] == shown
    texts = {c.pk: c.text for c in scales.choices.all()}
    html = page(response)
    positions = [html.index(f"<strong>{texts[pk]}</strong>") for pk in shown]
    assert positions == sorted(positions)


def test_a_form_sent_back_with_a_problem_keeps_its_key_and_order(
    first, patient, patient_client, scales
):
    read_stage(patient, first)
    key = uuid.UUID(int=11)
    data = {"submission_key": str(key), "quiz_version": str(first.quiz.version)}
    data.update(_answers(first.quiz, **{f"question_{scales.pk}": []}))

    response = patient_client.post(f"/learn/{first.slug}/quiz/", data)

    html = main(response)
    assert response.status_code == 400
    assert f'name="submission_key" value="{key}"' in html
    assert _shown(html, scales) == _expected(scales, key)


def test_picking_one_of_two_right_choices_is_partly_right_and_never_contradicts_itself(
    first, patient, patient_client, scales
):
    read_stage(patient, first)
    norwood = scales.choices.get(text="Norwood")
    data = {"submission_key": str(uuid.uuid4()), "quiz_version": str(first.quiz.version)}
    data.update(_answers(first.quiz, **{f"question_{scales.pk}": [str(norwood.pk)]}))

    html = page(patient_client.post(f"/learn/{first.slug}/quiz/", data, **HTMX))

    block = html[html.index("Which of these are scales") :]
    block = block[: block.index("</li></ul>")]
    assert "Partly right" in block
    assert "Not quite right" not in block
    assert "<strong>Norwood</strong>: you picked this, and it is right." in block
    assert "The Norwood scale grades male pattern loss." in block
    assert "<strong>Ludwig</strong>: this is also right, and you did not pick it." in block
    assert "<strong>Fitzpatrick</strong>: you were right to leave this out." in block
    assert "Glasgow grades consciousness." in block


def test_a_wrong_pick_in_a_multi_select_question_is_named_as_wrong(
    first, patient, patient_client, scales
):
    read_stage(patient, first)
    picks = [str(c.pk) for c in scales.choices.filter(text__in=["Norwood", "Glasgow"])]
    data = {"submission_key": str(uuid.uuid4()), "quiz_version": str(first.quiz.version)}
    data.update(_answers(first.quiz, **{f"question_{scales.pk}": picks}))

    html = page(patient_client.post(f"/learn/{first.slug}/quiz/", data, **HTMX))

    assert "<strong>Glasgow</strong>: you picked this, but it is not right." in html
    assert "<strong>Norwood</strong>: you picked this, and it is right." in html
