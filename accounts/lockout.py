"""Sign-in lockout (django-axes) counts failures against the account as sign-in
finds it: the e-mail trimmed and case-folded, so ``INJ@demo.test``,
``Inj@Demo.Test`` and `` inj@demo.test `` are one account with one count."""

from django.http import HttpRequest


def login_email_normalise(value: str | None) -> str:
    """The e-mail as sign-in matches it (the login form trims; the lookup ignores case)."""
    return (value or "").strip().lower()


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """``AXES_USERNAME_CALLABLE``: the normalised e-mail from the credentials
    (authentication) or the posted form (the lockout check before it)."""
    if credentials and credentials.get("username") is not None:
        return login_email_normalise(credentials["username"])
    return login_email_normalise(request.POST.get("username"))
