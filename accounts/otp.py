"""Second factor helpers around django-otp: enrolment, QR code, backup codes."""

import base64
import secrets

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 8


def pending_totp_device(user) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG, drawn here (no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=f"{settings.OTP_TOTP_ISSUER} authenticator QR code"
    )


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator and issue fresh backup codes (shown once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    static, _created = StaticDevice.objects.get_or_create(
        user=device.user, name="Backup codes", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def totp_device_create_demo(*, user, base32_key: str) -> TOTPDevice:
    """A confirmed authenticator with a known key, for the demo accounts only."""
    hex_key = base64.b32decode(base32_key).hex()
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name="Demo authenticator", key=hex_key, confirmed=True
    )
