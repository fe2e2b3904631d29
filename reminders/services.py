"""Writes: record what is due, deliver it once, and the patient's choice.

A send is recorded (unique per person, rule and occurrence) before its task is
queued on commit; the worker claims it with a conditional update, so two
workers never deliver the same row, and marks it sent only once the mail
server accepted it. Mail server errors are retried with backoff and logged
without the address.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation, User
from accounts.services import invitation_url

from . import emails, rules, selectors
from .models import (
    ClinicianDigest,
    ClinicReminderSettings,
    ReminderPreference,
    ReminderSend,
)
from .models import SendStatus as S

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=2)


class RemindersError(Exception):
    """A reminders rule was broken; the message is for the user."""


def retry_delay(attempts: int) -> timedelta:
    """2, 4, 8, 16 minutes after the 1st, 2nd, 3rd, 4th failed attempt."""
    return FIRST_RETRY * 2 ** (max(attempts, 1) - 1)


def _enqueue(kind: str, pk: int, *, run_after: datetime | None = None) -> None:
    from .tasks import deliver_digest, deliver_reminder

    task = deliver_reminder if kind == "reminder" else deliver_digest
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the next send_reminders run queues it again when it is time
        task = task.using(run_after=run_after)
    task.enqueue(pk)


def _describe(error: Exception) -> str:
    """What went wrong, without the server's text (it may name the address)."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


# --- Scheduling -------------------------------------------------------------------------


@dataclass
class ScheduleResult:
    reminders: list[ReminderSend]
    digests: list[ClinicianDigest]
    requeued: int


def reminder_record(*, candidate: selectors.Candidate, now: datetime) -> ReminderSend | None:
    """Record one due reminder and queue its delivery on commit. None when the
    same occurrence was already recorded (by this run, an earlier one, or a
    worker racing this one): the unique constraint decides."""
    decision = candidate.decision
    try:
        with transaction.atomic():
            send = ReminderSend.objects.create(
                rule=decision.rule.value,
                occurrence_key=decision.key,
                reason=decision.reason[:300],
                clinic_id=candidate.clinic_id,
                enrollment_id=candidate.enrollment_id,
                invitation_id=candidate.invitation_id,
                email=candidate.email,
                created_at=now,
            )
            transaction.on_commit(lambda: _enqueue("reminder", send.pk))
    except IntegrityError:
        return None
    return send


def digest_record(*, candidate: selectors.DigestCandidate, now: datetime) -> ClinicianDigest | None:
    patients = [
        {
            "patient_id": p.patient_id,
            "name": p.name,
            "consultation_at": p.consultation_at.isoformat(),
            "reasons": list(rules.what_is_left(p.status, p.percent, p.open_flags)),
        }
        for p in candidate.patients
    ]
    try:
        with transaction.atomic():
            digest = ClinicianDigest.objects.create(
                clinician_id=candidate.clinician_id,
                clinic_id=candidate.clinic_id,
                local_day=candidate.local_day,
                patients=patients,
                created_at=now,
            )
            transaction.on_commit(lambda: _enqueue("digest", digest.pk))
    except IntegrityError:
        return None
    return digest


def reminders_schedule(*, now: datetime) -> ScheduleResult:
    """Record and queue everything due at ``now``; queue again what waits for a retry."""
    reminders = []
    emails_this_run: set[str] = set()
    for candidate in selectors.reminders_due(now=now):
        if candidate.email in emails_this_run:
            continue  # one reminder per person per run (and per 48 hours)
        send = reminder_record(candidate=candidate, now=now)
        if send is not None:
            reminders.append(send)
            emails_this_run.add(candidate.email)
    digests = [
        digest
        for candidate in selectors.digests_due(now=now)
        if (digest := digest_record(candidate=candidate, now=now)) is not None
    ]
    requeued = 0
    for model, kind in ((ReminderSend, "reminder"), (ClinicianDigest, "digest")):
        waiting = model.objects.filter(status=S.PENDING, next_attempt_at__lte=now)
        for pk in waiting.values_list("pk", flat=True):
            _enqueue(kind, pk)
            requeued += 1
    return ScheduleResult(reminders=reminders, digests=digests, requeued=requeued)


# --- Delivery ---------------------------------------------------------------------------


def _claim(model, pk: int, now: datetime) -> bool:
    """Pending → sending, for exactly one worker."""
    return bool(
        model.objects.filter(pk=pk, status=S.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=S.SENDING, attempts=F("attempts") + 1)
    )


def _failed(model, row, kind: str, error: Exception, now: datetime) -> str:
    attempts = row.attempts
    described = _describe(error)
    if attempts >= MAX_ATTEMPTS:
        model.objects.filter(pk=row.pk).update(status=S.FAILED, last_error=described)
        logger.error("%s %s: giving up after %s attempts (%s)", kind, row.pk, attempts, described)
        return "failed"
    retry_at = now + retry_delay(attempts)
    model.objects.filter(pk=row.pk).update(
        status=S.PENDING, last_error=described, next_attempt_at=retry_at
    )
    logger.warning(
        "%s %s: mail server did not accept it (%s), attempt %s; retry at %s",
        kind,
        row.pk,
        described,
        attempts,
        retry_at.isoformat(),
    )
    _enqueue(kind, row.pk, run_after=retry_at)
    return "retry"


def _hold_until_morning(model, row, kind: str, clinic_facts, now: datetime) -> str:
    morning = rules.next_morning(now, clinic_facts)
    model.objects.filter(pk=row.pk).update(
        status=S.PENDING, attempts=F("attempts") - 1, next_attempt_at=morning
    )
    _enqueue(kind, row.pk, run_after=morning)
    return "held"


def _clinic_facts(clinic) -> rules.ClinicFacts:
    switches = ClinicReminderSettings.objects.filter(clinic=clinic).first()
    return rules.ClinicFacts(
        timezone=clinic.timezone, rules_off=switches.rules_off if switches else frozenset()
    )


def _is_opted_out(email: str) -> bool:
    return bool(selectors.opted_out_emails([email]))


def _no_longer_wanted(send: ReminderSend, clinic: rules.ClinicFacts, now: datetime) -> str:
    if send.rule in clinic.rules_off:
        return rules.Suppression.RULE_OFF.value
    if send.enrollment_id:
        facts = selectors.patient_facts(send.enrollment, opted_out=_is_opted_out(send.email))
        suppression = rules.still_wanted(facts, now)
        return suppression.value if suppression else ""
    invitation = send.invitation
    if invitation.accepted_at or User.objects.filter(email__iexact=invitation.email).exists():
        return "accepted"
    if _is_opted_out(send.email):
        return rules.Suppression.OPTED_OUT.value
    if rules.consultation_over(invitation.consultation_at, now):
        return rules.Suppression.CONSULTATION_OVER.value
    return ""


def _reminder_context(send: ReminderSend, now: datetime) -> tuple[str, dict, str]:
    clinic = send.clinic
    context = {"clinic": clinic, "rule": send.rule}
    if send.invitation_id:
        invitation = send.invitation
        context["invitation_link"] = (
            emails.absolute(invitation_url(invitation)) if invitation.expires_at > now else ""
        )
        context["full_name"] = invitation.full_name
        token = emails.unsubscribe_token(invitation_id=invitation.pk)
        return "invitation", context, token
    enrollment = send.enrollment
    context.update(
        full_name=enrollment.patient.full_name,
        left=rules.what_is_left(
            enrollment.readiness_status, enrollment.progress_percent, enrollment.open_flags
        ),
        consultation_at=enrollment.consultation_at,
        learn_url=emails.absolute(reverse("education:home")),
        summary_url=emails.absolute(reverse("education:summary")),
        settings_url=emails.absolute(reverse("reminders:settings")),
    )
    return "reminder", context, emails.unsubscribe_token(user_id=enrollment.patient_id)


def reminder_deliver(*, send_id: int, now: datetime | None = None) -> str:
    """Deliver one recorded reminder; safe to call any number of times."""
    now = now or timezone.now()
    if not _claim(ReminderSend, send_id, now):
        return "not-pending"
    send = ReminderSend.objects.select_related("clinic", "enrollment__patient", "invitation").get(
        pk=send_id
    )
    clinic = _clinic_facts(send.clinic)
    reason = _no_longer_wanted(send, clinic, now)
    if reason:
        ReminderSend.objects.filter(pk=send_id).update(status=S.SKIPPED, skipped_because=reason)
        return "skipped"
    if rules.in_quiet_hours(now, clinic):
        return _hold_until_morning(ReminderSend, send, "reminder", clinic, now)
    template, context, token = _reminder_context(send, now)
    message = emails.patient_message(to=send.email, template=template, context=context, token=token)
    try:
        message.send(using="default")
    except (smtplib.SMTPException, OSError) as error:
        return _failed(ReminderSend, send, "reminder", error, now)
    ReminderSend.objects.filter(pk=send_id).update(
        status=S.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def digest_deliver(*, digest_id: int, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if not _claim(ClinicianDigest, digest_id, now):
        return "not-pending"
    digest = ClinicianDigest.objects.select_related("clinic", "clinician").get(pk=digest_id)
    clinic = _clinic_facts(digest.clinic)
    if not digest.clinician.is_active:
        ClinicianDigest.objects.filter(pk=digest_id).update(status=S.SKIPPED)
        return "skipped"
    if rules.in_quiet_hours(now, clinic):
        return _hold_until_morning(ClinicianDigest, digest, "digest", clinic, now)
    patients = [
        {
            **p,
            "consultation_at": datetime.fromisoformat(p["consultation_at"]),
            "brief_url": emails.absolute(f"/clinic/patients/{p['patient_id']}/"),
        }
        for p in digest.patients
    ]
    message = emails.digest_message(
        to=digest.clinician.email,
        context={
            "clinic": digest.clinic,
            "clinician": digest.clinician,
            "patients": patients,
            "clinic_url": emails.absolute("/clinic/"),
            "tz": digest.clinic.timezone,
        },
    )
    try:
        message.send(using="default")
    except (smtplib.SMTPException, OSError) as error:
        return _failed(ClinicianDigest, digest, "digest", error, now)
    ClinicianDigest.objects.filter(pk=digest_id).update(
        status=S.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


# --- The patient's choice ---------------------------------------------------------------


@transaction.atomic
def reminder_preference_set(*, email: str, enabled: bool, user: User | None = None):
    email = email.lower()
    preference, _created = ReminderPreference.objects.select_for_update().get_or_create(
        email=email, defaults={"user": user, "reminders_enabled": enabled}
    )
    preference.reminders_enabled = enabled
    if user is not None and preference.user_id is None:
        preference.user = user
    preference.updated_at = timezone.now()
    preference.save()
    return preference


def reminders_enabled_for(user: User) -> bool:
    return not selectors.opted_out_emails([user.email])


def unsubscribe_target(token: str) -> tuple[str, User | None]:
    """The address behind an unsubscribe link (and its account, if any)."""
    try:
        payload = emails.unsubscribe_payload(token)
    except signing.BadSignature as error:
        raise RemindersError(_("This unsubscribe link is not valid.")) from error
    if "u" in payload:
        user = User.objects.filter(pk=payload["u"]).first()
        if user is None:
            raise RemindersError(_("This unsubscribe link is not valid any more."))
        return user.email, user
    invitation = Invitation.objects.filter(pk=payload["i"]).first()
    if invitation is None:
        raise RemindersError(_("This unsubscribe link is not valid any more."))
    user = User.objects.filter(email__iexact=invitation.email).first()
    return invitation.email, user


def reminder_unsubscribe(*, token: str) -> ReminderPreference:
    email, user = unsubscribe_target(token)
    return reminder_preference_set(email=email, enabled=False, user=user)
