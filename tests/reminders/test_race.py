"""Two workers at the same moment (PostgreSQL, real concurrent connections):
the same reminder is recorded once and delivered once."""

import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.utils import timezone

from reminders import selectors, services
from reminders.models import ReminderSend, SendStatus

from .conftest import DUMMY, enrolled

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent database connections"
)


def in_threads(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(work())
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_two_workers_record_and_deliver_the_same_reminder_once(
    transactional_db, day_clinic, small_pathway, settings
):
    settings.TASKS = DUMMY
    enrolled(day_clinic, small_pathway)
    now = timezone.now()
    [candidate] = selectors.reminders_due(now=now)

    recorded, errors = in_threads(4, lambda: services.reminder_record(candidate=candidate, now=now))
    assert errors == []
    assert sum(r is not None for r in recorded) == 1
    send = ReminderSend.objects.get()

    outcomes, errors = in_threads(4, lambda: services.reminder_deliver(send_id=send.pk))
    assert errors == []
    assert sorted(outcomes) == ["not-pending"] * 3 + ["sent"]
    assert len(mail.outbox) == 1
    assert ReminderSend.objects.get().status == SendStatus.SENT
