from .middleware import idle_timeout_for


def session_idle(request):
    """``session_idle_seconds``: how long the signed-in person may stay idle, for
    the page's warning before the session ends (None when signed out)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"session_idle_seconds": None}
    return {"session_idle_seconds": int(idle_timeout_for(user).total_seconds())}
