import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .signals import SESSION_STARTED_KEY, SESSION_TZ_KEY

LAST_SEEN_KEY = "last_seen_at"


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
            idle_limit = (
                settings.SESSION_IDLE_TIMEOUT_PATIENT
                if user.role == user.Role.PATIENT and not user.is_superuser
                else settings.SESSION_IDLE_TIMEOUT_STAFF
            )
            last_seen = session.get(LAST_SEEN_KEY, now)
            started = session.get(SESSION_STARTED_KEY, now)
            absolute = timedelta(seconds=settings.SESSION_COOKIE_AGE)
            if (
                now - last_seen > idle_limit.total_seconds()
                or now - started > absolute.total_seconds()
            ):
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after a period of inactivity. Please sign in again."),
                )
                if request.htmx:
                    return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
                return redirect_to_login(request.get_full_path())
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
