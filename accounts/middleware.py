import zoneinfo
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from portal.htmx import is_htmx

from .redirects import is_safe_url
from .signals import SESSION_STARTED_KEY, SESSION_TZ_KEY

LAST_SEEN_KEY = "last_seen_at"


def idle_timeout_for(user) -> timedelta:
    """How long a signed-in person may stay idle: patients and staff differ."""
    if user.role == user.Role.PATIENT and not user.is_superuser:
        return settings.SESSION_IDLE_TIMEOUT_PATIENT
    return settings.SESSION_IDLE_TIMEOUT_STAFF


def session_touch(session) -> None:
    """Count now as activity (the keep-alive endpoint)."""
    session[LAST_SEEN_KEY] = timezone.now().timestamp()


def page_to_return_to(request) -> str | None:
    """The page a person was on when their session ended: for htmx, the page the
    fragment belongs to (``HX-Current-URL``); for a form post, the page it came
    from; else the address asked for. Only pages of this site."""
    if is_htmx(request):
        candidate = request.headers.get("HX-Current-URL")
    elif request.method != "GET":
        candidate = request.headers.get("Referer")
    else:
        candidate = request.get_full_path()
    if not is_safe_url(request, candidate):
        return None
    parts = urlsplit(candidate)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class SessionTimeoutMiddleware:
    """Idle timeout per role and an absolute session lifetime; activates the
    clinic's time zone for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            idle_limit = idle_timeout_for(user)
            last_seen = session.get(LAST_SEEN_KEY, now)
            started = session.get(SESSION_STARTED_KEY, now)
            absolute = timedelta(seconds=settings.SESSION_COOKIE_AGE)
            if (
                now - last_seen > idle_limit.total_seconds()
                or now - started > absolute.total_seconds()
            ):
                return self.signed_out(request)
            # Write at most once a minute to keep session saves cheap.
            if now - last_seen > 60 or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
            session.setdefault(SESSION_STARTED_KEY, now)
            tz_name = session.get(SESSION_TZ_KEY)
            if tz_name:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
        response = self.get_response(request)
        timezone.deactivate()
        return response

    @staticmethod
    def signed_out(request):
        """End the session and send the person to sign in, with a ``next`` back to
        the page they were on (htmx included, through ``HX-Redirect``)."""
        back = page_to_return_to(request)
        logout(request)
        messages.info(
            request,
            _("You were signed out after a period of inactivity. Please sign in again."),
        )
        if is_htmx(request):
            login_url = resolve_url(settings.LOGIN_URL)
            if back:
                login_url = f"{login_url}?{urlencode({'next': back})}"
            return HttpResponseClientRedirect(login_url)
        if back:
            return redirect_to_login(back)
        return redirect_to_login(resolve_url("home"))
