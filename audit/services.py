"""The one way to write an audit event. Never pass passwords, tokens, session
keys or patient free text in ``detail``: ids, counts and choices only."""

from portal.net import client_ip

from .models import AuditEvent


def audit_record(
    *,
    action: str,
    actor=None,
    clinic=None,
    patient=None,
    ip: str | None = None,
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Services pass the client's ``ip``; code at the request edge (sign-in
    signals, the admin) may pass the ``request`` instead."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if clinic is None:
        clinic_id = getattr(patient, "clinic_id", None) or getattr(actor, "clinic_id", None)
    else:
        clinic_id = clinic.pk
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        clinic_id=clinic_id,
        patient=patient,
        ip_address=client_ip(request) if request is not None else ip,
        detail=detail or {},
    )
