import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .legal import NOTICE_DATE, NOTICE_VERSION
from .middleware import HealthCheckMiddleware

logger = logging.getLogger("portal.errors")


def home_url_for(user) -> str:
    """Where a signed-in person starts."""
    if user.is_superuser:
        return "admin:index"
    if user.is_clinic_staff:
        return "clinic:dashboard"
    return "education:home"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(home_url_for(request.user))
    return render(request, "portal/landing.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HealthCheckMiddleware.health()


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/privacy.html",
        {"NOTICE_VERSION": NOTICE_VERSION, "NOTICE_DATE": NOTICE_DATE},
    )


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/terms.html",
        {"NOTICE_VERSION": NOTICE_VERSION, "NOTICE_DATE": NOTICE_DATE},
    )


FAVICON = settings.BASE_DIR / "static" / "icons" / "favicon.ico"


@require_GET
@cache_control(max_age=7 * 24 * 60 * 60, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """Browsers ask for ``/favicon.ico`` whatever the page links to."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


@login_required
def bench_bare(request: HttpRequest) -> HttpResponse:
    """The cheapest signed-in page: same middleware and session, no work.
    Routed only with BENCH_ENDPOINTS=1."""
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """A generic page with an incident id the person can quote; no details."""
    incident = uuid.uuid4().hex[:12]
    logger.error("Server error, incident %s on %s %s", incident, request.method, request.path)
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"incident": incident}), status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
