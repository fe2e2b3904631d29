import logging

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from .headers import BASELINE_HEADERS

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answer ``/healthz`` before host checks, sessions and the HTTPS redirect:
    load balancers probe it by address over plain HTTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return self.health()
        return self.get_response(request)

    @staticmethod
    def health():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            logger.warning("Health check: the database did not answer.")
            response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        else:
            response = JsonResponse({"status": "ok"})
        add_never_cache_headers(response)
        for name, value in BASELINE_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself; ``no-store`` on every signed-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Pages for signed-in people hold patient data: keep them out of caches
            # (no-cache, no-store, must-revalidate, private).
            add_never_cache_headers(response)
        if hasattr(request, "htmx"):  # went through HtmxMiddleware
            patch_vary_headers(response, ["HX-Request"])
        return response
