"""Account writes: invitations. One transaction each."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.services import audit_record

from .models import Invitation, PatientProfile, User
from .signals import invitation_accepted

INVITATION_SALT = "accounts.invitation"


class AccountsError(Exception):
    """A rule of the accounts app was broken; the message is for the user."""


ALREADY_REGISTERED = _lazy(
    "This e-mail address already has a ConsultReady account, so this invitation cannot "
    "create another. Sign in with it, or contact the clinic that invited you: they can "
    "help you from there."
)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation, request=None) -> str:
    path = reverse("accounts:invitation-accept", args=[invitation_token(invitation)])
    return request.build_absolute_uri(path) if request else path


def invitation_get_from_token(token: str) -> Invitation:
    """The invitation behind a link, or AccountsError saying why it cannot be used."""
    try:
        data = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=settings.INVITATION_MAX_AGE,
        )
    except signing.SignatureExpired as exc:
        raise AccountsError(
            _("This invitation has expired. Ask your clinic to send you a new one.")
        ) from exc
    except signing.BadSignature as exc:
        raise AccountsError(
            _("This invitation link is not valid. Check that you copied the whole link.")
        ) from exc
    invitation = (
        Invitation.objects.select_related("clinic", "invited_by")
        .filter(pk=data.get("i"), nonce=data.get("n"))
        .first()
    )
    if invitation is None:
        raise AccountsError(_("This invitation link is not valid."))
    if invitation.invited_by is not None and not invitation.invited_by.is_active:
        # The person who invited them has left the clinic: the link dies with them.
        raise AccountsError(
            _("This invitation is no longer valid. Ask your clinic to send you a new one.")
        )
    if invitation.is_accepted:
        raise AccountsError(
            _("This invitation has already been used. Sign in with your e-mail address.")
        )
    if invitation.is_expired:
        raise AccountsError(
            _("This invitation has expired. Ask your clinic to send you a new one.")
        )
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise AccountsError(ALREADY_REGISTERED)
    return invitation


def _can_invite(inviter: User, role: str) -> bool:
    if inviter.clinic_id is None:
        return False
    if role == User.Role.PATIENT:
        return inviter.is_clinic_staff
    if role in {User.Role.CLINICIAN, User.Role.CLINIC_ADMIN}:
        return inviter.is_clinic_admin
    return False


@transaction.atomic
def invitation_create(
    *,
    inviter: User,
    email: str,
    full_name: str,
    role: str = User.Role.PATIENT,
    primary_clinician: User | None = None,
    consultation_at=None,
    pathway=None,
    date_of_birth=None,
    record_number: str = "",
    request=None,
) -> Invitation:
    """Invite someone into the inviter's own clinic and e-mail them the link."""
    if not _can_invite(inviter, role):
        raise AccountsError(_("You cannot send this kind of invitation."))
    # Whether the address already has an account (perhaps at another clinic) is not
    # said here: the invitation is recorded and sent either way, and accepting it
    # with an address that has an account creates and links nothing.
    email = User.objects.normalize_email(email).lower()
    if primary_clinician is not None and (
        primary_clinician.clinic_id != inviter.clinic_id or not primary_clinician.is_clinic_staff
    ):
        raise AccountsError(_("Choose a clinician from your own clinic."))

    now = timezone.now()
    invitation = Invitation.objects.create(
        clinic_id=inviter.clinic_id,
        email=email,
        full_name=full_name.strip(),
        role=role,
        invited_by=inviter,
        primary_clinician=primary_clinician if role == User.Role.PATIENT else None,
        consultation_at=consultation_at if role == User.Role.PATIENT else None,
        pathway=pathway if role == User.Role.PATIENT else None,
        date_of_birth=date_of_birth if role == User.Role.PATIENT else None,
        record_number=(record_number or "").strip() if role == User.Role.PATIENT else "",
        created_at=now,
        expires_at=now + settings.INVITATION_MAX_AGE,
    )
    _invitation_mail(invitation, inviter.clinic, request)
    audit_record(
        action="accounts.invitation.sent",
        actor=inviter,
        request=request,
        detail={"invitation": invitation.pk, "role": role},
    )
    return invitation


def _invitation_mail(invitation: Invitation, clinic, request=None) -> None:
    link = invitation_url(invitation, request)
    context = {"invitation": invitation, "link": link, "clinic": clinic}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("Your invitation to ConsultReady from %(clinic)s") % {"clinic": clinic.name},
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    )


def invitations_pending_for(staff: User):
    """The clinic's invitations not yet accepted, expired or revoked that
    ``staff`` may send: patients for clinicians, everyone for clinic admins."""
    roles = [r for r in User.Role.values if _can_invite(staff, r)]
    return (
        Invitation.objects.filter(
            clinic_id=staff.clinic_id,
            role__in=roles,
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def _pending_locked(actor: User, invitation_id: int) -> Invitation:
    invitation = (
        invitations_pending_for(actor)
        .select_for_update(of=("self",))
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise AccountsError(_("This invitation is no longer pending."))
    return invitation


@transaction.atomic
def invitation_resend(*, actor: User, invitation_id: int, request=None) -> Invitation:
    """Send a fresh link with a new expiry; the old link stops working."""
    invitation = _pending_locked(actor, invitation_id)
    now = timezone.now()
    invitation.nonce = Invitation._meta.get_field("nonce").get_default()
    invitation.expires_at = now + settings.INVITATION_MAX_AGE
    invitation.save(update_fields=["nonce", "expires_at"])
    _invitation_mail(invitation, actor.clinic, request)
    audit_record(
        action="accounts.invitation.resent",
        actor=actor,
        request=request,
        detail={"invitation": invitation.pk, "role": invitation.role},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation_id: int, request=None) -> Invitation:
    """End an invitation now: its link stops working and it leaves the pending list."""
    invitation = _pending_locked(actor, invitation_id)
    invitation.nonce = Invitation._meta.get_field("nonce").get_default()
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["nonce", "expires_at"])
    audit_record(
        action="accounts.invitation.revoked",
        actor=actor,
        request=request,
        detail={"invitation": invitation.pk, "role": invitation.role},
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, privacy_notice_version: str = "", request=None
) -> User:
    """Create the account behind an invitation; the link works once. The version
    of the privacy notice and terms the person ticked is recorded with the time."""
    invitation = invitation_get_from_token(token)
    # Lock the row so two tabs cannot both accept it.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_accepted:
        raise AccountsError(_("This invitation has already been used."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise AccountsError(ALREADY_REGISTERED)

    user = User(
        email=invitation.email,
        full_name=invitation.full_name,
        role=invitation.role,
        clinic_id=invitation.clinic_id,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    if privacy_notice_version:
        user.privacy_notice_version = privacy_notice_version
        user.privacy_accepted_at = timezone.now()
    # Clinic admins edit content in the admin site.
    user.is_staff = invitation.role == User.Role.CLINIC_ADMIN
    user.save()
    if invitation.role == User.Role.PATIENT:
        PatientProfile.objects.create(
            user=user,
            primary_clinician=invitation.primary_clinician,
            consultation_at=invitation.consultation_at,
            date_of_birth=invitation.date_of_birth,
            record_number=invitation.record_number,
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    # In this transaction: education gives a clinic admin the content editors' group
    # and enrols a patient on the invitation's pathway.
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    audit_record(
        action="accounts.invitation.accepted",
        actor=user,
        request=request,
        detail={"invitation": invitation.pk, "privacy_notice_version": privacy_notice_version},
    )
    return user
