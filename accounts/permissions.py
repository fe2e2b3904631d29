"""Role checks at the view edge, and lookups that 404 on other people's data."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

from portal.htmx import is_htmx

from .models import User
from .redirects import is_safe_url


def _login_redirect(request):
    if is_htmx(request):
        # A fragment must not become a login form: send the whole page there.
        next_url = request.headers.get("HX-Current-URL") or request.get_full_path()
        login_url = resolve_url(settings.LOGIN_URL)
        return HttpResponseClientRedirect(f"{login_url}?{urlencode({'next': next_url})}")
    return redirect_to_login(request.get_full_path())


def _second_factor_redirect(request):
    """Staff who have not passed the second factor in this session: to the code
    form, or to enrolment when they have no authenticator yet, then back to the
    page they asked for."""
    confirmed = user_has_device(request.user, confirmed=True)
    target = reverse("accounts:otp-verify" if confirmed else "accounts:otp-setup")
    if is_htmx(request):
        back = request.headers.get("HX-Current-URL")
        back = back if is_safe_url(request, back) else None
    else:
        back = request.get_full_path() if request.method == "GET" else None
    if back:
        target = f"{target}?{urlencode({'next': back})}"
    if is_htmx(request):
        return HttpResponseClientRedirect(target)
    return redirect(target)


def needs_second_factor(user) -> bool:
    """Staff (clinic staff, admin-site users) who have not passed the second
    factor in this session."""
    staff = user.is_clinic_staff or user.is_staff or user.is_superuser
    return staff and not staff_is_verified(user)


def signed_in_required(view):
    """Like Django's ``login_required``, but an htmx request gets an
    ``HX-Redirect`` to the login page instead of a login form in a fragment."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def account_page_required(view):
    """A page about the signed-in person's own account (password, second factor):
    staff reach it only after the second factor, so a stolen password alone can
    neither change the password nor touch the second factor."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        if needs_second_factor(request.user):
            return _second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def editor_required(view):
    """Content editors (admin-site staff) with a verified second factor."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return _login_redirect(request)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not staff_is_verified(user):
            return _second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def staff_is_verified(user) -> bool:
    """Staff must have passed the second factor in this session."""
    if not settings.STAFF_REQUIRE_OTP:
        return True
    return user.is_verified()


def role_required(*roles):
    """Let through signed-in users with one of ``roles``; others get 403.

    Clinic staff must also have a verified second factor: without one they are
    sent to verification (or enrolment) first.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return _login_redirect(request)
            if user.is_superuser or user.role not in roles:
                raise PermissionDenied
            if user.is_clinic_staff and not staff_is_verified(user):
                return _second_factor_redirect(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


patient_required = role_required(User.Role.PATIENT)
clinic_staff_required = role_required(User.Role.CLINICIAN, User.Role.CLINIC_ADMIN)
