"""Keep secrets out of the logs: invitation and password-reset tokens travel
in URLs, and Django logs the path of every 4xx/5xx response."""

import logging
import re

_SECRET_PATHS = re.compile(
    r"(/accounts/invitation/|/accounts/reset/[^/\s]+/)[^/\s?]+",
)
_SECRET_PARAMS = re.compile(r"((?:password\d?|otp_token|token|csrfmiddlewaretoken)=)[^&\s]+", re.I)


def redact(text: str) -> str:
    return _SECRET_PARAMS.sub(r"\1[redacted]", _SECRET_PATHS.sub(r"\1[redacted]", text))


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Django attaches the request; formatters must not print its details.
        if hasattr(record, "request"):
            record.request = None
        return True
