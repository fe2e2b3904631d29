"""The dashboard as CSV: streamed row by row, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ReadinessStatus

CHUNK_SIZE = 2000
# A spreadsheet treats a cell starting with one of these as a formula: the ASCII
# signs, their full-width forms (which spreadsheets in East Asian locales read as the
# same signs), and a leading tab or carriage return.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")

EXPORT_FIELDS = (
    "patient__full_name",
    "patient__email",
    "consultation_at",
    "patient__patient_profile__primary_clinician__full_name",
    "readiness_status",
    "progress_percent",
    "open_flags",
    "first_attempt_score",
    "last_activity_at",
)


def neutralise(value) -> str:
    """A cell as text; one that a spreadsheet would run as a formula gets a leading '."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for ``csv.writer``."""

    def write(self, value):
        return value


def export_header() -> list[str]:
    return [
        _("Name"),
        _("E-mail"),
        _("Consultation"),
        _("Primary clinician"),
        _("Readiness"),
        _("Progress (%)"),
        _("Open flags"),
        _("First-attempt score (%)"),
        _("Last activity"),
    ]


def export_rows(enrollments: QuerySet) -> QuerySet:
    """Plain tuples, no model instances."""
    return enrollments.values_list(*EXPORT_FIELDS)


def _iso(value: datetime | None, tz: tzinfo) -> str:
    return timezone.localtime(value, tz).isoformat(timespec="minutes") if value else ""


def status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in ReadinessStatus.choices}


def csv_lines(
    rows: Iterable[tuple], *, tz: tzinfo, header: list[str], labels: dict[str, str]
) -> Iterator[str]:
    """Encode the rows as CSV lines. Texts and the time zone are resolved by the
    caller: a streamed body is read after the request's activations have ended."""
    writer = csv.writer(_Echo())
    yield writer.writerow([neutralise(cell) for cell in header])
    for (
        name,
        email,
        consultation_at,
        clinician,
        status,
        progress,
        flags,
        first_score,
        last_activity,
    ) in rows:
        yield writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    name,
                    email,
                    _iso(consultation_at, tz),
                    clinician,
                    labels.get(status, status),
                    progress,
                    flags,
                    first_score,
                    _iso(last_activity, tz),
                )
            ]
        )


def enrollments_csv(enrollments: QuerySet, *, tz: tzinfo) -> Iterator[str]:
    """The streamed body for a filtered dashboard queryset."""
    rows = export_rows(enrollments).iterator(chunk_size=CHUNK_SIZE)
    return csv_lines(rows, tz=tz, header=export_header(), labels=status_labels())
