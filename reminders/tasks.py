"""Background work on Django's tasks framework. Each task takes an id and
calls a service; the services queue them on commit."""

from django.tasks import task

from . import services


@task
def deliver_reminder(send_id: int) -> str:
    return services.reminder_deliver(send_id=send_id)


@task
def deliver_digest(digest_id: int) -> str:
    return services.digest_deliver(digest_id=digest_id)
