"""Library versions: publishing library lessons records a new library
version; a clinic follows the latest unless its admin pins one, and then its
patients keep reading the pinned text until the admin moves on."""

import uuid

import pytest

from audit.models import AuditEvent
from education import library_versions, publishing, services
from education.models import (
    ClinicLibrary,
    Lesson,
    LessonSource,
    LessonVersion,
    LibraryCorrection,
    LibraryVersion,
    PublishStatus,
)
from education.services import EducationError
from tests.conftest import login_client
from tests.education.pages import enrollment_of, lessons, stages
from tests.education.test_governance_drafts import lesson_url

NEW_SENTENCE = "A plain sentence added in the new library version."


@pytest.fixture
def lesson(pathway):
    return lessons(stages(pathway)[0])[0]


def publish_change(lesson, editor, approver, *, sentence=NEW_SENTENCE):
    """A library editor changes the lesson; a second one publishes it."""
    draft = publishing.lesson_draft_save(
        lesson=lesson,
        values={"body": lesson.body + f"\n\n{sentence}"},
        sources=publishing.lesson_sources_text(lesson),
        change_note="Adds a sentence.",
        actor=editor,
    )
    publishing.lesson_draft_publish(draft=_submitted(draft, editor), actor=approver)
    lesson.refresh_from_db()
    return lesson


def _submitted(draft, editor):
    publishing.lesson_draft_submit(draft=draft, actor=editor)
    return draft


def new_lesson(module, *, slug, title="A lesson added later"):
    lesson = Lesson.objects.create(
        module=module,
        order=9,
        slug=slug,
        title=title,
        evidence_label="established",
        key_points="One point.",
        body="Intro text.\n\n## What it means\n\nA short plain paragraph.",
    )
    LessonSource.objects.create(lesson=lesson, title="A source", url="https://example.org/")
    return lesson


def pin(clinic, version, actor):
    return library_versions.clinic_library_choose(clinic=clinic, version=version, actor=actor)


def test_publishing_a_library_lesson_records_a_library_version(
    library_editor,
    reviewer,
    lesson,
):
    before = library_versions.library_version_latest()
    assert before is not None and before.lesson_version(lesson.pk) == 1
    publish_change(lesson, library_editor, reviewer)
    latest = library_versions.library_version_latest()
    assert latest.number == before.number + 1
    assert latest.lesson_version(lesson.pk) == 2
    assert latest.approved_by == reviewer and latest.change_note == "Adds a sentence."
    event = AuditEvent.objects.get(action="education.library.published", detail__id=latest.pk)
    assert event.actor == reviewer and event.detail["version"] == latest.number
    # Only the changed lesson moved.
    assert {k: v for k, v in latest.lessons.items() if k != str(lesson.pk)} == {
        k: v for k, v in before.lessons.items() if k != str(lesson.pk)
    }


def test_a_clinic_lesson_makes_no_library_version(clinic_admin, clinic, pathway):
    from tests.education.clinic_content import make_clinic_stage

    before = LibraryVersion.objects.count()
    make_clinic_stage(clinic, lessons=2)
    assert LibraryVersion.objects.count() == before


def test_a_pinned_clinic_sees_no_change_and_a_following_clinic_does(
    library_editor,
    reviewer,
    lesson,
    patient,
    foreign_patient,
    clinic,
    clinic_admin,
):
    pin(clinic, library_versions.library_version_latest(), clinic_admin)
    publish_change(lesson, library_editor, reviewer)
    pinned_page = login_client(patient).get(lesson_url(lesson)).content.decode()
    following_page = login_client(foreign_patient).get(lesson_url(lesson)).content.decode()
    assert NEW_SENTENCE not in pinned_page
    assert NEW_SENTENCE in following_page


def test_a_pinned_patient_records_reading_the_pinned_version(
    library_editor,
    reviewer,
    lesson,
    patient,
    clinic,
    clinic_admin,
):
    pin(clinic, library_versions.library_version_latest(), clinic_admin)
    publish_change(lesson, library_editor, reviewer)
    client = login_client(patient)
    response = client.post(lesson_url(lesson) + "read/")
    assert response.status_code == 302
    completion = patient.lesson_completions.get(lesson=lesson)
    assert completion.lesson_version == 1
    assert "Updated since you read it" not in client.get(lesson_url(lesson)).content.decode()


def test_moving_to_the_latest_shows_updated_since_you_read_it(
    library_editor,
    reviewer,
    lesson,
    patient,
    clinic,
    clinic_admin,
):
    pin(clinic, library_versions.library_version_latest(), clinic_admin)
    services.lesson_complete(enrollment=enrollment_of(patient), lesson=lesson)
    publish_change(lesson, library_editor, reviewer)
    client = login_client(patient)
    assert "Updated since you read it" not in client.get(lesson_url(lesson)).content.decode()
    pin(clinic, None, clinic_admin)
    page = client.get(lesson_url(lesson)).content.decode()
    assert "Updated since you read it" in page and NEW_SENTENCE in page


def test_a_library_lesson_published_after_the_pin_stays_out(
    library_editor,
    reviewer,
    pathway,
    patient,
    foreign_patient,
    clinic,
    clinic_admin,
):
    pin(clinic, library_versions.library_version_latest(), clinic_admin)
    first = stages(pathway)[0]
    newcomer = new_lesson(first, slug="newcomer")
    publishing.lesson_publish(lesson=newcomer, actor=reviewer)
    assert newcomer.status == PublishStatus.PUBLISHED
    url = lesson_url(newcomer)
    assert login_client(patient).get(url).status_code == 404
    assert login_client(foreign_patient).get(url).status_code == 200
    pinned_home = login_client(patient).get("/learn/").content.decode()
    assert "A lesson added later" not in pinned_home


def test_a_pinned_clinic_reads_the_pinned_title_sources_and_label(
    library_editor,
    reviewer,
    lesson,
    patient,
    clinic,
    clinic_admin,
):
    pin(clinic, library_versions.library_version_latest(), clinic_admin)
    old_title = lesson.title
    old_source = lesson.sources.first().url
    draft = publishing.lesson_draft_save(
        lesson=lesson,
        values={"title": "A retitled lesson"},
        sources="A different source | https://example.org/new-source",
        change_note="New title and source.",
        actor=library_editor,
    )
    publishing.lesson_draft_publish(draft=_submitted(draft, library_editor), actor=reviewer)
    page = login_client(patient).get(lesson_url(lesson)).content.decode()
    assert old_title in page and "A retitled lesson" not in page
    assert old_source in page and "example.org/new-source" not in page


def test_choosing_is_audited_under_the_clinic(clinic, clinic_admin, pathway):
    version = library_versions.library_version_latest()
    pin(clinic, version, clinic_admin)
    pin(clinic, version, clinic_admin)  # no change: no second event
    pin(clinic, None, clinic_admin)
    events = AuditEvent.objects.filter(action="education.library.chosen").order_by("pk")
    assert [e.detail["version"] for e in events] == [version.number, "latest"]
    assert {e.clinic_id for e in events} == {clinic.pk}
    assert {e.actor_id for e in events} == {clinic_admin.pk}


def test_a_library_version_is_never_changed_or_deleted(pathway):
    from django.db.models import ProtectedError

    version = library_versions.library_version_latest()
    with pytest.raises(ProtectedError):
        version.delete()
    version.change_note = "Changed"
    with pytest.raises(ProtectedError):
        version.save()


def test_curriculum_load_makes_one_library_version(db):
    from education.curriculum.loader import load_curriculum

    load_curriculum()
    assert LibraryVersion.objects.count() == 1
    assert len(LibraryVersion.objects.get().lessons) >= 20
    load_curriculum()  # unchanged files: nothing new
    assert LibraryVersion.objects.count() == 1


def test_retiring_a_library_lesson_records_a_library_version(library_editor, lesson, superuser):
    from education.governance import content_retire

    before = library_versions.library_version_latest()
    content_retire(obj=lesson, actor=library_editor)
    latest = library_versions.library_version_latest()
    assert latest.number == before.number + 1
    assert latest.lesson_version(lesson.pk) is None


# --- The admin ------------------------------------------------------------------


def test_a_clinic_admin_pins_and_unpins_in_the_admin(
    clinic_admin_client,
    clinic,
    library_editor,
    reviewer,
    lesson,
    patient,
):
    first = library_versions.library_version_latest()
    publish_change(lesson, library_editor, reviewer)
    response = clinic_admin_client.get("/admin/education/cliniclibrary/")
    assert response.status_code == 302
    change_url = response["Location"]
    page = clinic_admin_client.get(change_url).content.decode()
    assert "Follow the latest library version" in page
    response = clinic_admin_client.post(change_url, {"version": first.pk})
    assert response.status_code == 302
    assert ClinicLibrary.objects.get(clinic=clinic).version == first
    assert NEW_SENTENCE not in login_client(patient).get(lesson_url(lesson)).content.decode()
    page = clinic_admin_client.get(change_url).content.decode()
    # What moving on would change, with the lesson's difference.
    assert lesson.title in page and NEW_SENTENCE in page
    clinic_admin_client.post(change_url, {"version": ""})
    assert ClinicLibrary.objects.get(clinic=clinic).version is None
    assert NEW_SENTENCE in login_client(patient).get(lesson_url(lesson)).content.decode()


def test_a_clinic_admin_cannot_open_another_clinics_choice(
    clinic_admin_client, other_clinic, pathway
):
    other = ClinicLibrary.objects.create(clinic=other_clinic)
    url = f"/admin/education/cliniclibrary/{other.pk}/change/"
    assert clinic_admin_client.get(url).status_code == 404
    history = f"/admin/education/cliniclibrary/{other.pk}/history/"
    assert clinic_admin_client.get(history).status_code == 404
    assert clinic_admin_client.get("/admin/education/cliniclibrary/").status_code == 302
    assert (
        other_clinic.name
        not in clinic_admin_client.get(
            "/admin/education/cliniclibrary/", follow=True
        ).content.decode()
    )
    version = library_versions.library_version_latest()
    assert clinic_admin_client.post(url, {"version": version.pk}).status_code == 404
    other.refresh_from_db()
    assert other.version is None


@pytest.mark.parametrize("who", ["library_editor_client", "clinician_client", "patient_client"])
def test_only_clinic_admins_and_superusers_choose(request, who, clinic, pathway):
    choice = ClinicLibrary.objects.create(clinic=clinic)
    client = request.getfixturevalue(who)
    url = f"/admin/education/cliniclibrary/{choice.pk}/change/"
    response = client.post(url, {"version": library_versions.library_version_latest().pk})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/login/" in response["Location"]
    choice.refresh_from_db()
    assert choice.version is None


def test_library_versions_list_for_editors_and_clinic_admins(
    library_editor_client, clinic_admin_client, clinician_client, pathway
):
    for client in (library_editor_client, clinic_admin_client):
        response = client.get("/admin/education/libraryversion/")
        assert response.status_code == 200
    version = library_versions.library_version_latest()
    detail = f"/admin/education/libraryversion/{version.pk}/change/"
    assert library_editor_client.get(detail).status_code == 200
    assert library_editor_client.post(detail, {"change_note": "x"}).status_code == 403
    assert (
        library_editor_client.post(detail.replace("change", "delete"), {"post": "yes"}).status_code
        == 403
    )
    response = clinician_client.get("/admin/education/libraryversion/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_pinned_patient_pages_keep_their_query_counts(
    library_editor,
    reviewer,
    lesson,
    patient,
    clinic,
    clinic_admin,
    django_assert_max_num_queries,
):
    pin(clinic, library_versions.library_version_latest(), clinic_admin)
    publish_change(lesson, library_editor, reviewer)
    client = login_client(patient)
    client.get(lesson_url(lesson))  # builds the outline
    with django_assert_max_num_queries(12) as captured:
        client.get(lesson_url(lesson))
    warm = len(captured)
    publish_change(lesson, library_editor, reviewer, sentence="A third sentence.")
    client.get(lesson_url(lesson))
    with django_assert_max_num_queries(warm):
        client.get(lesson_url(lesson))
    assert LessonVersion.objects.filter(lesson=lesson).count() == 3


def test_check_pathway_walks_a_pinned_clinic(pathway, clinic, clinic_admin, capsys):
    from django.core.management import call_command

    pin(clinic, library_versions.library_version_latest(), clinic_admin)
    call_command("check_pathway")
    assert f"{pathway.slug} at {clinic.name}: gates hold" in capsys.readouterr().out


# --- Readiness catches up with content changes ----------------------------------

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def tasks_run(settings):
    """Tasks run at once; what the fixtures requested before this one queued
    to run at commit is dropped, as if their transaction had committed."""
    from django.db import connection

    settings.TASKS = IMMEDIATE
    connection.run_on_commit.clear()


def _ready_patient(patient):
    from education.selectors.progress import patient_state
    from tests.builders import correct_answers

    enrollment = enrollment_of(patient)
    for stage in patient_state(enrollment).stages:
        for lesson in stage.lessons:
            services.lesson_complete(enrollment=enrollment, lesson=lesson)
        if stage.quiz:
            services.quiz_attempt_submit(
                enrollment=enrollment,
                quiz=stage.quiz,
                answers=correct_answers(stage.quiz),
                submission_key=uuid.uuid4(),
            )
    enrollment.refresh_from_db()
    return enrollment


def test_a_new_clinic_stage_takes_a_patient_out_of_ready_on_the_dashboard(
    pathway, patient, foreign_patient, clinic, tasks_run, django_capture_on_commit_callbacks
):
    from tests.education.clinic_content import make_clinic_stage

    enrollment = _ready_patient(patient)
    foreign = _ready_patient(foreign_patient)
    percent, foreign_stamp = enrollment.progress_percent, foreign.progress_stamp
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_clinic_stage(clinic, lessons=2)
    # One recomputation for the clinic, however many pieces were published.
    assert len(callbacks) == 1
    enrollment.refresh_from_db()
    foreign.refresh_from_db()
    assert enrollment.progress_percent < percent
    assert foreign.progress_stamp == foreign_stamp  # another clinic's patients untouched


def test_a_library_change_recomputes_every_clinic_once(
    pathway,
    patient,
    foreign_patient,
    library_editor,
    reviewer,
    tasks_run,
    django_capture_on_commit_callbacks,
):
    stamps = {p.pk: enrollment_of(p).progress_stamp for p in (patient, foreign_patient)}
    first = stages(pathway)[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publishing.lesson_publish(lesson=new_lesson(first, slug="later"), actor=reviewer)
    assert len(callbacks) == 1
    for person in (patient, foreign_patient):
        assert enrollment_of(person).progress_stamp != stamps[person.pk]


def test_pinning_recomputes_the_clinics_patients(
    pathway,
    patient,
    foreign_patient,
    clinic,
    clinic_admin,
    tasks_run,
    django_capture_on_commit_callbacks,
):
    stamps = {p.pk: enrollment_of(p).progress_stamp for p in (patient, foreign_patient)}
    with django_capture_on_commit_callbacks(execute=True):
        pin(clinic, library_versions.library_version_latest(), clinic_admin)
    assert enrollment_of(patient).progress_stamp != stamps[patient.pk]
    assert enrollment_of(foreign_patient).progress_stamp == stamps[foreign_patient.pk]


def test_a_draft_saved_recomputes_nothing(
    library_editor, lesson, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        publishing.lesson_draft_save(
            lesson=lesson,
            values={"title": "A new title"},
            sources=publishing.lesson_sources_text(lesson),
            change_note="",
            actor=library_editor,
        )
    assert callbacks == []


# --- Corrections: a pin never keeps a corrected fact ------------------------------


def test_a_correction_reaches_a_clinic_pinned_to_an_older_version(
    library_editor, reviewer, lesson, patient, foreign_patient, clinic, clinic_admin
):
    pin(clinic, library_versions.library_version_latest(), clinic_admin)
    publish_change(lesson, library_editor, reviewer)
    assert NEW_SENTENCE not in login_client(patient).get(lesson_url(lesson)).content.decode()
    latest = library_versions.library_version_latest()
    library_versions.library_version_mark_correction(
        version=latest, note="Fixes a wrong figure.", actor=reviewer
    )
    assert NEW_SENTENCE in login_client(patient).get(lesson_url(lesson)).content.decode()
    event = AuditEvent.objects.get(action="education.library.correction")
    assert event.actor == reviewer and event.detail["version"] == latest.number
    # A later ordinary change is not forced on the pinned clinic.
    publish_change(lesson, library_editor, reviewer, sentence="A later plain sentence.")
    assert "A later plain sentence." not in (
        login_client(patient).get(lesson_url(lesson)).content.decode()
    )
    assert "A later plain sentence." in (
        login_client(foreign_patient).get(lesson_url(lesson)).content.decode()
    )


def test_no_clinic_may_pin_a_version_older_than_a_correction(
    library_editor, reviewer, lesson, clinic, clinic_admin, clinic_admin_client
):
    older = library_versions.library_version_latest()
    publish_change(lesson, library_editor, reviewer)
    corrected = library_versions.library_version_latest()
    library_versions.library_version_mark_correction(version=corrected, note="", actor=reviewer)
    with pytest.raises(EducationError, match="corrects a fact"):
        pin(clinic, older, clinic_admin)
    url = clinic_admin_client.get("/admin/education/cliniclibrary/")["Location"]
    page = clinic_admin_client.get(url).content.decode()
    assert f'value="{corrected.pk}"' in page and f'value="{older.pk}"' not in page
    response = clinic_admin_client.post(url, {"version": older.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not ClinicLibrary.objects.filter(clinic=clinic, version=older).exists()


def test_only_library_editors_mark_a_correction(
    library_editor_client, clinic_admin_client, pathway
):
    version = library_versions.library_version_latest()
    data = {"action": "mark_correction", "_selected_action": [version.pk]}
    clinic_admin_client.post("/admin/education/libraryversion/", data)
    assert not LibraryCorrection.objects.exists()
    response = library_editor_client.post("/admin/education/libraryversion/", data, follow=True)
    assert "is a correction" in response.content.decode()
    assert LibraryCorrection.objects.get().version == version


def test_load_curriculum_marks_its_version_as_a_correction_when_asked(db):
    from education.curriculum.loader import CURRICULUM_DIR, load_curriculum

    load_curriculum(directory=CURRICULUM_DIR / "editions" / "first")
    load_curriculum(correction="Corrects facts of the first edition.")
    correction = LibraryCorrection.objects.get()
    assert correction.version == library_versions.library_version_latest()
    assert correction.version.number == 2
    assert correction.marked_by is None and correction.note.startswith("Corrects facts")
    load_curriculum(correction="Again.")  # unchanged files: no new version, no new correction
    assert LibraryCorrection.objects.count() == 1


def test_a_correction_is_never_changed_or_deleted(reviewer, pathway):
    from django.db.models import ProtectedError

    correction = library_versions.library_version_mark_correction(
        version=library_versions.library_version_latest(), note="x", actor=reviewer
    )
    with pytest.raises(ProtectedError):
        correction.delete()
    with pytest.raises(ProtectedError):
        correction.save()
