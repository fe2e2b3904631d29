"""The patient's reminder switch and the one-click unsubscribe (no sign-in)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.permissions import patient_required

from . import services


@never_cache
@patient_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    user = request.user
    if request.method == "POST":
        choice = request.POST.get("enabled")
        if choice not in {"0", "1"}:
            context = {
                "enabled": services.reminders_enabled_for(user),
                "error": _("Choose whether to turn reminders on or off."),
            }
            return render(request, "reminders/settings.html", context, status=400)
        enabled = choice == "1"
        services.reminder_preference_set(email=user.email, enabled=enabled, user=user)
        messages.success(
            request,
            _("Reminder e-mails are on.") if enabled else _("Reminder e-mails are off."),
        )
        return redirect("reminders:settings")
    context = {"enabled": services.reminders_enabled_for(user)}
    return render(request, "reminders/settings.html", context)


# The signed link is the authority here, and mail clients send the RFC 8058
# one-click POST ("List-Unsubscribe=One-Click") without a CSRF token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        services.unsubscribe_target(token)
    except services.RemindersError as error:
        return render(request, "reminders/unsubscribe_invalid.html", {"reason": error}, status=400)
    if request.method == "POST":
        services.reminder_unsubscribe(token=token)
        return render(request, "reminders/unsubscribed.html")
    return render(request, "reminders/unsubscribe.html", {"token": token})
