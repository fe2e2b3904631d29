"""The pathway outline is cached for everyone, and a content change shows at once."""

from django.urls import reverse

from education import services
from education.models import Lesson


def _first_lesson(pathway):
    return (
        Lesson.objects.filter(module__in=pathway.modules.all()).order_by("module", "order").first()
    )


def test_a_renamed_and_republished_lesson_shows_at_once(patient_client, pathway):
    lesson = _first_lesson(pathway)
    assert lesson.title in patient_client.get("/learn/").content.decode()
    lesson.title = "A clearer title for patients"
    lesson.save()
    services.content_publish(obj=lesson)
    assert "A clearer title for patients" in patient_client.get("/learn/").content.decode()


def test_an_unpublished_lesson_disappears_at_once(patient_client, pathway):
    lesson = _first_lesson(pathway)
    url = reverse("education:lesson-detail", args=[lesson.module.slug, lesson.slug])
    assert patient_client.get(url).status_code == 200
    services.content_unpublish(obj=lesson)
    assert patient_client.get(url).status_code == 404


def test_the_cached_outline_saves_queries(patient_client, django_assert_max_num_queries):
    patient_client.get("/learn/")
    # The patient's records take five queries (lessons, attempts, checklist,
    # teach-backs, self-checks).
    with django_assert_max_num_queries(9):
        assert patient_client.get("/learn/").status_code == 200
