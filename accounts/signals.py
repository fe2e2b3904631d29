"""Audit sign-ins and sign-outs; end sessions of deactivated users; tell other
apps that an invitation was accepted."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from audit.services import audit_record

from .models import User
from .sessions import sessions_end_for_user

SESSION_TZ_KEY = "clinic_tz"
SESSION_STARTED_KEY = "session_started_at"

# Sent inside the acceptance's transaction with ``invitation`` and the new ``user``;
# a receiver that raises undoes the acceptance.
invitation_accepted = Signal()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = timezone.now().timestamp()
        if user.clinic_id:
            request.session[SESSION_TZ_KEY] = user.clinic.timezone
    audit_record(action="accounts.login.succeeded", actor=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted e-mail address is not stored: it may be a mistyped password.
    audit_record(action="accounts.login.failed", request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="accounts.logout", actor=user, request=request)


@receiver(pre_save, sender=User)
def remember_active_state(sender, instance, update_fields=None, **kwargs):
    # Saves that cannot touch is_active (last_login at each sign-in) skip the lookup.
    if update_fields is not None and "is_active" not in update_fields:
        instance._was_active = False
        return
    instance._was_active = (
        instance.pk is not None and User.objects.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=User)
def on_user_saved(sender, instance, created, **kwargs):
    """Deactivating someone signs them out everywhere, at once."""
    if not created and not instance.is_active and getattr(instance, "_was_active", False):
        sessions_end_for_user(instance)
