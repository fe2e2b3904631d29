import pytest

from accounts.models import User
from audit.models import AuditEvent
from education.curriculum.loader import load_curriculum
from education.governance import content_editors_group
from education.models import Checklist, Lesson, Module, Pathway, Quiz
from tests.builders import make_staff
from tests.conftest import login_client


@pytest.fixture
def editor(library_editor):
    return library_editor


@pytest.fixture
def editor_client(library_editor_client):
    return library_editor_client


@pytest.fixture
def clinic_admin(clinic):
    """A clinic admin as invitations make them: staff in "Content editors"."""
    user = make_staff(clinic=clinic, role=User.Role.CLINIC_ADMIN, is_staff=True)
    user.groups.add(content_editors_group())
    return user


@pytest.fixture
def clinic_admin_client(clinic_admin):
    return login_client(clinic_admin)


@pytest.fixture
def curriculum(db):
    load_curriculum()


CHANGELISTS = [
    "pathway",
    "module",
    "lesson",
    "quiz",
    "question",
    "checklist",
    "glossaryterm",
    "therapy",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_library_editor_opens_every_content_changelist(editor_client, curriculum, model):
    response = editor_client.get(f"/admin/education/{model}/")
    assert response.status_code == 200


def test_lesson_changelist_shows_reading_grade_and_warnings(editor_client, curriculum):
    body = editor_client.get("/admin/education/lesson/").content.decode()
    assert "reading grade" in body.lower()
    assert "longest sentence" in body.lower()


def test_lesson_changelist_query_count_is_fixed(
    editor_client, curriculum, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        assert editor_client.get("/admin/education/lesson/").status_code == 200


@pytest.mark.parametrize(
    "model_and_lookup",
    [
        (Pathway, "pathway"),
        (Module, "module"),
        (Lesson, "lesson"),
        (Quiz, "quiz"),
        (Checklist, "checklist"),
    ],
    ids=lambda m: m[1],
)
def test_change_forms_answer_with_a_bounded_number_of_queries(
    editor_client, curriculum, model_and_lookup, django_assert_max_num_queries
):
    model, name = model_and_lookup
    obj = model.objects.order_by("pk").first()
    with django_assert_max_num_queries(60):
        response = editor_client.get(f"/admin/education/{name}/{obj.pk}/change/")
    assert response.status_code == 200


def test_a_hard_lesson_gets_a_warning_on_its_form(editor_client, curriculum):
    lesson = Lesson.objects.order_by("pk").first()
    Lesson.objects.filter(pk=lesson.pk).update(
        body="## Heading\n\n"
        + " ".join(["Notwithstanding extraordinarily complicated circumstances"] * 12)
        + "."
    )
    body = editor_client.get(f"/admin/education/lesson/{lesson.pk}/change/").content.decode()
    assert "Reading grade" in body
    assert "keep each under 25" in body


def test_publishing_a_changed_lesson_bumps_its_version_and_audits(
    editor_client, editor, curriculum
):
    lesson = Lesson.objects.order_by("pk").first()
    unchanged = Lesson.objects.exclude(pk=lesson.pk).order_by("pk").first()
    Lesson.objects.filter(pk=lesson.pk).update(body=lesson.body + "\n\nA new line.")
    response = editor_client.post(
        "/admin/education/lesson/",
        {"action": "publish", "_selected_action": [lesson.pk, unchanged.pk]},
    )
    assert response.status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).version == 2
    assert Lesson.objects.get(pk=unchanged.pk).version == 1
    assert AuditEvent.objects.filter(action="education.content.published", actor=editor).exists()


def test_preview_shows_a_draft_to_staff_only(editor_client, patient_client, curriculum):
    lesson = Lesson.objects.order_by("pk").first()
    Lesson.objects.filter(pk=lesson.pk).update(status="draft")
    assert editor_client.get(f"/preview/lessons/{lesson.pk}/").status_code == 200
    response = patient_client.get(f"/preview/lessons/{lesson.pk}/")
    assert response.status_code == 403
    assert lesson.title not in response.content.decode()


def test_view_on_site_opens_the_preview_as_a_patient(editor_client, curriculum):
    lesson = Lesson.objects.order_by("pk").first()
    body = editor_client.get(f"/admin/education/lesson/{lesson.pk}/change/").content.decode()
    assert f'href="/preview/lessons/{lesson.pk}/" class="viewsitelink"' in body
    assert f"/learn/{lesson.module.slug}/{lesson.slug}/" not in body


def test_patients_cannot_reach_the_admin(patient_client):
    response = patient_client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_staff_without_a_verified_second_factor_cannot_reach_the_admin(editor):
    client = login_client(editor, verified=False)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] in {"/accounts/verify/", "/accounts/two-factor/setup/"}
    assert b"authenticator" in response.content


def test_clinic_admin_cannot_edit_patient_progress_or_audit(clinic_admin_client, patient):
    assert clinic_admin_client.get("/admin/education/enrollment/").status_code == 403
    assert clinic_admin_client.get("/admin/education/quizattempt/").status_code == 403
    event = AuditEvent.objects.create(action="test.event", clinic=patient.clinic)
    response = clinic_admin_client.post(
        f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_clinic_admin_sees_only_own_clinic_audit_events(
    clinic_admin_client, clinic_admin, other_clinic
):
    AuditEvent.objects.create(action="mine.event", clinic=clinic_admin.clinic)
    AuditEvent.objects.create(action="theirs.event", clinic=other_clinic)
    body = clinic_admin_client.get("/admin/audit/auditevent/").content.decode()
    assert "mine.event" in body
    assert "theirs.event" not in body
