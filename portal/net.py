"""The client's address, trusting X-Forwarded-For only from configured proxies."""

from django.conf import settings


def client_ip(request) -> str | None:
    """With N trusted proxies in front, the client is the N-th address from
    the right of X-Forwarded-For (each proxy appends the address it saw).
    With none, only the socket address counts: a client can forge the header."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
