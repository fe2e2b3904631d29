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


# --- The home page's content, kept per patient -----------------------------------


def test_the_kept_home_page_shows_a_new_consultation_at_once(patient_client, patient, clinician):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert "has not set a date yet" in main(patient_client.get("/learn/"))
    enrollment = Enrollment.objects.select_related("patient").get(patient=patient)
    when = datetime(2031, 3, 14, 10, 30, tzinfo=ZoneInfo("UTC"))
    services.consultation_set(staff=clinician, enrollment=enrollment, consultation_at=when)
    html = main(patient_client.get("/learn/"))
    assert "has not set a date yet" not in html and "2031" in html


def test_the_kept_home_page_follows_the_clinics_time_zone(patient_client, patient, clinician):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    enrollment = Enrollment.objects.select_related("patient", "clinic").get(patient=patient)
    when = datetime(2031, 3, 14, 10, 30, tzinfo=ZoneInfo("UTC"))
    services.consultation_set(staff=clinician, enrollment=enrollment, consultation_at=when)
    clinic = enrollment.clinic
    clinic.timezone = "UTC"
    clinic.save()
    assert "10:30 a.m." in main(patient_client.get("/learn/"))
    clinic.timezone = "America/New_York"
    clinic.save()
    html = main(patient_client.get("/learn/"))
    assert "6:30 a.m." in html and "10:30 a.m." not in html


def test_the_kept_home_page_follows_a_content_change(patient_client, pathway):
    assert pathway.title in main(patient_client.get("/learn/"))
    pathway.title = "A retitled pathway"
    pathway.save()
    assert "A retitled pathway" in main(patient_client.get("/learn/"))


def test_each_patient_has_their_own_kept_home_page(
    patient_client, other_patient_client, other_patient, pathway
):
    first = stages(pathway)[0]
    patient_client.get("/learn/")
    other_patient_client.get("/learn/")
    read_stage(other_patient, first)

    def first_stage(client):
        html = main(client.get("/learn/"))
        return html[html.index('id="stage-1"') : html.index('id="stage-2"')]

    assert "not read yet" not in first_stage(other_patient_client)
    assert "not read yet" in first_stage(patient_client)
