"""Content governance: nothing a patient did is ever deleted, retiring instead
of deleting, who may change the shared library, and the audit of content
actions."""

import uuid
from html.parser import HTMLParser

import pytest
from django.db.models import ProtectedError

from accounts.models import User
from audit.models import AuditEvent
from education import services
from education.governance import content_editors_group, library_editors_group
from education.models import (
    AttemptAnswer,
    Checklist,
    ChecklistResponse,
    Choice,
    GlossaryTerm,
    Lesson,
    LessonCompletion,
    Module,
    Pathway,
    PublishStatus,
    Question,
    Quiz,
    QuizAttempt,
    Therapy,
)
from tests.builders import correct_answers, make_staff
from tests.conftest import login_client
from tests.education.pages import enrollment_of, lessons, read_stage, stages


class _FormFields(HTMLParser):
    """The values a browser would submit for the admin change form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self._add(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select][-1] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data.removeprefix("\n")


def change_form_data(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {k: v if len(v) > 1 else v[0] for k, v in parser.data.items()}
    data.pop("action", None)
    data["_save"] = "Save"
    return data


@pytest.fixture
def answered(patient, pathway):
    """The patient read the first stage, passed its quiz and answered the
    checklist's first item."""
    enrollment = enrollment_of(patient)
    module = stages(pathway)[0]
    read_stage(patient, module)
    quiz = module.quiz
    services.quiz_attempt_submit(
        enrollment=enrollment,
        quiz=quiz,
        answers=correct_answers(quiz),
        submission_key=uuid.uuid4(),
    )
    item = pathway.checklist.items.order_by("order").first()
    services.checklist_response_save(enrollment=enrollment, item=item, answer="yes")
    return module


def patient_records():
    return (
        LessonCompletion.objects.count(),
        QuizAttempt.objects.count(),
        AttemptAnswer.objects.count(),
        ChecklistResponse.objects.count(),
    )


# --- The database refuses ----------------------------------------------------


def test_content_with_patient_records_cannot_be_deleted_even_in_code(answered):
    question = answered.quiz.questions.first()
    before = patient_records()
    for obj in (
        question,
        question.choices.first(),
        answered.quiz,
        lessons(answered)[0],
        answered,
        ChecklistResponse.objects.first().item,
    ):
        with pytest.raises(ProtectedError):
            obj.delete()
    assert patient_records() == before


def test_a_choice_of_an_answered_question_cannot_be_deleted(answered):
    choice = Choice.objects.filter(question__quiz=answered.quiz, is_correct=False).first()
    with pytest.raises(ProtectedError):
        choice.delete()
    assert Choice.objects.filter(pk=choice.pk).exists()


# --- The admin offers no delete ----------------------------------------------


def test_admin_delete_view_refuses_answered_content(superuser_client, answered):
    before = patient_records()
    question = answered.quiz.questions.first()
    targets = [
        ("question", question.pk),
        ("quiz", answered.quiz.pk),
        ("lesson", lessons(answered)[0].pk),
        ("module", answered.pk),
        ("checklist", ChecklistResponse.objects.first().item.checklist_id),
    ]
    for model, pk in targets:
        url = f"/admin/education/{model}/{pk}/delete/"
        assert superuser_client.get(url).status_code == 403, model
        assert superuser_client.post(url, {"post": "yes"}).status_code == 403, model
    assert patient_records() == before


def test_admin_offers_no_bulk_delete(superuser_client, answered):
    before = patient_records()
    lesson = lessons(answered)[0]
    page = superuser_client.get("/admin/education/lesson/").content.decode()
    assert "delete_selected" not in page
    response = superuser_client.post(
        "/admin/education/lesson/",
        {"action": "delete_selected", "_selected_action": [lesson.pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    assert patient_records() == before


def test_quiz_form_cannot_delete_an_answered_question(superuser_client, answered):
    before = patient_records()
    quiz = answered.quiz
    url = f"/admin/education/quiz/{quiz.pk}/change/"
    data = change_form_data(superuser_client, url)
    assert "questions-0-DELETE" not in data
    data["questions-0-DELETE"] = "on"
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    assert quiz.questions.count() == 2
    assert patient_records() == before


def test_question_form_cannot_delete_a_choice(superuser_client, answered):
    question = answered.quiz.questions.first()
    url = f"/admin/education/question/{question.pk}/change/"
    data = change_form_data(superuser_client, url)
    data["choices-1-DELETE"] = "on"
    assert superuser_client.post(url, data).status_code == 302
    assert question.choices.count() == 2


def test_checklist_form_cannot_delete_an_answered_item(superuser_client, answered, pathway):
    before = patient_records()
    url = f"/admin/education/checklist/{pathway.checklist_id}/change/"
    data = change_form_data(superuser_client, url)
    assert "items-0-DELETE" not in data
    data["items-0-DELETE"] = "on"
    assert superuser_client.post(url, data).status_code == 302
    assert pathway.checklist.items.count() == 3
    assert patient_records() == before


def test_a_never_published_draft_without_records_can_still_be_deleted(superuser_client, db):
    from tests.builders import make_pathway

    draft = make_pathway(publish=False)
    lesson = Lesson.objects.filter(module__pathways=draft).first()
    url = f"/admin/education/lesson/{lesson.pk}/delete/"
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()


# --- Retiring instead --------------------------------------------------------


def test_retiring_a_lesson_hides_it_and_keeps_the_reading_records(
    superuser_client, answered, pathway, other_patient
):
    lesson = lessons(answered)[0]
    before = patient_records()
    response = superuser_client.post(
        "/admin/education/lesson/", {"action": "retire", "_selected_action": [lesson.pk]}
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == PublishStatus.RETIRED and lesson.retired_at is not None
    assert patient_records() == before
    home = login_client(other_patient).get("/learn/").content.decode()
    assert lessons(answered)[1].title in home
    assert lesson.title not in home


def test_publish_leaves_retired_content_retired(superuser_client, answered):
    lesson = lessons(answered)[0]
    superuser_client.post(
        "/admin/education/lesson/", {"action": "retire", "_selected_action": [lesson.pk]}
    )
    response = superuser_client.post(
        "/admin/education/lesson/",
        {"action": "publish", "_selected_action": [lesson.pk]},
        follow=True,
    )
    assert "stays retired" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.status == PublishStatus.RETIRED


def test_unpublish_refuses_content_patients_have_records_on(superuser_client, answered):
    lesson = lessons(answered)[0]
    response = superuser_client.post(
        "/admin/education/lesson/",
        {"action": "unpublish", "_selected_action": [lesson.pk]},
        follow=True,
    )
    assert "Retire published content instead" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.status == PublishStatus.PUBLISHED


def publish_draft(obj, approver):
    """A change to published content is a draft until a second editor
    publishes it (tests/education/test_content_drafts.py)."""
    from education import drafting

    draft = drafting.content_open_draft(obj)
    drafting.content_draft_submit(draft=draft, actor=approver)
    drafting.content_draft_publish(draft=draft, actor=approver)


def test_a_retired_question_leaves_the_quiz_and_its_answers_stay(
    superuser_client, answered, other_patient, library_editor
):
    quiz = answered.quiz
    question = quiz.questions.order_by("order").first()
    url = f"/admin/education/quiz/{quiz.pk}/change/"
    data = change_form_data(superuser_client, url)
    data["questions-0-retired_at_0"] = "2026-01-01"
    data["questions-0-retired_at_1"] = "09:00:00"
    assert superuser_client.post(url, data).status_code == 302
    publish_draft(quiz, library_editor)
    assert [q.pk for q in quiz.questions.all()] != [] and question not in quiz.questions.all()
    assert AttemptAnswer.objects.filter(question=question).exists()
    # The form still shows it (and saves again without an error).
    data = change_form_data(superuser_client, url)
    assert data["questions-0-retired_at_0"] != ""
    assert superuser_client.post(url, data).status_code == 302


def test_a_retired_checklist_item_leaves_the_checklist(
    superuser_client, answered, pathway, library_editor
):
    first, second = pathway.checklist.items.order_by("order")[:2]
    url = f"/admin/education/checklist/{pathway.checklist_id}/change/"
    data = change_form_data(superuser_client, url)
    data["items-0-retired_at_0"] = "2026-01-01"
    data["items-0-retired_at_1"] = "09:00:00"
    assert superuser_client.post(url, data).status_code == 302
    publish_draft(pathway.checklist, library_editor)
    assert ChecklistResponse.objects.filter(item=first).exists()
    other = pathway.checklist.items.model.objects.filter(checklist=pathway.checklist)
    assert first not in other and second in other
    page = login_client(answered_other_patient(pathway)).get("/learn/checklist/")
    assert second.text in page.content.decode()
    assert first.text not in page.content.decode()


def answered_other_patient(pathway):
    from tests.builders import make_patient

    return make_patient(clinic=pathway.enrollments.first().clinic, pathway=pathway)


# --- The loader retires what patients answered ---------------------------------


def test_reloading_a_file_without_an_answered_question_retires_it(db, tmp_path, patient):
    import shutil

    import yaml

    from education.curriculum.loader import CURRICULUM_DIR, load_curriculum
    from education.models import Enrollment, Pathway, Quiz

    copy = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    load_curriculum(directory=copy)
    path = sorted((copy / "modules").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    quiz = Quiz.objects.get(module__slug=data["slug"])
    last = quiz.questions.order_by("order").last()
    enrollment = Enrollment.objects.create(
        patient=patient,
        pathway=Pathway.objects.get(modules__slug=data["slug"]),
        clinic=patient.clinic,
    )
    attempt = QuizAttempt.objects.create(
        enrollment=enrollment, quiz=quiz, quiz_version=1, number=1, score=0, passed=False
    )
    AttemptAnswer.objects.create(
        attempt=attempt, question=last, choice_ids=[last.choices.first().pk], is_correct=False
    )
    data["quiz"]["questions"].pop()
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    load_curriculum(directory=copy)
    assert last not in quiz.questions.all()
    assert Question.all_objects.get(pk=last.pk).retired_at is not None
    assert AttemptAnswer.objects.filter(question=last).exists()
    assert quiz.questions.count() == len(data["quiz"]["questions"])


# --- Library editors change the library; clinic admins do not ------------------

LIBRARY = [
    ("pathway", Pathway),
    ("module", Module),
    ("lesson", Lesson),
    ("quiz", Quiz),
    ("question", Question),
    ("checklist", Checklist),
    ("glossaryterm", GlossaryTerm),
    ("therapy", Therapy),
]


@pytest.fixture
def library(pathway):
    GlossaryTerm.objects.create(term="Placebo", definition="A dummy treatment.")
    Therapy.objects.create(slug="prp", name="PRP", regulatory_status="Device", summary="Plasma.")
    return pathway


@pytest.fixture
def invited_clinic_admin(clinic):
    """A clinic admin as an invitation makes them: staff in "Content editors"."""
    user = make_staff(clinic=clinic, role=User.Role.CLINIC_ADMIN, is_staff=True)
    user.groups.add(content_editors_group())
    return user


@pytest.mark.parametrize(("name", "model"), LIBRARY, ids=[n for n, _ in LIBRARY])
def test_clinic_admin_gets_403_on_every_view_of_library_content(
    invited_clinic_admin, library, name, model
):
    client = login_client(invited_clinic_admin)
    obj = model.objects.order_by("pk").first()
    before = model.objects.count()
    base = f"/admin/education/{name}/"
    for url in (
        base,
        f"{base}add/",
        f"{base}{obj.pk}/change/",
        f"{base}{obj.pk}/delete/",
        f"{base}{obj.pk}/history/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"post": "yes"}).status_code == 403, url
    assert model.objects.count() == before


@pytest.mark.parametrize("action", ["publish", "unpublish", "retire", "delete_selected"])
def test_clinic_admin_cannot_run_content_actions(invited_clinic_admin, library, action):
    client = login_client(invited_clinic_admin)
    lesson = Lesson.objects.order_by("pk").first()
    response = client.post(
        "/admin/education/lesson/", {"action": action, "_selected_action": [lesson.pk]}
    )
    assert response.status_code == 403
    lesson.refresh_from_db()
    assert lesson.status == PublishStatus.PUBLISHED


def test_clinic_admin_gets_no_library_autocomplete_and_no_library_in_the_index(
    invited_clinic_admin, library
):
    client = login_client(invited_clinic_admin)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "education", "model_name": "question", "field_name": "lesson"},
    )
    assert response.status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/education/lesson/" not in index
    assert "/admin/audit/auditevent/" in index


def test_clinic_admin_still_needs_the_second_factor(invited_clinic_admin):
    client = login_client(invited_clinic_admin, verified=False)
    response = client.get("/admin/education/lesson/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"] or "/accounts/" in response["Location"]


@pytest.mark.parametrize(("name", "model"), LIBRARY, ids=[n for n, _ in LIBRARY])
def test_library_editor_opens_and_saves_every_library_form(
    library_editor_client, library, name, model
):
    obj = model.objects.order_by("pk").first()
    url = f"/admin/education/{name}/{obj.pk}/change/"
    data = change_form_data(library_editor_client, url)
    response = library_editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert library_editor_client.get(f"/admin/education/{name}/{obj.pk}/history/").status_code == (
        200
    )


def test_library_editor_changes_a_lesson_body_as_a_draft(library_editor_client, library):
    lesson = Lesson.objects.order_by("pk").first()
    url = f"/admin/education/lesson/{lesson.pk}/change/"
    data = change_form_data(library_editor_client, url)
    data["body"] = lesson.body + "\n\nA new sentence."
    assert library_editor_client.post(url, data).status_code == 302
    lesson.refresh_from_db()
    assert not lesson.body.endswith("A new sentence.")
    assert lesson.drafts.get().body.endswith("A new sentence.")
    # The form shows the draft's text from then on.
    assert change_form_data(library_editor_client, url)["body"].endswith("A new sentence.")


def test_library_editor_sees_no_patient_records(library_editor_client, patient):
    for name in ("enrollment", "quizattempt", "checklistresponse"):
        assert library_editor_client.get(f"/admin/education/{name}/").status_code == 403
    assert library_editor_client.get("/admin/audit/auditevent/").status_code == 403
    assert library_editor_client.get("/admin/accounts/user/").status_code == 403


def test_library_editor_cannot_delete_published_content(library_editor_client, library):
    lesson = Lesson.objects.order_by("pk").first()
    url = f"/admin/education/lesson/{lesson.pk}/delete/"
    assert library_editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_library_editors_group_is_made_whole_again(db):
    from django.contrib.auth.models import Group

    Group.objects.filter(name="Library editors").delete()
    group = library_editors_group()
    assert group.permissions.filter(codename="change_lesson").exists()
    assert not group.permissions.filter(codename="change_enrollment").exists()


# --- Audit of content actions --------------------------------------------------


def test_saving_a_lesson_in_the_admin_is_audited(library_editor_client, library_editor, library):
    lesson = Lesson.objects.order_by("pk").first()
    url = f"/admin/education/lesson/{lesson.pk}/change/"
    data = change_form_data(library_editor_client, url)
    data["title"] = "A clearer title"
    data["editor_note"] = "Check the figure."
    data["sources-0-editor_note"] = "A better source exists."
    assert library_editor_client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="education.content.saved")
    assert event.actor == library_editor
    assert event.detail == {
        "model": "education.lesson",
        "id": lesson.pk,
        "version": lesson.version,
        "created": False,
        "fields": ["editor_note"],
        "parts": ["sources"],
    }
    # The title of a published lesson changes through its draft.
    draft = AuditEvent.objects.get(action="education.content.draft_saved")
    assert draft.actor == library_editor and draft.detail["id"] == lesson.pk


def test_retiring_and_publishing_are_audited_with_the_version(
    library_editor_client, library_editor, library
):
    lesson = Lesson.objects.order_by("pk").first()
    Lesson.objects.filter(pk=lesson.pk).update(body=lesson.body + "\n\nMore.")
    library_editor_client.post(
        "/admin/education/lesson/", {"action": "publish", "_selected_action": [lesson.pk]}
    )
    library_editor_client.post(
        "/admin/education/lesson/", {"action": "retire", "_selected_action": [lesson.pk]}
    )
    published = AuditEvent.objects.get(action="education.content.published", actor=library_editor)
    retired = AuditEvent.objects.get(action="education.content.retired")
    for event in (published, retired):
        assert event.actor == library_editor
        assert event.detail["id"] == lesson.pk
        assert event.detail["version"] == 2


def test_deleting_a_never_published_draft_is_audited(superuser_client, superuser, db):
    from tests.builders import make_pathway

    draft = make_pathway(publish=False)
    lesson = Lesson.objects.filter(module__pathways=draft).first()
    superuser_client.post(f"/admin/education/lesson/{lesson.pk}/delete/", {"post": "yes"})
    event = AuditEvent.objects.get(action="education.content.deleted")
    assert event.actor == superuser and event.detail["id"] == lesson.pk


# --- Editor notes, review dates and content_due --------------------------------


def _curriculum_copy(tmp_path):
    import shutil

    from education.curriculum.loader import CURRICULUM_DIR

    copy = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def _edit_first_module(copy, change):
    import yaml

    path = sorted((copy / "modules").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return data


def test_loader_reads_editor_notes_and_dates(db, tmp_path):
    from datetime import date

    from education.curriculum.loader import load_curriculum

    copy = _curriculum_copy(tmp_path)

    def change(data):
        lesson = data["lessons"][0]
        lesson["editor_note"] = "Confirm the figure on aad.org."
        lesson["checked_on"] = "2026-11-02"
        lesson["review_by"] = date(2027, 5, 1)
        lesson["sources"][0]["editor_note"] = "Copy on a practice site."
        for key in ("editor_note", "checked_on"):
            data["lessons"][1].pop(key, None)

    data = _edit_first_module(copy, change)
    load_curriculum(directory=copy)
    lesson = Lesson.objects.get(slug=data["lessons"][0]["slug"])
    assert lesson.editor_note == "Confirm the figure on aad.org."
    assert lesson.facts_checked_on == date(2026, 11, 2)
    assert lesson.review_by == date(2027, 5, 1)
    assert lesson.sources.order_by("order").first().editor_note == "Copy on a practice site."
    other = Lesson.objects.get(slug=data["lessons"][1]["slug"])
    assert other.editor_note == "" and other.facts_checked_on is None


def test_without_review_by_a_lesson_is_due_a_year_after_its_first_load(db, tmp_path):
    from datetime import date

    from django.utils import timezone

    from education.curriculum.loader import load_curriculum

    copy = _curriculum_copy(tmp_path)
    load_curriculum(directory=copy)
    today = timezone.localdate()
    lesson = Lesson.objects.order_by("pk").first()
    assert lesson.review_by.year == today.year + 1 and lesson.review_by.month == today.month
    Lesson.objects.filter(pk=lesson.pk).update(review_by=date(2030, 1, 1))
    load_curriculum(directory=copy, force=True)
    lesson.refresh_from_db()
    assert lesson.review_by == date(2030, 1, 1)


def test_a_bad_date_in_a_file_is_a_clear_error(db, tmp_path):
    from education.curriculum.loader import CurriculumError, load_curriculum

    copy = _curriculum_copy(tmp_path)
    _edit_first_module(copy, lambda data: data["lessons"][0].update(review_by="next spring"))
    with pytest.raises(CurriculumError, match="review_by must be a date"):
        load_curriculum(directory=copy)


def test_patients_never_see_editor_notes(answered, patient):
    lesson = lessons(answered)[0]
    lesson.editor_note = "EDITOR-ONLY lesson note"
    lesson.save()
    source = lesson.sources.first()
    source.editor_note = "EDITOR-ONLY source note"
    source.save()
    client = login_client(patient)
    for url in (f"/learn/{answered.slug}/{lesson.slug}/", "/learn/", "/learn/summary/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "EDITOR-ONLY" not in response.content.decode(), url
    assert source.title in client.get(f"/learn/{answered.slug}/{lesson.slug}/").content.decode()


def test_admin_lists_lessons_past_their_review_date(library_editor_client, library):
    from datetime import timedelta

    from django.utils import timezone

    overdue, fresh = Lesson.objects.order_by("pk")[:2]
    Lesson.objects.filter(pk=overdue.pk).update(
        review_by=timezone.localdate() - timedelta(days=1), title="Overdue lesson"
    )
    Lesson.objects.filter(pk=fresh.pk).update(
        review_by=timezone.localdate() + timedelta(days=30), title="Fresh lesson"
    )
    body = library_editor_client.get("/admin/education/lesson/?review=past").content.decode()
    assert "Overdue lesson" in body
    assert "Fresh lesson" not in body


def _content_due(*args):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("content_due", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_content_due_lists_overdue_lessons_and_exits_non_zero(library):
    from datetime import date

    overdue, fresh, retired = Lesson.objects.order_by("pk")[:3]
    Lesson.objects.filter(pk=overdue.pk).update(review_by=date(2026, 1, 31))
    Lesson.objects.filter(pk=fresh.pk).update(review_by=date(2026, 3, 1))
    Lesson.objects.filter(pk=retired.pk).update(review_by=date(2025, 1, 1), status="retired")
    code, out = _content_due("--on", "2026-02-01")
    assert code == 1
    assert f"2026-01-31  {overdue.slug}" in out
    assert fresh.slug not in out and retired.slug not in out
    assert "1 lesson(s) past their review date." in out


def test_content_due_exits_zero_when_nothing_is_due(library):
    code, out = _content_due("--on", "2026-02-01")
    assert code == 0
    assert "No lesson is past its review date on 2026-02-01." in out


def test_content_due_refuses_a_bad_date(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--on must be a date"):
        _content_due("--on", "soon")


# --- Demo library editors --------------------------------------------------------


def test_seed_demo_creates_two_library_editors_without_patient_access(db, settings):
    import base64

    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from education.curriculum.loader import load_curriculum

    settings.DEBUG = True
    load_curriculum()
    call_command("seed_demo", "--patients", "5")
    for email in ("editor@demo.test", "reviewer@demo.test"):
        user = User.objects.get(email=email)
        assert user.check_password("consultready-demo")
        assert user.is_staff and not user.is_superuser and not user.is_clinic_admin
        assert user.groups.filter(name="Library editors").exists()
        assert not User.objects.filter(clinic=user.clinic, role=User.Role.PATIENT).exists()
        device = TOTPDevice.objects.get(user=user)
        assert base64.b32encode(device.bin_key).decode() == "JBSWY3DPEHPK3PXP"
        client = login_client(user)
        assert client.get("/admin/education/lesson/").status_code == 200
        assert client.get("/admin/education/enrollment/").status_code == 403
    admin = User.objects.get(email="admin@demo.test")
    assert login_client(admin).get("/admin/education/lesson/").status_code == 403
