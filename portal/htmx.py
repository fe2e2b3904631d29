"""The one place that decides "fragment or page" for an htmx request.

A page template owns its fragments (``{% partialdef name inline %}``, the
partial named after the DOM id it replaces). A view answering htmx calls
``render_page_or_fragment``: the partial for an htmx swap, the whole page
otherwise (no JavaScript, a boosted navigation, a history restore). Views that
use it also carry ``@vary_on_headers("HX-Request")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``HtmxMiddleware`` (every request here)."""

    htmx: HtmxDetails


def is_htmx(request: HttpRequest) -> bool:
    """Sent by htmx at all, boosted navigations included: such a request wants
    ``HX-Redirect`` rather than a redirect followed inside a fragment."""
    return bool(getattr(request, "htmx", False))


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx swap of part of a page (not a boosted navigation or a history
    restore, which want the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_fragment(
    request: HttpRequest,
    template: str,
    context: Mapping | None = None,
    *,
    fragments: str | Iterable[str] = (),
    status: int = 200,
) -> HttpResponse:
    """``template`` as a page with ``status``, or, for an htmx swap, its
    partial(s) ``fragments`` one after the other (out-of-band swaps follow the
    main one) with status 200: htmx 2 does not swap a 4xx answer."""
    names = [fragments] if isinstance(fragments, str) else list(fragments)
    if not names or not wants_fragment(request):
        return render(request, template, context, status=status)
    html = "".join(render_to_string(f"{template}#{name}", context, request) for name in names)
    return HttpResponse(html)
