"""The reminder and digest e-mails: text and HTML from templates, utf-8 with
8-bit text parts (quoted-printable would fold long links), and the
``List-Unsubscribe`` headers on every patient e-mail."""

from __future__ import annotations

import email.policy

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

UNSUBSCRIBE_SALT = "reminders.unsubscribe"


class ReminderMessage(EmailMultiAlternatives):
    """Text parts go out as 8-bit utf-8, so links stay whole on the wire, and
    headers are not folded, so the unsubscribe URL stays one piece."""

    encoding = "utf-8"

    def message(self, *, policy=email.policy.default):
        # Long header lines are allowed (up to 998 characters): folding would
        # turn the List-Unsubscribe URL into an encoded word mail clients ignore.
        msg = super().message(policy=policy.clone(max_line_length=998))
        for part in msg.walk():
            if part.get_content_maintype() == "text" and not part.is_multipart():
                part.set_content(
                    part.get_content(),
                    subtype=part.get_content_subtype(),
                    charset="utf-8",
                    cte="8bit",
                )
        return msg


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(*, user_id: int | None = None, invitation_id: int | None = None) -> str:
    payload = {"u": user_id} if user_id is not None else {"i": invitation_id}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_payload(token: str) -> dict:
    """The signed payload; raises ``signing.BadSignature`` when tampered with."""
    payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(payload, dict) or not ({"u", "i"} & payload.keys()):
        raise signing.BadSignature("unexpected payload")
    return payload


def unsubscribe_url(token: str) -> str:
    return absolute(reverse("reminders:unsubscribe", kwargs={"token": token}))


def patient_message(*, to: str, template: str, context: dict, token: str) -> ReminderMessage:
    """A reminder to a patient or an invited person. The subject names the
    clinic and says no more than "your preparation for your consultation"."""
    link = unsubscribe_url(token)
    context = {**context, "unsubscribe_url": link, "site_name": settings.SITE_NAME}
    subject = _("%(clinic)s: your preparation for your consultation") % {
        "clinic": context["clinic"].name
    }
    message = ReminderMessage(
        subject=subject,
        body=render_to_string(f"reminders/email/{template}.txt", context),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"reminders/email/{template}.html", context), "text/html"
    )
    return message


def digest_message(*, to: str, context: dict) -> ReminderMessage:
    context = {**context, "site_name": settings.SITE_NAME}
    subject = _("%(clinic)s: patients not ready for a consultation in the next 48 hours") % {
        "clinic": context["clinic"].name
    }
    message = ReminderMessage(
        subject=subject,
        body=render_to_string("reminders/email/digest.txt", context),
        to=[to],
    )
    message.attach_alternative(
        render_to_string("reminders/email/digest.html", context), "text/html"
    )
    return message
