"""What other apps lend accounts, so that accounts never imports them.

Education registers, in its ``AppConfig.ready``, the pathways an invitation may
carry and the patient's own record for the download on the account page; it
also listens to ``accounts.signals.invitation_accepted`` to enrol the patient.
Without a registration the pathway choice is empty and there is no record to
download."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from .models import Invitation

_providers: dict[str, Callable] = {}


def register(
    *,
    invitation_pathways: Callable[[], QuerySet] | None = None,
    patient_record: Callable[..., dict] | None = None,
) -> None:
    """``invitation_pathways()`` returns the pathways staff may choose from;
    ``patient_record(patient=user)`` returns the patient's record as JSON-ready data."""
    if invitation_pathways is not None:
        _providers["invitation_pathways"] = invitation_pathways
    if patient_record is not None:
        _providers["patient_record"] = patient_record


def invitation_pathways() -> QuerySet:
    provider = _providers.get("invitation_pathways")
    if provider is None:
        return Invitation._meta.get_field("pathway").related_model.objects.none()
    return provider()


def patient_record(*, patient) -> dict | None:
    """The patient's own record, or None when no app provides one."""
    provider = _providers.get("patient_record")
    return None if provider is None else provider(patient=patient)
