"""Where to send someone after signing in, verifying, accepting an invitation or
signing out: the ``next`` they asked for when it is a page of this site, their
home otherwise. Every ``next`` in the project goes through :func:`safe_next_url`."""

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

REDIRECT_FIELD_NAME = "next"


def is_safe_url(request: HttpRequest, url: str | None) -> bool:
    """A page of this site, over HTTPS when the request itself is secure."""
    if not url:
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next_url(request: HttpRequest, *, fallback: str = "home") -> str:
    """The posted or requested ``next`` when it is safe, else ``fallback`` (the
    role's home: ``/`` sends each signed-in role to its own)."""
    for candidate in (
        request.POST.get(REDIRECT_FIELD_NAME),
        request.GET.get(REDIRECT_FIELD_NAME),
    ):
        if is_safe_url(request, candidate):
            return candidate
    return resolve_url(fallback)
