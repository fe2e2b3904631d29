"""A clinic's own identity on the pages its people see: the name, logo, accent
colour, phone number and address. Pure helpers (contrast, validation) and the
one context processor that puts the signed-in person's clinic on every page."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2000
# Pillow's name for the format -> the file extensions and the content type served.
LOGO_FORMATS = {
    "PNG": ((".png",), "image/png"),
    "JPEG": ((".jpg", ".jpeg"), "image/jpeg"),
    "WEBP": ((".webp",), "image/webp"),
}
LOGO_CONTENT_TYPES = {
    ext: content_type for exts, content_type in LOGO_FORMATS.values() for ext in exts
}
MIN_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


# --- Colour ---------------------------------------------------------------------------


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(first: str, second: str = "#ffffff") -> float:
    """WCAG 2 contrast ratio between two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validate_accent_colour(value: str) -> None:
    """A ``#rrggbb`` colour that white text can sit on, and that reads on white:
    contrast at least 4.5:1 (WCAG AA for body text)."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter the colour as # and six hexadecimal digits, for example #005a8c."),
            code="invalid_colour",
        )
    ratio = contrast_ratio(value)
    # Round down so a colour shown as 4.5:1 really is at least that.
    shown = int(ratio * 100) / 100
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "This colour has a contrast ratio of %(ratio).2f:1 against white; at least "
                "%(minimum).1f:1 is needed so text in it stays readable. Choose a darker colour."
            ),
            code="low_contrast",
            params={"ratio": shown, "minimum": MIN_CONTRAST},
        )


# --- Logo ------------------------------------------------------------------------------


def validate_logo(file) -> None:
    """A PNG, JPEG or WebP image of at most 512 KB whose header matches its name.
    SVG (which can carry scripts) and every other format are refused."""
    from PIL import Image, UnidentifiedImageError

    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)d KB; the most allowed is %(limit)d KB."),
            code="logo_too_large",
            params={"size": -(-file.size // 1024), "limit": LOGO_MAX_BYTES // 1024},
        )
    extension = PurePosixPath(file.name or "").suffix.lower()
    refused = ValidationError(
        _("Upload the logo as a PNG, JPEG or WebP image (SVG and other formats are refused)."),
        code="logo_format",
    )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    finally:
        if position is not None:
            file.seek(position)
    allowed = LOGO_FORMATS.get(image_format)
    if allowed is None or extension not in allowed[0]:
        raise refused
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The logo is %(width)d × %(height)d pixels; at most %(limit)d on each side."),
            code="logo_too_big",
            params={"width": width, "height": height, "limit": LOGO_MAX_SIDE},
        )


def logo_upload_to(instance, filename: str) -> str:
    extension = PurePosixPath(filename).suffix.lower()
    return f"clinic-logos/{instance.slug}{extension}"


# --- On every page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicHeader:
    """What the header and footer show about the signed-in person's clinic."""

    name: str
    phone: str
    address: str
    has_logo: bool
    has_accent: bool
    version: str  # changes when the logo or colour changes (cache busting)


HEADER_CACHE_SECONDS = 10 * 60


def header_cache_key(clinic_id: int) -> str:
    return f"accounts:clinic-header:{clinic_id}"


def clinic_header_forget(clinic_id: int) -> None:
    """Called when a clinic is saved: the next page reads it again."""
    cache.delete(header_cache_key(clinic_id))


def clinic_header_for(user) -> ClinicHeader | None:
    """The header of the user's clinic: from the cache, else one query."""
    if not getattr(user, "is_authenticated", False) or not user.clinic_id:
        return None
    key = header_cache_key(user.clinic_id)
    header = cache.get(key)
    if header is None:
        header = _header_of(user.clinic)
        cache.set(key, header, HEADER_CACHE_SECONDS)
    return header


def _header_of(clinic) -> ClinicHeader:
    return ClinicHeader(
        name=clinic.shown_name,
        phone=clinic.contact_phone,
        address=clinic.address,
        has_logo=bool(clinic.logo),
        has_accent=bool(clinic.accent_colour),
        version=hashlib.sha256(
            f"{clinic.logo.name if clinic.logo else ''}|{clinic.accent_colour}".encode()
        ).hexdigest()[:12],
    )


def clinic_identity(request):
    """Context processor: ``clinic_identity`` (None when signed out or clinic-less),
    looked up only when a template uses it, at most once per request (and then
    usually from the cache)."""
    return {
        "clinic_identity": SimpleLazyObject(
            lambda: clinic_header_for(getattr(request, "user", None))
        )
    }
