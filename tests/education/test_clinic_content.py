"""A clinic's own stage and checklist items: only that clinic's patients see
them, after the library's, and they count toward readiness like any other."""

import uuid

from django.core.management import call_command
from django.urls import reverse

from education import governance, services
from education.models import LessonCompletion
from education.readiness import StageState
from education.selectors.progress import patient_state
from tests.builders import correct_answers
from tests.education.clinic_content import make_clinic_item, make_clinic_stage
from tests.education.pages import enrollment_of, lessons, read_stage, stages


def _lesson_url(lesson):
    return reverse("education:lesson-detail", args=[lesson.module.slug, lesson.slug])


def test_the_clinic_stage_comes_after_the_library_stages_for_its_patients_only(
    patient, foreign_patient, pathway, clinic
):
    own = make_clinic_stage(clinic)
    mine = patient_state(enrollment_of(patient)).stages
    theirs = patient_state(enrollment_of(foreign_patient)).stages
    assert [s.module for s in mine] == [*stages(pathway), own]
    assert mine[-1].number == len(stages(pathway)) + 1
    assert [s.module for s in theirs] == stages(pathway)


def test_patients_of_another_clinic_never_see_it_even_with_a_warm_cache(
    patient_client, foreign_patient, login, clinic
):
    own = make_clinic_stage(clinic)
    assert own.title in patient_client.get("/learn/").content.decode()  # cached for the clinic
    other = login(foreign_patient)
    assert own.title not in other.get("/learn/").content.decode()
    lesson = lessons(own)[0]
    assert other.get(_lesson_url(lesson)).status_code == 404
    assert own.title in patient_client.get("/learn/").content.decode()


def test_a_draft_clinic_stage_is_seen_by_nobody_until_published(patient_client, clinic):
    own = make_clinic_stage(clinic, publish=False)
    assert own.title not in patient_client.get("/learn/").content.decode()
    for lesson in lessons(own):
        services.content_publish(obj=lesson)
    services.content_publish(obj=own)
    assert own.title in patient_client.get("/learn/").content.decode()


def test_a_clinic_stage_unlocks_in_turn_and_is_needed_for_readiness(patient, pathway, clinic):
    own = make_clinic_stage(clinic)
    enrollment = enrollment_of(patient)
    lesson = lessons(own)[0]
    assert patient_state(enrollment).stages[-1].state == StageState.LOCKED
    for module in stages(pathway):
        read_stage(patient, module)
        services.quiz_attempt_submit(
            enrollment=enrollment,
            quiz=module.quiz,
            answers=correct_answers(module.quiz),
            submission_key=uuid.uuid4(),
        )
    for answer in patient_state(enrollment).outline.checklist_items:
        services.checklist_response_save(enrollment=enrollment, item=answer, answer="yes")
    state = patient_state(enrollment)
    assert state.stages[-1].state == StageState.AVAILABLE
    assert any(own.title in reason for reason in state.result.reasons)
    percent = state.result.percent
    services.lesson_complete(enrollment=enrollment, lesson=lesson)
    state = patient_state(enrollment)
    assert state.stages[-1].state == StageState.COMPLETED
    assert not any(own.title in reason for reason in state.result.reasons)
    assert state.result.percent > percent


def test_clinic_checklist_items_follow_the_library_items_for_its_patients_only(
    patient, foreign_patient, pathway, clinic, patient_client
):
    item = make_clinic_item(clinic, pathway.checklist)
    mine = patient_state(enrollment_of(patient)).outline.checklist_items
    theirs = patient_state(enrollment_of(foreign_patient)).outline.checklist_items
    assert mine[-1] == item
    assert item not in theirs
    assert item.text in patient_client.get(reverse("education:checklist")).content.decode()
    # The library checklist's version does not move for a clinic's item.
    pathway.checklist.refresh_from_db()
    assert services.content_publish(obj=pathway.checklist) is False


def test_a_retired_clinic_stage_leaves_the_outline_and_keeps_what_patients_read(patient, clinic):
    own = make_clinic_stage(clinic)
    LessonCompletion.objects.create(patient=patient, lesson=lessons(own)[0], lesson_version=1)
    governance.content_retire(obj=own)
    assert own not in [s.module for s in patient_state(enrollment_of(patient)).stages]
    assert patient.lesson_completions.filter(lesson__module=own).exists()


def test_the_cached_outline_with_a_clinic_stage_saves_queries(
    patient_client, clinic, pathway, django_assert_max_num_queries
):
    make_clinic_stage(clinic, lessons=3)
    make_clinic_item(clinic, pathway.checklist)
    patient_client.get("/learn/")
    # As many as without a clinic's content (tests/education/test_outline_cache.py).
    with django_assert_max_num_queries(9):
        assert patient_client.get("/learn/").status_code == 200


def test_check_pathway_walks_each_clinic_with_its_own_stage(db, pathway, clinic, capsys):
    make_clinic_stage(clinic)
    make_clinic_item(clinic, pathway.checklist)
    call_command("check_pathway")
    out = capsys.readouterr().out
    assert f"{pathway.slug} at {clinic.name}: gates hold" in out
