"""Reads: the facts the reminder rules need, what is due, and what was sent."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import Clinic, Invitation, User
from education.models import Enrollment, ReadinessStatus

from . import rules
from .models import ClinicianDigest, ClinicReminderSettings, ReminderPreference, ReminderSend
from .models import SendStatus as S

# Invitations older than this are past both reminders; they are not read at all.
INVITATION_HORIZON = timedelta(days=30)
COUNTING = (S.PENDING, S.SENDING, S.SENT)


@dataclass(frozen=True)
class Candidate:
    """One person's decision at one moment: an enrollment or an invitation."""

    clinic_id: int
    email: str
    decision: rules.Decision
    enrollment_id: int | None = None
    invitation_id: int | None = None

    @property
    def is_due(self) -> bool:
        return self.decision.is_due


@dataclass(frozen=True)
class DigestCandidate:
    clinic_id: int
    clinician_id: int
    email: str
    local_day: object
    patients: tuple[rules.DigestPatient, ...]


def clinic_facts() -> dict[int, rules.ClinicFacts]:
    switches = {s.clinic_id: s.rules_off for s in ClinicReminderSettings.objects.all()}
    return {
        clinic.pk: rules.ClinicFacts(
            timezone=clinic.timezone, rules_off=switches.get(clinic.pk, frozenset())
        )
        for clinic in Clinic.objects.only("pk", "timezone")
    }


def digest_clinic_ids_off() -> set[int]:
    return set(
        ClinicReminderSettings.objects.filter(clinician_digest=False).values_list(
            "clinic_id", flat=True
        )
    )


def opted_out_emails(emails) -> set[str]:
    return set(
        ReminderPreference.objects.filter(
            email__in=[e.lower() for e in emails], reminders_enabled=False
        ).values_list("email", flat=True)
    )


def _histories(sends: QuerySet[ReminderSend], key_field: str, now: datetime):
    """subject id -> (rule, key) pairs; e-mail -> last counting send."""
    sent: dict[int, set] = defaultdict(set)
    for subject_id, rule, key in sends.values_list(key_field, "rule", "occurrence_key"):
        sent[subject_id].add((rule, key))
    last: dict[str, datetime] = {}
    recent = ReminderSend.objects.filter(
        status__in=COUNTING, created_at__gt=now - rules.MIN_GAP - timedelta(days=1)
    ).annotate(moment=Coalesce("sent_at", "created_at"))
    for email, moment in recent.values_list("email", "moment"):
        if email not in last or moment > last[email]:
            last[email] = moment
    return sent, last


def _enrollments_to_consider(now: datetime) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(patient__role=User.Role.PATIENT)
        .exclude(readiness_status=ReadinessStatus.READY)
        .filter(Q(consultation_at__isnull=True) | Q(consultation_at__gt=now))
        .select_related("patient")
        .only(
            "pk",
            "clinic_id",
            "readiness_status",
            "progress_percent",
            "open_flags",
            "enrolled_at",
            "last_activity_at",
            "consultation_at",
            "patient__email",
            "patient__is_active",
        )
        .order_by("pk")
    )


def patient_facts(enrollment: Enrollment, *, opted_out: bool) -> rules.PatientFacts:
    return rules.PatientFacts(
        status=enrollment.readiness_status,
        percent=enrollment.progress_percent,
        open_flags=enrollment.open_flags,
        enrolled_at=enrollment.enrolled_at,
        last_activity_at=enrollment.last_activity_at,
        consultation_at=enrollment.consultation_at,
        opted_out=opted_out,
        active=enrollment.patient.is_active,
    )


def _pending_invitations(now: datetime) -> QuerySet[Invitation]:
    joined = User.objects.filter(email__iexact=OuterRef("email"))
    return (
        Invitation.objects.filter(
            role=User.Role.PATIENT,
            accepted_at__isnull=True,
            created_at__lte=now - rules.INVITATION_FIRST,
            created_at__gt=now - INVITATION_HORIZON,
        )
        .exclude(Exists(joined))
        .order_by("pk")
    )


def reminder_candidates(*, now: datetime) -> list[Candidate]:
    """Every person a rule speaks about at ``now``, due or held back (and why)."""
    clinics = clinic_facts()
    enrollments = list(_enrollments_to_consider(now))
    invitations = list(_pending_invitations(now))
    emails = {e.patient.email.lower() for e in enrollments} | {i.email for i in invitations}
    opted_out = opted_out_emails(emails)

    found: list[Candidate] = []
    sent, last = _histories(
        ReminderSend.objects.filter(enrollment__in=[e.pk for e in enrollments]),
        "enrollment_id",
        now,
    )
    for enrollment in enrollments:
        email = enrollment.patient.email.lower()
        facts = patient_facts(enrollment, opted_out=email in opted_out)
        history = rules.History(
            last_sent_at=last.get(email), sent=frozenset(sent.get(enrollment.pk, ()))
        )
        decision = rules.patient_decision(facts, now, clinics[enrollment.clinic_id], history)
        if decision.rule is not None:
            found.append(
                Candidate(enrollment.clinic_id, email, decision, enrollment_id=enrollment.pk)
            )

    sent, last = _histories(
        ReminderSend.objects.filter(invitation__in=[i.pk for i in invitations]),
        "invitation_id",
        now,
    )
    for invitation in invitations:
        facts = rules.InvitationFacts(
            created_at=invitation.created_at,
            consultation_at=invitation.consultation_at,
            opted_out=invitation.email in opted_out,
        )
        history = rules.History(
            last_sent_at=last.get(invitation.email), sent=frozenset(sent.get(invitation.pk, ()))
        )
        decision = rules.invitation_decision(facts, now, clinics[invitation.clinic_id], history)
        if decision.rule is not None:
            found.append(
                Candidate(
                    invitation.clinic_id, invitation.email, decision, invitation_id=invitation.pk
                )
            )
    return found


def reminders_due(*, now: datetime) -> list[Candidate]:
    return [c for c in reminder_candidates(now=now) if c.is_due]


def digests_due(*, now: datetime) -> list[DigestCandidate]:
    """One digest per clinician whose clinic's morning it is and who has
    patients not ready with a consultation in the next 48 hours. Patients
    without a primary clinician appear in every clinician's digest of their
    clinic, so nobody is missed."""
    by_clinician, by_clinic_unassigned = _digest_patients(now)
    if not by_clinician and not by_clinic_unassigned:
        return []
    clinics = clinic_facts()
    clinicians = User.objects.filter(
        is_active=True,
        role__in=[User.Role.CLINICIAN, User.Role.CLINIC_ADMIN],
        clinic_id__isnull=False,
    ).filter(
        Q(pk__in=list(by_clinician))
        | Q(role=User.Role.CLINICIAN, clinic_id__in=list(by_clinic_unassigned))
    )
    sent_days: dict[int, set] = defaultdict(set)
    for clinician_id, day in ClinicianDigest.objects.filter(
        local_day__gte=(now - timedelta(days=2)).date()
    ).values_list("clinician_id", "local_day"):
        sent_days[clinician_id].add(day)
    found = []
    for clinician in clinicians.order_by("pk"):
        patients = [
            p
            for clinic_id, p in by_clinician.get(clinician.pk, [])
            if clinic_id == clinician.clinic_id
        ]
        patients += by_clinic_unassigned.get(clinician.clinic_id, [])
        decision = rules.digest_decision(
            patients, now, clinics[clinician.clinic_id], frozenset(sent_days[clinician.pk])
        )
        if decision.due:
            found.append(
                DigestCandidate(
                    clinic_id=clinician.clinic_id,
                    clinician_id=clinician.pk,
                    email=clinician.email,
                    local_day=decision.local_day,
                    patients=decision.patients,
                )
            )
    return found


def _digest_patients(now: datetime) -> tuple[dict, dict]:
    """Patients not ready with a consultation within the digest window: by
    primary clinician (with their clinic), and by clinic for those without one."""
    enrollments = (
        Enrollment.objects.exclude(readiness_status=ReadinessStatus.READY)
        .filter(
            consultation_at__gt=now,
            consultation_at__lte=now + rules.DIGEST_WINDOW,
            patient__is_active=True,
        )
        .exclude(clinic_id__in=digest_clinic_ids_off())
        .select_related("patient", "patient__patient_profile")
        .order_by("consultation_at", "pk")
    )
    by_clinician: dict[int | None, list] = defaultdict(list)
    by_clinic_unassigned: dict[int, list] = defaultdict(list)
    for enrollment in enrollments:
        profile = getattr(enrollment.patient, "patient_profile", None)
        patient = rules.DigestPatient(
            patient_id=enrollment.patient_id,
            name=enrollment.patient.full_name or enrollment.patient.email,
            status=enrollment.readiness_status,
            percent=enrollment.progress_percent,
            open_flags=enrollment.open_flags,
            consultation_at=enrollment.consultation_at,
        )
        if profile is not None and profile.primary_clinician_id:
            by_clinician[profile.primary_clinician_id].append((enrollment.clinic_id, patient))
        else:
            by_clinic_unassigned[enrollment.clinic_id].append(patient)
    return by_clinician, by_clinic_unassigned


# --- For the clinic pages ----------------------------------------------------------------


def reminders_sent_for_enrollment(enrollment_id: int) -> QuerySet[ReminderSend]:
    """The reminders a patient was sent (newest first), for the brief."""
    return ReminderSend.objects.filter(enrollment_id=enrollment_id, status=S.SENT).only(
        "pk", "rule", "reason", "sent_at", "created_at", "status"
    )


def enrollments_reminded_not_started(queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """The dashboard's "reminded, still not started" filter on any enrollment queryset."""
    reminded = ReminderSend.objects.filter(enrollment_id=OuterRef("pk"), status=S.SENT)
    return queryset.filter(readiness_status=ReadinessStatus.NOT_STARTED).filter(Exists(reminded))
