from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from audit.services import audit_record
from portal.htmx import is_htmx
from portal.legal import NOTICE_VERSION

from . import otp
from .forms import InvitationAcceptForm, InvitationForm, OTPTokenForm
from .models import User
from .permissions import clinic_staff_required, signed_in_required
from .redirects import is_safe_url, safe_next_url
from .services import (
    AccountsError,
    invitation_accept,
    invitation_create,
    invitation_get_from_token,
    invitation_resend,
    invitation_revoke,
    invitation_url,
    invitations_pending_for,
)
from .sessions import sessions_end_for_user


class SafeNextMixin:
    """Django's sign-in and sign-out views, with ``next`` checked by the one helper."""

    def get_redirect_url(self):
        target = self.request.POST.get("next", self.request.GET.get("next"))
        return target if is_safe_url(self.request, target) else ""


class SignInView(SafeNextMixin, auth_views.LoginView):
    pass


class SignOutView(SafeNextMixin, auth_views.LogoutView):
    pass


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """What django-axes shows after too many failed sign-ins (429). An htmx
    request is sent to the same page as a whole, not a swapped fragment."""
    if is_htmx(request):
        return HttpResponseClientRedirect(reverse("accounts:locked-out"))
    return render(request, "accounts/locked_out.html", status=429)


@require_GET
def locked_out_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_get_from_token(token)
    except AccountsError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=400
        )
    candidate = User(email=invitation.email, full_name=invitation.full_name)
    form = InvitationAcceptForm(request.POST or None, user=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                privacy_notice_version=NOTICE_VERSION,
                request=request,
            )
        except AccountsError as error:
            return render(
                request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=400
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome, %(name)s. Your account is ready.") % {"name": user.get_short_name()},
        )
        return redirect(safe_next_url(request))
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@clinic_staff_required
@require_http_methods(["GET", "POST"])
def invitation_create_view(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, inviter=request.user)
    link = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create(
                inviter=request.user,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                primary_clinician=data["primary_clinician"],
                consultation_at=data["consultation_at"],
                pathway=data["pathway"],
                date_of_birth=data["date_of_birth"],
                record_number=data["record_number"],
                request=request,
            )
        except AccountsError as error:
            form.add_error(None, str(error))
        else:
            link = invitation_url(invitation, request)
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works once, for 7 days.")
                % {"email": invitation.email},
            )
            form = InvitationForm(inviter=request.user)
    return render(request, "accounts/invitation_create.html", {"form": form, "link": link})


@clinic_staff_required
@require_GET
def invitation_list_view(request: HttpRequest) -> HttpResponse:
    """The clinic's pending invitations: who, invited by whom, when, until when."""
    invitations = list(invitations_pending_for(request.user))
    return render(request, "accounts/invitation_list.html", {"invitations": invitations})


@clinic_staff_required
@require_POST
def invitation_resend_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(invitations_pending_for(request.user), pk=invitation_id)
    try:
        invitation_resend(actor=request.user, invitation_id=invitation.pk, request=request)
    except AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("A new link is on its way to %(email)s; the earlier link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("accounts:invitation-list")


@clinic_staff_required
@require_POST
def invitation_revoke_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(invitations_pending_for(request.user), pk=invitation_id)
    try:
        invitation_revoke(actor=request.user, invitation_id=invitation.pk, request=request)
    except AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is revoked; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("accounts:invitation-list")


def _require_staff(request):
    user = request.user
    if not (user.is_clinic_staff or user.is_staff or user.is_superuser):
        raise PermissionDenied


@signed_in_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with one code.

    Every visit shows a fresh key kept in this session only; the code must come
    from the key this session was shown.
    """
    _require_staff(request)
    if user_has_device(request.user, confirmed=True):
        return redirect("accounts:otp-verify")
    key = otp.enrolment_key(request.session)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and key is None:
        key = otp.enrolment_key_new(request.session)
        form = OTPTokenForm()
        messages.error(request, _("The set-up page had expired. Scan this new code and try again."))
    elif request.method == "POST" and form.is_valid():
        step = otp.enrolment_token_matches(key, form.cleaned_data["otp_token"])
        if step is not None:
            device, backup_codes = otp_enrolment_confirm(request, key=key, step=step)
            return render(
                request,
                "accounts/otp_backup_codes.html",
                {"codes": backup_codes, "next": safe_next_url(request)},
            )
        form.add_error(
            "otp_token",
            _("That code did not match. Check the time on your phone and try the newest code."),
        )
    elif request.method == "GET":
        key = otp.enrolment_key_new(request.session)
    device = otp.enrolment_device(request.user, key)
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": otp.qr_svg(device), "secret": otp.base32_secret(device)},
    )


def otp_enrolment_confirm(request: HttpRequest, *, key: str, step: int):
    """Save the device, verify this session, end every other session of the account."""
    device, backup_codes = otp.totp_device_confirm(user=request.user, key=key, step=step)
    request.session.pop(otp.ENROLMENT_KEY_SESSION, None)
    otp_login(request, device)
    request.session.cycle_key()
    ended = sessions_end_for_user(request.user, keep=request.session.session_key)
    audit_record(
        action="accounts.two_factor.enrolled",
        actor=request.user,
        request=request,
        detail={"other_sessions_ended": ended},
    )
    return device, backup_codes


@signed_in_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step of a staff sign-in: one field, ``otp_token``."""
    _require_staff(request)
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:otp-setup")
    if request.user.is_verified():
        return redirect("home")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp_token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(safe_next_url(request))
        form.add_error("otp_token", _("That code did not work. Try the newest code from your app."))
    return render(request, "accounts/otp_verify.html", {"form": form})
