"""The dashboard as CSV, and the detail a clinic files (flags, questions,
reviews, outcomes): streamed row by row, safe to open in a spreadsheet. UTF-8
with a byte-order mark, so Excel reads accented names; times as
``YYYY-MM-DD HH:MM`` in the clinic's time zone, which Excel reads as dates."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ChecklistResponse,
    ClinicianReview,
    ConsultationOutcome,
    PatientQuestion,
    ReadinessStatus,
)

CHUNK_SIZE = 2000
BOM = "\ufeff"
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


def _local(value: datetime | None, tz: tzinfo) -> str:
    return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M") if value else ""


def status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in ReadinessStatus.choices}


def csv_lines(
    rows: Iterable[tuple], *, tz: tzinfo, header: list[str], labels: dict[str, str]
) -> Iterator[str]:
    """Encode the rows as CSV lines. Texts and the time zone are resolved by the
    caller: a streamed body is read after the request's activations have ended."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([neutralise(cell) for cell in header])
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
                    _local(consultation_at, tz),
                    clinician,
                    labels.get(status, status),
                    progress,
                    flags,
                    first_score,
                    _local(last_activity, tz),
                )
            ]
        )


def enrollments_csv(enrollments: QuerySet, *, tz: tzinfo) -> Iterator[str]:
    """The streamed body for a filtered dashboard queryset."""
    rows = export_rows(enrollments).iterator(chunk_size=CHUNK_SIZE)
    return csv_lines(rows, tz=tz, header=export_header(), labels=status_labels())


# --- The detail a clinic files ---------------------------------------------


def detail_header() -> list[str]:
    return [
        _("Name"),
        _("E-mail"),
        _("Record"),
        _("Date"),
        _("Item"),
        _("Answer or outcome"),
        _("Patient's words"),
        _("Clinic note"),
        _("By"),
    ]


def detail_labels() -> dict[str, str]:
    """Every choice label the detail export writes, resolved while the request's
    language is active."""
    labels = {f"flag:{v}": str(label) for v, label in ChecklistResponse.FlagStatus.choices}
    labels.update({f"review:{v}": str(label) for v, label in ClinicianReview.Outcome.choices})
    labels.update({f"outcome:{v}": str(label) for v, label in ConsultationOutcome.Outcome.choices})
    labels.update(
        {
            "kind:flag": _("Checklist flag"),
            "kind:question": _("Patient question"),
            "kind:review": _("Clinician review"),
            "kind:outcome": _("Consultation outcome"),
        }
    )
    return labels


def detail_rows(enrollments: QuerySet) -> Iterator[tuple]:
    """(name, e-mail, kind, when, item, choice key, patient text, clinic text, by):
    one query per kind, each streamed."""
    ids = enrollments.order_by().values("pk")
    person = ("enrollment__patient__full_name", "enrollment__patient__email")
    flags = (
        ChecklistResponse.objects.filter(enrollment__in=ids)
        .exclude(flag_status=ChecklistResponse.FlagStatus.NONE)
        .order_by("enrollment_id", "answered_at", "pk")
        .values_list(
            *person,
            "answered_at",
            "item__text",
            "flag_status",
            "note",
            "flag_note",
            "flag_discussed_by__full_name",
        )
    )
    for name, email, at, item, status, note, flag_note, by in flags.iterator(CHUNK_SIZE):
        yield (name, email, "flag", at, item, f"flag:{status}", note, flag_note, by)
    questions = (
        PatientQuestion.objects.filter(enrollment__in=ids)
        .order_by("enrollment_id", "created_at", "pk")
        .values_list(*person, "created_at", "text")
    )
    for name, email, at, text in questions.iterator(CHUNK_SIZE):
        yield (name, email, "question", at, "", "", text, "", "")
    reviews = (
        ClinicianReview.objects.filter(enrollment__in=ids)
        .order_by("enrollment_id", "created_at", "pk")
        .values_list(
            *person, "created_at", "outcome", "note", "override_reason", "clinician__full_name"
        )
    )
    for name, email, at, outcome, note, override, by in reviews.iterator(CHUNK_SIZE):
        clinic_text = "\n".join(t for t in (note, override) if t)
        yield (name, email, "review", at, "", f"review:{outcome}", "", clinic_text, by)
    outcomes = (
        ConsultationOutcome.objects.filter(enrollment__in=ids)
        .order_by("enrollment_id", "recorded_at", "pk")
        .values_list(
            *person, "recorded_at", "outcome", "rescheduled_to", "note", "recorded_by__full_name"
        )
    )
    for name, email, at, outcome, moved_to, note, by in outcomes.iterator(CHUNK_SIZE):
        yield (name, email, "outcome", at, moved_to, f"outcome:{outcome}", "", note, by)


def detail_lines(
    rows: Iterable[tuple], *, tz: tzinfo, header: list[str], labels: dict[str, str]
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([neutralise(cell) for cell in header])
    for name, email, kind, at, item, choice, patient_text, clinic_text, by in rows:
        if isinstance(item, datetime):  # a rescheduled outcome: the new date
            item = _local(item, tz)
        yield writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    name,
                    email,
                    labels.get(f"kind:{kind}", kind),
                    _local(at, tz),
                    item,
                    labels.get(choice, choice),
                    patient_text,
                    clinic_text,
                    by,
                )
            ]
        )


def enrollment_details_csv(enrollments: QuerySet, *, tz: tzinfo) -> Iterator[str]:
    """The streamed detail export for a filtered dashboard queryset."""
    return detail_lines(
        detail_rows(enrollments), tz=tz, header=detail_header(), labels=detail_labels()
    )
