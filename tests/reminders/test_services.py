"""Scheduling and delivery with the database: each reminder once, to the right
person, stopped when it is not needed any more."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Invitation, User
from education.models import Enrollment, ReadinessStatus
from reminders import selectors, services
from reminders.models import ClinicianDigest, ClinicReminderSettings, ReminderSend, SendStatus
from tests.builders import make_staff

from .conftest import enrolled

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """send_reminders for real; the tasks queued on commit run (immediate backend)."""

    def run_command(now=None) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *(["--now", now.isoformat()] if now else []), stdout=out)
        return out.getvalue()

    return run_command


def dry_run(now=None) -> list[str]:
    out = StringIO()
    args = ["--dry-run", *(["--now", now.isoformat()] if now else [])]
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().splitlines()


def test_a_patient_who_has_not_started_gets_one_reminder_and_a_second_run_sends_nothing(
    day_clinic, small_pathway, run
):
    enrollment = enrolled(day_clinic, small_pathway)
    run()
    run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [enrollment.patient.email]
    assert message.subject == "Daylight Hair Clinic: your preparation for your consultation"
    send = ReminderSend.objects.get()
    assert (send.rule, send.status) == ("not_started", SendStatus.SENT)
    assert send.sent_at is not None
    assert "not started" in send.reason


def test_the_dry_run_prints_email_rule_and_reason_and_changes_nothing(day_clinic, small_pathway):
    waiting = enrolled(day_clinic, small_pathway)
    stalled = enrolled(
        day_clinic,
        small_pathway,
        readiness_status=ReadinessStatus.IN_PROGRESS,
        progress_percent=40,
        last_activity_at=timezone.now() - 6 * DAY,
    )
    enrolled(
        day_clinic, small_pathway, readiness_status=ReadinessStatus.READY, progress_percent=100
    )
    lines = dry_run()
    assert sorted(lines) == sorted(
        [
            f"{waiting.patient.email} not_started Joined 4 days ago; not started",
            f"{stalled.patient.email} stalled No activity for 6 days; 40% of the preparation done",
        ]
    )
    assert dry_run() == lines
    assert not ReminderSend.objects.exists()
    assert not mail.outbox


def test_the_dry_run_at_a_given_moment_sees_what_will_be_due_then(day_clinic, small_pathway):
    enrollment = enrolled(day_clinic, small_pathway, enrolled_at=timezone.now())
    assert dry_run() == []
    later = timezone.now() + 3 * DAY + timedelta(hours=1)
    assert dry_run(later) == [
        f"{enrollment.patient.email} not_started Joined 3 days ago; not started"
    ]


def test_the_consultation_reminder_says_what_is_left_and_links_to_the_next_step(
    day_clinic, small_pathway, run
):
    consultation = timezone.now() + 60 * timedelta(hours=1)
    enrolled(
        day_clinic,
        small_pathway,
        readiness_status=ReadinessStatus.NEEDS_DISCUSSION,
        progress_percent=80,
        open_flags=1,
        last_activity_at=timezone.now() - DAY,
        consultation_at=consultation,
    )
    run()
    assert ReminderSend.objects.get().rule in {"consultation_72h", "day_before"}
    body = mail.outbox[0].body
    assert "80% of the preparation done" in body
    assert "1 checklist answer to talk over" in body
    assert "https://portal.example/learn/" in body
    html = mail.outbox[0].alternatives[0].content
    assert 'href="https://portal.example/learn/"' in html


def test_the_day_before_reminder_asks_for_the_summary_and_gives_the_clinic_phone(
    day_clinic, small_pathway, run
):
    consultation = timezone.now() + DAY + timedelta(hours=1)
    local = consultation.astimezone(day_clinic.tzinfo)
    assert local.date() - timezone.now().astimezone(day_clinic.tzinfo).date() == DAY
    enrolled(
        day_clinic,
        small_pathway,
        readiness_status=ReadinessStatus.IN_PROGRESS,
        progress_percent=90,
        last_activity_at=timezone.now() - DAY,
        consultation_at=consultation,
    )
    run()
    assert ReminderSend.objects.get().rule == "day_before"
    body = mail.outbox[0].body
    assert "is tomorrow" in body
    assert local.strftime("%H:%M") in body
    assert "https://portal.example/learn/summary/" in body
    assert "Call Daylight Hair Clinic on 555-0100" in body
    assert "tomorrow" not in mail.outbox[0].subject


def test_an_invited_person_who_has_not_joined_gets_the_invitation_link_again(
    day_clinic, day_clinician, small_pathway, run
):
    from accounts.services import invitation_create

    invitation = invitation_create(
        inviter=day_clinician,
        email="late@example.test",
        full_name="Lee Late",
        pathway=small_pathway,
    )
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - 4 * DAY)
    mail.outbox.clear()
    run()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["late@example.test"]
    assert "https://portal.example/accounts/invitation/" in mail.outbox[0].body
    send = ReminderSend.objects.get()
    assert (send.rule, send.occurrence_key, send.invitation_id) == (
        "invitation",
        "3d",
        invitation.pk,
    )


def test_a_second_enqueue_of_the_same_send_delivers_it_once(
    day_clinic, small_pathway, django_capture_on_commit_callbacks
):
    enrolled(day_clinic, small_pathway)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.reminders_schedule(now=timezone.now()).reminders[0]
    assert len(mail.outbox) == 1
    assert services.reminder_deliver(send_id=send.pk) == "not-pending"  # already delivered
    assert len(mail.outbox) == 1


def test_the_unique_constraint_refuses_a_second_row_for_the_same_occurrence(
    day_clinic, small_pathway
):
    enrollment = enrolled(day_clinic, small_pathway)
    row = {
        "rule": "not_started",
        "occurrence_key": "once",
        "reason": "x",
        "clinic": day_clinic,
        "enrollment": enrollment,
        "email": enrollment.patient.email,
    }
    ReminderSend.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSend.objects.create(**row)


def test_two_workers_recording_the_same_reminder_record_it_once(
    day_clinic, small_pathway, settings
):
    """Both computed it as due before either wrote: the second write loses to
    the unique constraint and queues nothing."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    enrolled(day_clinic, small_pathway)
    now = timezone.now()
    first_view = selectors.reminders_due(now=now)
    second_view = selectors.reminders_due(now=now)
    assert len(first_view) == len(second_view) == 1
    assert services.reminder_record(candidate=first_view[0], now=now) is not None
    assert services.reminder_record(candidate=second_view[0], now=now) is None
    assert ReminderSend.objects.count() == 1


def test_a_patient_who_opts_out_after_the_reminder_was_queued_gets_nothing(
    day_clinic, small_pathway, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    enrollment = enrolled(day_clinic, small_pathway)
    send = services.reminders_schedule(now=timezone.now()).reminders[0]
    services.reminder_preference_set(email=enrollment.patient.email, enabled=False)
    assert services.reminder_deliver(send_id=send.pk) == "skipped"
    send.refresh_from_db()
    assert (send.status, send.skipped_because) == (SendStatus.SKIPPED, "opted_out")
    assert not mail.outbox


def test_a_patient_who_became_ready_after_the_reminder_was_queued_gets_nothing(
    day_clinic, small_pathway, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    enrollment = enrolled(day_clinic, small_pathway)
    send = services.reminders_schedule(now=timezone.now()).reminders[0]
    Enrollment.objects.filter(pk=enrollment.pk).update(readiness_status=ReadinessStatus.READY)
    assert services.reminder_deliver(send_id=send.pk) == "skipped"
    assert not mail.outbox


def test_an_opted_out_patient_is_not_reminded_and_can_turn_reminders_back_on(
    day_clinic, small_pathway
):
    enrollment = enrolled(day_clinic, small_pathway)
    services.reminder_preference_set(email=enrollment.patient.email, enabled=False)
    assert dry_run() == []
    services.reminder_preference_set(email=enrollment.patient.email, enabled=True)
    assert len(dry_run()) == 1


def test_a_clinic_that_switches_a_rule_off_sends_none_of_it(day_clinic, small_pathway, run):
    enrolled(day_clinic, small_pathway)
    ClinicReminderSettings.objects.create(clinic=day_clinic, not_started=False)
    run()
    assert not mail.outbox
    assert not ReminderSend.objects.exists()


def test_at_most_one_reminder_per_patient_in_48_hours(day_clinic, small_pathway, run):
    enrollment = enrolled(
        day_clinic,
        small_pathway,
        readiness_status=ReadinessStatus.IN_PROGRESS,
        last_activity_at=timezone.now() - 6 * DAY,
    )
    run()
    assert ReminderSend.objects.get().rule == "stalled"
    # A consultation is booked for in 60 hours: due, but held by the 48 hours.
    Enrollment.objects.filter(pk=enrollment.pk).update(
        consultation_at=timezone.now() + 60 * timedelta(hours=1)
    )
    assert dry_run() == []
    [line] = dry_run(timezone.now() + 49 * timedelta(hours=1))
    assert line.split()[:2] in (
        [enrollment.patient.email, "day_before"],
        [enrollment.patient.email, "consultation_72h"],
    )


def test_nothing_is_sent_at_night_in_the_clinics_time_zone(day_clinic, small_pathway):
    enrolled(day_clinic, small_pathway)
    local_noon = timezone.now().astimezone(day_clinic.tzinfo)
    night = local_noon.replace(hour=22) if local_noon.hour < 22 else local_noon
    assert dry_run(night) == []
    morning = (night + DAY).replace(hour=8, minute=5)
    assert len(dry_run(morning)) == 1


def test_the_digest_lists_each_clinicians_patients_who_are_not_ready_with_links(
    day_clinic, day_clinician, small_pathway, run
):
    soon = timezone.now() + DAY
    waiting = enrolled(day_clinic, small_pathway, clinician=day_clinician, consultation_at=soon)
    enrolled(
        day_clinic,
        small_pathway,
        clinician=day_clinician,
        consultation_at=soon,
        readiness_status=ReadinessStatus.READY,
    )
    enrolled(day_clinic, small_pathway, clinician=day_clinician, consultation_at=soon + 3 * DAY)
    other = make_staff(clinic=day_clinic, role=User.Role.CLINICIAN, full_name="Dr Other")
    enrolled(day_clinic, small_pathway, clinician=other)  # no consultation soon
    ClinicReminderSettings.objects.create(
        clinic=day_clinic, not_started=False, consultation_72h=False, day_before=False
    )
    run()
    run()
    digest = ClinicianDigest.objects.get()
    assert digest.clinician == day_clinician
    assert [p["patient_id"] for p in digest.patients] == [waiting.patient_id]
    [message] = mail.outbox
    assert message.to == [day_clinician.email]
    assert f"https://portal.example/clinic/patients/{waiting.patient_id}/" in message.body
    assert "Preparation not started" in message.body
    assert "1 patient with a consultation in the next 48 hours is not ready" in message.body


def test_no_digest_when_no_patient_of_the_clinician_needs_attention(
    day_clinic, day_clinician, small_pathway, run
):
    enrolled(
        day_clinic,
        small_pathway,
        clinician=day_clinician,
        consultation_at=timezone.now() + DAY,
        readiness_status=ReadinessStatus.READY,
    )
    run()
    assert not ClinicianDigest.objects.exists()
    assert not mail.outbox


def test_patient_emails_carry_one_click_unsubscribe_headers_and_8bit_utf8_text(
    day_clinic, small_pathway, run
):
    enrolled(day_clinic, small_pathway)
    run()
    message = mail.outbox[0]
    raw = message_from_bytes(message.message().as_bytes(), policy=default_policy)
    unsubscribe = raw["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://portal.example/reminders/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = [p for p in raw.walk() if p.get_content_maintype() == "text"]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    for part in parts:
        assert part["Content-Transfer-Encoding"] == "8bit"
        assert part.get_content_charset() == "utf-8"
        assert unsubscribe[1:-1] in part.get_content()


def test_selectors_for_the_clinic_pages(day_clinic, small_pathway, run):
    enrollment = enrolled(day_clinic, small_pathway)
    untouched = enrolled(day_clinic, small_pathway, enrolled_at=timezone.now())
    run()
    sent = list(selectors.reminders_sent_for_enrollment(enrollment.pk))
    assert [s.rule for s in sent] == ["not_started"]
    assert not selectors.reminders_sent_for_enrollment(untouched.pk).exists()
    reminded = selectors.enrollments_reminded_not_started(Enrollment.objects.all())
    assert list(reminded) == [enrollment]
    Enrollment.objects.filter(pk=enrollment.pk).update(readiness_status=ReadinessStatus.IN_PROGRESS)
    assert not selectors.enrollments_reminded_not_started(Enrollment.objects.all()).exists()
