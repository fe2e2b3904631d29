"""Patient pages read the patient's records from a cache keyed by the
enrollment's progress stamp, which every write moves: a page shows each
change at once, and a repeat visit costs only the session, user and
enrollment queries."""

from django.urls import reverse

from education import services
from education.models import Enrollment
from tests.builders import make_pathway
from tests.education.pages import lessons, main, read_stage, stages


def stamp(patient) -> str:
    return Enrollment.objects.values_list("progress_stamp", flat=True).get(patient=patient)


def test_a_repeat_visit_reads_no_records(patient_client, django_assert_num_queries):
    patient_client.get("/learn/")
    # Session, user, enrollment (with its pathway): the outline and the
    # records come from the caches.
    with django_assert_num_queries(3):
        assert patient_client.get("/learn/").status_code == 200


def test_every_write_moves_the_stamp_and_the_page_follows(patient_client, patient, pathway):
    first = stages(pathway)[0]
    assert "not read yet" in main(patient_client.get("/learn/"))
    before = stamp(patient)
    read_stage(patient, first)
    assert stamp(patient) != before
    html = main(patient_client.get("/learn/"))
    assert "In progress" in html
    assert "not read yet" not in html.split("Stage 2")[0]


def test_reading_a_lesson_through_the_page_leads_on_from_fresh_records(
    patient_client, patient, pathway
):
    first = stages(pathway)[0]
    one, two = lessons(first)
    patient_client.get("/learn/")  # the records before the write, cached
    url = reverse("education:lesson-complete", args=[first.slug, one.slug])
    response = patient_client.post(url)
    assert response.url == reverse("education:lesson-detail", args=[first.slug, two.slug])
    response = patient_client.post(
        reverse("education:lesson-complete", args=[first.slug, two.slug])
    )
    assert response.url == reverse("education:quiz", args=[first.slug])


def test_a_lesson_read_moves_the_stamp_of_the_patients_other_pathways(
    patient, pathway, clinic, clinician
):
    other = Enrollment.objects.create(patient=patient, pathway=make_pathway(), clinic=clinic)
    before = other.progress_stamp
    lesson = lessons(stages(pathway)[0])[0]
    mine = Enrollment.objects.select_related("pathway").get(patient=patient, pathway=pathway)
    services.lesson_complete(enrollment=mine, lesson=lesson)
    other.refresh_from_db()
    assert other.progress_stamp != before
