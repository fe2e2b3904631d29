"""Readiness catches up with content changes: once a change to what patients
must do commits (content published, retired, a clinic's checklist item saved,
a clinic moving to another library version), the readiness snapshots of the
patients concerned are recomputed in the background, so the clinic's
dashboard never says "ready" for a patient who has new required content."""

from __future__ import annotations

import functools

from django.db import transaction


def _enqueue(clinic_id: int | None) -> None:
    from .tasks import readiness_recompute

    readiness_recompute.enqueue(clinic_id)


def readiness_recompute_after_commit(*, clinic_id: int | None) -> None:
    """Queue the recomputation once the current transaction commits: for one
    clinic's patients, or every clinic's (``clinic_id`` None: the shared
    library changed). Queued once per transaction and clinic, however many
    pieces of content it publishes (``load_curriculum`` publishes dozens)."""
    key = ("education.readiness_recompute", clinic_id)
    connection = transaction.get_connection()
    # The callbacks of a rolled-back savepoint leave this list, so a key
    # found here will run.
    if any(getattr(f, "once_key", None) == key for _ids, f, _robust in connection.run_on_commit):
        return
    callback = functools.partial(_enqueue, clinic_id)
    callback.once_key = key
    transaction.on_commit(callback)
