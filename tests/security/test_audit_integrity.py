import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import AuditEvent
from education.models import ClinicianReview, ReadinessStatus

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL"
)


@postgres_only
def test_audit_events_cannot_be_updated_or_deleted_in_the_database(db):
    event = AuditEvent.objects.create(action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@postgres_only
def test_clinician_reviews_cannot_be_updated_in_the_database(patient, clinician):
    review = ClinicianReview.objects.create(
        enrollment=patient.enrollments.get(),
        clinician=clinician,
        outcome="needs_follow_up",
        readiness_at_review=ReadinessStatus.NOT_STARTED,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ClinicianReview.objects.filter(pk=review.pk).update(outcome="ready")


def test_the_application_offers_no_way_to_change_audit_or_reviews():
    from django.urls import get_resolver

    names = [str(p.pattern) for p in get_resolver().url_patterns]
    flattened = " ".join(names)
    for forbidden in (
        "audit/delete",
        "reviews/<int:review_id>/edit",
        "reviews/<int:review_id>/delete",
    ):
        assert forbidden not in flattened
