"""Ending a user's server-side sessions (deactivation, security events)."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

SESSION_USER_KEY = "_auth_user_id"


def sessions_end_for_user(user, *, keep: str | None = None) -> int:
    """Delete every stored session that belongs to ``user``, except the one whose
    key is ``keep`` (the session that made the change).

    With the database session engine this scans live sessions; with the cache
    engine a per-user index is not kept, so the session's auth hash check
    (password change) and the ``is_active`` check on every request do the work.
    """
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if session.get_decoded().get(SESSION_USER_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended
