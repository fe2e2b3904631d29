"""Background work of the education app on Django's tasks framework."""

from django.tasks import task

from . import services


@task
def readiness_recompute(clinic_id: int | None = None) -> int:
    """Bring the readiness snapshots of a clinic's patients (every clinic's
    when ``clinic_id`` is None) in line with the content they now follow."""
    return services.snapshots_recompute(clinic_id=clinic_id)
