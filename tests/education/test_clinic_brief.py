"""The patient brief: what a clinician reads before the consultation."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from education import services
from education.models import Choice, ClinicianReview
from education.selectors.outline import pathway_outline
from tests.builders import correct_answers, make_staff, wrong_answers
from tests.education.pages import enrollment_of

# Session, user, OTP device, the enrollment, the profile's clinician, the outline (4),
# the raw progress (5: lessons read, attempts, checklist answers, teach-back answers,
# self-checks), the brief's own reads (7, the consultation outcomes among them),
# reminders sent, the audit insert. Measured: 21.
BRIEF_MAX_QUERIES = 21


def brief_url(patient):
    return f"/clinic/patients/{patient.pk}/"


def read_stage(enrollment, stage):
    for lesson in stage.lessons:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)


def take_quiz(enrollment, quiz, answers):
    return services.quiz_attempt_submit(
        enrollment=enrollment, quiz=quiz, answers=answers, submission_key=uuid.uuid4()
    )


@pytest.fixture
def outline(pathway):
    return pathway_outline(pathway)


@pytest.fixture
def quizzed(patient, outline):
    """Stage 1 read; the quiz failed once on a misconception, then passed."""
    stage = outline.stages[0]
    first_question = stage.quiz.questions.order_by("order").first()
    Choice.objects.filter(question=first_question, is_correct=False).update(
        text="Exosomes are approved for hair loss"
    )
    Choice.objects.filter(question=first_question, is_correct=True).update(
        text="No exosome product is approved for hair loss"
    )
    first_question.prompt = "Are exosome products approved for hair loss?"
    first_question.save()
    enrollment = enrollment_of(patient)
    read_stage(enrollment, stage)
    take_quiz(enrollment, stage.quiz, wrong_answers(stage.quiz))
    take_quiz(enrollment, stage.quiz, correct_answers(stage.quiz))
    return enrollment


def flag(enrollment, item, note=""):
    return services.checklist_response_save(
        enrollment=enrollment, item=item, answer="not_sure", note=note
    )


def test_brief_shows_the_patient_header(clinician_client, patient, clinician):
    enrollment = enrollment_of(patient)
    services.consultation_set(
        staff=clinician,
        enrollment=enrollment,
        consultation_at=timezone.now() + timedelta(days=2),
    )
    page = clinician_client.get(brief_url(patient)).content.decode()
    assert "<h1>Pat Patient</h1>" in page
    assert patient.email in page
    assert "Dr Clinician" in page
    assert "Not set" not in page.split("</header>")[0]


def test_brief_shows_readiness_reasons_and_stage_states(clinician_client, patient, quizzed):
    page = clinician_client.get(brief_url(patient)).content.decode()
    assert "status-3_in_progress" in page
    assert "Quiz “Quiz 2” not yet passed" in page
    assert "3 required checklist items not yet answered" in page
    assert '<span class="state-completed">' in page
    assert '<span class="state-available">' in page


def test_brief_lists_first_attempt_mistakes_with_the_correct_answer(
    clinician_client, patient, quizzed
):
    page = clinician_client.get(brief_url(patient)).content.decode()
    section = page.split('id="misconceptions-heading"')[1].split("</section>")[0]
    assert "Are exosome products approved for hair loss?" in section
    assert "Exosomes are approved for hair loss" in section
    assert "No exosome product is approved for hair loss" in section
    assert "misconceptions to address" in section
    # Both questions were wrong at the first attempt; the passing retake adds none.
    assert section.count('<li class="card">') == 2


def test_brief_lists_attempts_per_quiz(clinician_client, patient, quizzed):
    page = clinician_client.get(brief_url(patient)).content.decode()
    section = page.split('id="quizzes-heading"')[1].split("</section>")[0]
    assert "Quiz 1" in section
    assert "0%" in section and "100%" in section
    assert "Not passed" in section and "Passed" in section


def test_open_flags_come_first_with_a_mark_discussed_form(clinician_client, patient, pathway):
    enrollment = enrollment_of(patient)
    items = list(pathway.checklist.items.order_by("order"))
    services.checklist_response_save(enrollment=enrollment, item=items[0], answer="yes")
    response = flag(enrollment, items[2], note="I take blood thinners")
    page = clinician_client.get(brief_url(patient)).content.decode()
    # The open flag, in the patient's words, heads the brief before any detail.
    top = page.split('id="discuss-heading"')[1].split("</section>")[0]
    assert "1 open flag" in top
    assert "In their words:" in top and "I take blood thinners" in top
    assert f'action="/clinic/patients/{patient.pk}/flags/{response.pk}/discussed/"' in top
    assert "Mark discussed" in top
    assert page.index("I take blood thinners") < page.index('id="misconceptions-heading"')
    section = page.split('id="checklist-heading"')[1].split("</section>")[0]
    assert section.index(items[2].text) < section.index(items[0].text)


def test_discussed_flag_shows_who_when_and_note(clinician_client, patient, pathway, clinician):
    enrollment = enrollment_of(patient)
    item = pathway.checklist.items.first()
    response = flag(enrollment, item)
    services.flag_mark_discussed(staff=clinician, response=response, note="Talked it through")
    page = clinician_client.get(brief_url(patient)).content.decode()
    section = page.split('id="checklist-heading"')[1].split("</section>")[0]
    assert "Discussed by Dr Clinician" in section
    assert "Talked it through" in section
    assert "Mark discussed" not in section


def test_patient_questions_are_escaped(clinician_client, patient):
    services.patient_question_add(
        enrollment=enrollment_of(patient), text="<script>alert('x')</script> Is it safe?"
    )
    page = clinician_client.get(brief_url(patient)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Is it safe?" in page


def test_checklist_note_is_escaped(clinician_client, patient, pathway):
    flag(enrollment_of(patient), pathway.checklist.items.first(), note="<img src=x onerror=1>")
    page = clinician_client.get(brief_url(patient)).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=1&gt;" in page


def test_brief_shows_lessons_read_at_an_older_version(clinician_client, patient, outline):
    enrollment = enrollment_of(patient)
    read_stage(enrollment, outline.stages[0])
    lesson = outline.stages[0].lessons[0]
    lesson.body += "\n\nA new paragraph about risks."
    lesson.save()
    services.content_publish(obj=lesson)
    lesson.refresh_from_db()
    page = clinician_client.get(brief_url(patient)).content.decode()
    section = page.split('id="outdated-heading"')[1].split("</section>")[0]
    assert f"{lesson.title}: read version {lesson.version - 1}, current version" in section
    assert outline.stages[0].lessons[1].title not in section


def test_timeline_shows_recent_activity_in_plain_words(clinician_client, patient, quizzed):
    services.patient_question_add(enrollment=quizzed, text="How long does it last?")
    page = clinician_client.get(brief_url(patient)).content.decode()
    section = page.split('id="timeline-heading"')[1].split("</section>")[0]
    assert "Wrote a question for the consultation" in section
    assert "Took a quiz" in section
    assert "Read a lesson" in section
    assert section.index("Wrote a question") < section.index("Took a quiz")
    assert "{" not in section  # no raw detail JSON
    assert "education." not in section


def test_timeline_is_limited_to_30_entries(clinician_client, patient):
    enrollment = enrollment_of(patient)
    for n in range(35):
        services.patient_question_add(enrollment=enrollment, text=f"Question {n}")
    page = clinician_client.get(brief_url(patient)).content.decode()
    section = page.split('id="timeline-heading"')[1].split("</section>")[0]
    assert section.count("<li>") == 30


def test_timeline_names_staff_actors(clinician_client, patient, clinician):
    services.consultation_set(
        staff=clinician, enrollment=enrollment_of(patient), consultation_at=timezone.now()
    )
    page = clinician_client.get(brief_url(patient)).content.decode()
    section = page.split('id="timeline-heading"')[1].split("</section>")[0]
    assert "Consultation date changed" in section
    assert "by Dr Clinician" in section


def test_previous_reviews_are_listed_newest_first(clinician_client, patient, clinic):
    enrollment = enrollment_of(patient)
    colleague = make_staff(clinic=clinic, full_name="Dr Colleague")
    services.review_record(
        staff=colleague, enrollment=enrollment, outcome="needs_follow_up", note="First look"
    )
    services.review_record(
        staff=colleague,
        enrollment=enrollment,
        outcome="ready",
        note="Second look",
        override_reason="Discussed by phone",
    )
    page = clinician_client.get(brief_url(patient)).content.decode()
    section = page.split('id="reviews-heading"')[1].split("</section>")[0]
    assert section.index("Second look") < section.index("First look")
    assert "Discussed by phone" in section
    assert "by Dr Colleague" in section


def test_viewing_the_brief_writes_an_audit_event(clinician_client, patient, clinician):
    clinician_client.get(brief_url(patient))
    event = AuditEvent.objects.get(action="education.brief.viewed")
    assert event.actor == clinician
    assert event.patient == patient
    assert event.clinic_id == clinician.clinic_id


def test_clinic_admin_can_read_a_brief(clinic_admin_client, patient):
    assert clinic_admin_client.get(brief_url(patient)).status_code == 200


def test_brief_of_another_clinics_patient_is_404(clinician_client, foreign_patient):
    assert clinician_client.get(brief_url(foreign_patient)).status_code == 404
    assert not AuditEvent.objects.filter(action="education.brief.viewed").exists()


def test_brief_of_unknown_patient_is_404(clinician_client, db):
    assert clinician_client.get("/clinic/patients/999999/").status_code == 404


def test_brief_of_a_staff_member_is_404(clinician_client, clinic_admin):
    assert clinician_client.get(brief_url(clinic_admin)).status_code == 404


def test_brief_offers_no_edit_or_delete_of_reviews(clinician_client, patient, clinician):
    services.review_record(
        staff=clinician, enrollment=enrollment_of(patient), outcome="needs_follow_up"
    )
    review = ClinicianReview.objects.get()
    page = clinician_client.get(brief_url(patient)).content.decode()
    assert f"reviews/{review.pk}" not in page


def _brief_queries(client, patient):
    client.get(brief_url(patient))  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(brief_url(patient)).status_code == 200
    return len(queries)


def test_brief_query_count_does_not_grow_with_the_record(
    clinician_client, patient, pathway, outline, clinic
):
    enrollment = enrollment_of(patient)
    read_stage(enrollment, outline.stages[0])
    take_quiz(enrollment, outline.stages[0].quiz, wrong_answers(outline.stages[0].quiz))
    services.patient_question_add(enrollment=enrollment, text="One question")
    services.review_record(
        staff=make_staff(clinic=clinic), enrollment=enrollment, outcome="needs_follow_up"
    )
    small = _brief_queries(clinician_client, patient)

    take_quiz(enrollment, outline.stages[0].quiz, wrong_answers(outline.stages[0].quiz))
    take_quiz(enrollment, outline.stages[0].quiz, correct_answers(outline.stages[0].quiz))
    read_stage(enrollment, outline.stages[1])
    take_quiz(enrollment, outline.stages[1].quiz, wrong_answers(outline.stages[1].quiz))
    for item in pathway.checklist.items.all():
        response = flag(enrollment, item, note="Unsure")
        services.flag_mark_discussed(staff=make_staff(clinic=clinic), response=response)
    for n in range(5):
        services.patient_question_add(enrollment=enrollment, text=f"Question {n}")
        services.review_record(
            staff=make_staff(clinic=clinic), enrollment=enrollment, outcome="needs_follow_up"
        )
    assert _brief_queries(clinician_client, patient) == small
    assert small <= BRIEF_MAX_QUERIES
