"""Published content is cached under the content revision: any content change
gives a new revision, so patients see it at once, and one patient's progress
never shows on another's page through the shared outline."""

import pytest

from education.models import (
    ChecklistItem,
    Choice,
    GlossaryTerm,
    Lesson,
    LessonSource,
    Pathway,
    Question,
)
from education.revision import content_revision_bump
from education.selectors.outline import lesson_rendered, pathway_outline, quiz_questions
from tests.education.pages import lessons, main, read_stage, stages


def revision(pathway) -> str:
    return Pathway.objects.values_list("content_revision", flat=True).get(pk=pathway.pk)


@pytest.mark.parametrize(
    "change",
    [
        lambda p: Lesson.objects.filter(module__pathways=p).first().save(),
        lambda p: Question.objects.filter(quiz__module__pathways=p).first().save(),
        lambda p: Choice.objects.filter(question__quiz__module__pathways=p).first().delete(),
        lambda p: ChecklistItem.objects.filter(checklist__pathways=p).first().save(),
        lambda p: LessonSource.objects.filter(lesson__module__pathways=p).first().delete(),
        lambda p: GlossaryTerm.objects.create(term="Placebo", definition="A dummy treatment."),
    ],
    ids=["lesson", "question", "choice deleted", "checklist item", "source deleted", "glossary"],
)
def test_every_content_change_gives_a_new_revision(pathway, change):
    before = revision(pathway)
    change(pathway)
    assert revision(pathway) != before


def test_a_bulk_change_is_followed_by_a_bump(pathway):
    before = revision(pathway)
    content_revision_bump()
    assert revision(pathway) not in {before, ""}


def test_the_outline_is_kept_per_revision(pathway, django_assert_num_queries):
    pathway.refresh_from_db()
    outline = pathway_outline(pathway)
    with django_assert_num_queries(0):
        assert pathway_outline(pathway) is outline
    first_lesson = lessons(stages(pathway)[0])[0]
    first_lesson.title = "A new title"
    first_lesson.save()
    pathway.refresh_from_db()
    titles = [lesson.title for s in pathway_outline(pathway).stages for lesson in s.lessons]
    assert "A new title" in titles


def test_an_edited_question_shows_under_the_new_revision(pathway):
    pathway.refresh_from_db()
    quiz = stages(pathway)[0].quiz
    old = quiz_questions(quiz, content_revision=pathway.content_revision)
    question = quiz.questions.order_by("order").first()
    question.prompt = "What does a placebo group show?"
    question.save()
    pathway.refresh_from_db()
    new = quiz_questions(quiz, content_revision=pathway.content_revision)
    assert new[0].prompt == "What does a placebo group show?"
    assert old[0].prompt != new[0].prompt


def test_a_new_glossary_term_is_explained_in_the_lesson_at_once(patient_client, pathway):
    first = stages(pathway)[0]
    lesson = lessons(first)[0]
    url = f"/learn/{first.slug}/{lesson.slug}/"
    assert "A short plain paragraph" in main(patient_client.get(url))
    GlossaryTerm.objects.create(term="paragraph", definition="A block of sentences.")
    assert "A block of sentences." in main(patient_client.get(url))


def test_a_rendered_lesson_is_reused_within_a_revision(pathway, django_assert_num_queries):
    pathway.refresh_from_db()
    lesson = lessons(stages(pathway)[0])[0]
    lesson_rendered(lesson, content_revision=pathway.content_revision)
    with django_assert_num_queries(0):
        lesson_rendered(lesson, content_revision=pathway.content_revision)


def test_one_patients_stage_states_never_reach_another_patients_page(
    patient_client, patient, other_patient_client, pathway
):
    first = stages(pathway)[0]
    read_stage(patient, first)
    assert "In progress" in main(patient_client.get("/learn/"))
    html = main(other_patient_client.get("/learn/"))
    assert "In progress" not in html
    assert "Ready to start" in html
    # And the first patient's page is unchanged by the second's visit.
    assert "In progress" in main(patient_client.get("/learn/"))
