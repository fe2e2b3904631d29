"""The detail a clinic files: flags with notes, questions, reviews and outcomes
of the listed patients, as CSV with the same guards as the patient list."""

import csv
import io
from datetime import datetime

from django.utils import timezone

from audit.models import AuditEvent
from education import services
from education.models import Enrollment
from tests.builders import make_patient
from tests.education.pages import enrollment_of

URL = "/clinic/export-detail.csv"


def read(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_detail_lists_flags_questions_reviews_and_outcomes(
    clinician_client, patient, pathway, clinician
):
    enrollment = enrollment_of(patient)
    item = pathway.checklist.items.order_by("order").first()
    services.checklist_response_save(
        enrollment=enrollment, item=item, answer="not_sure", note="=I take warfarin"
    )
    services.patient_question_add(enrollment=enrollment, text="How long is recovery?")
    services.review_record(
        staff=clinician, enrollment=enrollment, outcome="needs_follow_up", note="Call GP"
    )
    services.consultation_outcome_record(
        staff=clinician, enrollment=enrollment, outcome="needs_time", note="Thinking"
    )
    response = clinician_client.get(URL)
    assert response["Content-Disposition"].startswith('attachment; filename="consultready-detail')
    rows = read(response)
    assert rows[0][:3] == ["Name", "E-mail", "Record"]
    kinds = [row[2] for row in rows[1:]]
    assert kinds == [
        "Checklist flag",
        "Patient question",
        "Clinician review",
        "Consultation outcome",
    ]
    flag, question, review, outcome = rows[1:]
    assert flag[4] == item.text and flag[5] == "Open"
    assert flag[6] == "'=I take warfarin"  # the formula guard
    assert question[6] == "How long is recovery?"
    assert (review[5], review[7], review[8]) == ("Needs follow-up", "Call GP", "Dr Clinician")
    assert (outcome[5], outcome[7]) == ("Attended, needs more time", "Thinking")


def test_detail_dates_in_the_clinic_time_zone_and_own_clinic_only(
    login, clinic, clinician, patient, foreign_patient
):
    clinic.timezone = "Europe/Madrid"
    clinic.save()
    services.patient_question_add(enrollment=enrollment_of(patient), text="Mine")
    services.patient_question_add(enrollment=enrollment_of(foreign_patient), text="Theirs")
    enrollment_of(patient).patient_questions.update(
        created_at=datetime(2030, 7, 1, 8, 0, tzinfo=timezone.UTC)
    )
    rows = read(login(clinician).get(URL))
    assert [row[6] for row in rows[1:]] == ["Mine"]
    assert rows[1][3] == "2030-07-01 10:00"


def test_detail_follows_the_dashboard_filters_and_is_audited(
    clinician_client, clinic, pathway, clinician
):
    shown = make_patient(clinic=clinic, pathway=pathway, full_name="Shown Patient")
    hidden = make_patient(clinic=clinic, pathway=pathway, full_name="Hidden Patient")
    for who in (shown, hidden):
        services.patient_question_add(enrollment=enrollment_of(who), text=f"Q {who.full_name}")
    Enrollment.objects.filter(patient=shown).update(readiness_status="4_ready")
    rows = read(clinician_client.get(URL, {"status": "4_ready", "q": "Shown"}))
    assert [row[0] for row in rows[1:]] == ["Shown Patient"]
    event = AuditEvent.objects.get(action="education.export.downloaded")
    assert event.detail["export"] == "detail"
    assert event.detail["search"] is True
    assert "Shown" not in str(event.detail)
