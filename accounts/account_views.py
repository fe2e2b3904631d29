"""Pages and files about the signed-in person's own account and clinic: the
clinic's logo and colours, staying signed in, the patient's account page and
the download of their own record."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.services import audit_record

from . import extensions
from .identity import LOGO_CONTENT_TYPES
from .middleware import session_touch
from .permissions import patient_required, signed_in_required


def _own_clinic(request: HttpRequest):
    clinic = request.user.clinic if request.user.clinic_id else None
    if clinic is None:
        raise Http404
    return clinic


@signed_in_required
@require_GET
def clinic_logo(request: HttpRequest) -> FileResponse:
    """The signed-in person's clinic logo, served with the content type its
    checked header gave it, never sniffed, never a page of its own."""
    clinic = _own_clinic(request)
    if not clinic.logo:
        raise Http404
    extension = PurePosixPath(clinic.logo.name).suffix.lower()
    content_type = LOGO_CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404
    try:
        handle = clinic.logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="logo{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _darker(hex_colour: str, factor: float = 0.7) -> str:
    channels = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * factor):02x}" for c in channels)


@signed_in_required
@require_GET
def clinic_theme(request: HttpRequest) -> HttpResponse:
    """The clinic's accent colour as a stylesheet (the CSP allows no inline style)."""
    clinic = _own_clinic(request)
    css = ""
    if clinic.accent_colour:
        colour = clinic.accent_colour.lower()
        css = f":root {{ --brand: {colour}; --brand-dark: {_darker(colour)}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@patient_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """The patient's own account: who they are, their clinic, what they accepted,
    and the ways to take a copy of their record."""
    return render(
        request,
        "accounts/account.html",
        {"clinic": request.user.clinic, "has_reminders": _has_url("reminders:settings")},
    )


@patient_required
@require_GET
def record_export(request: HttpRequest) -> HttpResponse:
    """The patient's own record as a JSON download."""
    record = extensions.patient_record(patient=request.user)
    if record is None:
        raise Http404
    audit_record(
        action="accounts.record.exported",
        actor=request.user,
        patient=request.user,
        request=request,
        detail={"format": "json"},
    )
    response = JsonResponse(record, json_dumps_params={"indent": 2, "ensure_ascii": False})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-consultready-record-{stamp}.json"'
    return response


def _has_url(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@signed_in_required
@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """Stay signed in: counts as activity, so the idle timeout starts again."""
    session_touch(request.session)
    return HttpResponse(status=204)
