"""Library editors write objectives (variants share one), must-pass marks,
per-choice explanations and teach-back prompts in the admin."""

import pytest


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("question", 'name="objective"'),
        ("question", 'name="choices-0-feedback"'),
        ("quiz", 'name="must_pass"'),
        ("quiz", 'name="questions-0-objective"'),
        ("module", 'name="teach_back"'),
    ],
)
def test_the_assessment_fields_are_editable(library_editor_client, first, name, field):
    obj = {
        "question": first.quiz.questions.first(),
        "quiz": first.quiz,
        "module": first,
    }[name]

    response = library_editor_client.get(f"/admin/education/{name}/{obj.pk}/change/")

    assert response.status_code == 200
    assert field in response.content.decode()
