from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from . import otp
from .forms import InvitationForm, OTPTokenForm, SetPasswordForm
from .models import User
from .permissions import clinic_staff_required, signed_in_required
from .services import (
    AccountsError,
    invitation_accept,
    invitation_create,
    invitation_get_from_token,
    invitation_url,
)


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """What django-axes shows after too many failed sign-ins (429). An htmx
    request is sent to the same page as a whole, not a swapped fragment."""
    if getattr(request, "htmx", False):
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
    form = SetPasswordForm(request.POST or None, user=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token, password=form.cleaned_data["password1"], request=request
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
        return redirect("home")
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


def _require_staff(request):
    if not request.user.is_clinic_staff:
        raise PermissionDenied


@signed_in_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with one code."""
    _require_staff(request)
    if user_has_device(request.user, confirmed=True):
        return redirect("accounts:otp-verify")
    device = otp.pending_totp_device(request.user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"].strip()):
            backup_codes = otp.totp_device_confirm(device=device)
            otp_login(request, device)
            return render(request, "accounts/otp_backup_codes.html", {"codes": backup_codes})
        form.add_error(
            "otp_token",
            _("That code did not match. Check the time on your phone and try the newest code."),
        )
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": otp.qr_svg(device), "secret": otp.base32_secret(device)},
    )


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
            return redirect(request.GET.get("next") or "home")
        form.add_error("otp_token", _("That code did not work. Try the newest code from your app."))
    return render(request, "accounts/otp_verify.html", {"form": form})
