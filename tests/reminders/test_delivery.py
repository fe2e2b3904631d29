"""Delivery through real infrastructure: an SMTP server on loopback (aiosmtpd),
the database queue's worker, and RQ on the local Redis."""

from __future__ import annotations

import logging
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone

from reminders import services
from reminders.models import ReminderSend, SendStatus

from .conftest import DUMMY, enrolled

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    def __init__(self, answer: str = "250 OK"):
        self.answer = answer
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.answer.startswith("250"):
            self.messages.append((envelope.rcpt_tos, envelope.original_content))
        return self.answer


@pytest.fixture
def smtp_server(settings):
    """Start an SMTP server on a free loopback port and point Django's mailer at it."""
    servers = []

    def start(answer: str = "250 OK") -> Recorder:
        handler = Recorder(answer)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        settings.MAILERS = {
            "default": {
                "BACKEND": SMTP_BACKEND,
                "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
            }
        }
        return handler

    yield start
    for controller in servers:
        controller.stop()


@pytest.mark.django_db
def test_a_reminder_is_delivered_through_a_real_smtp_server_with_whole_links(
    smtp_server, day_clinic, small_pathway, django_capture_on_commit_callbacks
):
    server = smtp_server()
    enrollment = enrolled(day_clinic, small_pathway)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_schedule(now=timezone.now())
    [(recipients, raw)] = server.messages
    assert recipients == [enrollment.patient.email]
    message = message_from_bytes(raw, policy=default_policy)
    link = message["List-Unsubscribe"][1:-1]
    assert link.startswith("https://portal.example/reminders/unsubscribe/")
    text = message.get_body(("plain",))
    assert text["Content-Transfer-Encoding"] == "8bit"
    # The link is whole in the bytes on the wire, not folded or encoded.
    assert link.encode() in raw
    assert ReminderSend.objects.get().status == SendStatus.SENT


@pytest.mark.django_db
def test_a_451_from_the_server_marks_nothing_sent_schedules_a_retry_and_logs_no_address(
    smtp_server, day_clinic, small_pathway, settings, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    smtp_server("451 4.3.0 Mailbox busy, try again later")
    enrollment = enrolled(day_clinic, small_pathway)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.reminders_schedule(now=timezone.now()).reminders[0]
    default_task_backend.clear()
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="reminders"):
        assert services.reminder_deliver(send_id=send.pk, now=now) == "retry"
    send.refresh_from_db()
    assert send.status == SendStatus.PENDING
    assert send.sent_at is None
    assert send.attempts == 1
    assert send.last_error == "SMTPDataError 451"
    assert send.next_attempt_at == now + services.retry_delay(1)
    [retry] = default_task_backend.results
    assert retry.task.name == "deliver_reminder"
    assert retry.args == [send.pk]
    assert retry.task.run_after == send.next_attempt_at
    assert "451" in caplog.text
    assert enrollment.patient.email not in caplog.text
    # Too early for the retry: nothing happens; once it is time, it goes out.
    assert services.reminder_deliver(send_id=send.pk, now=now) == "not-pending"
    smtp_server()
    later = send.next_attempt_at
    assert services.reminder_deliver(send_id=send.pk, now=later) == "sent"
    send.refresh_from_db()
    assert (send.status, send.attempts) == (SendStatus.SENT, 2)


@pytest.mark.django_db
def test_the_backoff_doubles_and_gives_up_after_the_last_attempt(
    smtp_server, day_clinic, small_pathway, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    smtp_server("451 4.3.0 Try later")
    enrolled(day_clinic, small_pathway)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.reminders_schedule(now=timezone.now()).reminders[0]
    delays = [services.retry_delay(n).total_seconds() / 60 for n in range(1, 5)]
    assert delays == [2, 4, 8, 16]
    now = timezone.now()
    outcomes = []
    for _attempt in range(services.MAX_ATTEMPTS):
        outcomes.append(services.reminder_deliver(send_id=send.pk, now=now))
        send.refresh_from_db()
        now = send.next_attempt_at or now
    assert outcomes == ["retry"] * (services.MAX_ATTEMPTS - 1) + ["failed"]
    assert send.status == SendStatus.FAILED
    assert send.sent_at is None


@pytest.mark.django_db
def test_a_refused_connection_is_retried_too(day_clinic, small_pathway, settings):
    settings.TASKS = DUMMY
    settings.MAILERS = {
        "default": {
            "BACKEND": SMTP_BACKEND,
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    enrolled(day_clinic, small_pathway)
    send = services.reminders_schedule(now=timezone.now()).reminders[0]
    assert services.reminder_deliver(send_id=send.pk) == "retry"
    send.refresh_from_db()
    assert send.status == SendStatus.PENDING
    assert send.last_error == "ConnectionRefusedError"


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers_what_the_command_queued(
    smtp_server, day_clinic, small_pathway, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    server = smtp_server()
    enrollment = enrolled(day_clinic, small_pathway)
    call_command("send_reminders")
    assert ReminderSend.objects.get().status == SendStatus.PENDING
    assert not server.messages
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert [r for r, _raw in server.messages] == [[enrollment.patient.email]]
    assert ReminderSend.objects.get().status == SendStatus.SENT
    # A second run and a second worker pass send nothing more.
    call_command("send_reminders")
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert len(server.messages) == 1


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_the_rq_backend_on_redis_delivers_through_a_burst_worker(
    smtp_server, day_clinic, small_pathway, settings, rq_tasks
):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}
    rq_tasks()
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    server = smtp_server()
    enrollment = enrolled(day_clinic, small_pathway)
    try:
        call_command("send_reminders")  # queued on commit, on Redis
        assert queue.count == 1
        assert not server.messages
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
        assert [r for r, _raw in server.messages] == [[enrollment.patient.email]]
        assert ReminderSend.objects.get().status == SendStatus.SENT
    finally:
        queue.empty()
