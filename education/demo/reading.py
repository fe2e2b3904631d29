"""The demo patient has read the first stage as it was first published.

``patient@demo.test`` read each lesson of the pathway's first stage in its
earliest published version, a few weeks ago. ``make seed`` publishes the
first edition (``education/curriculum/editions/first``) on an empty database
and the current files over it, so that earliest version is the first
edition's text: every lesson changed since then shows the patient "Updated
since you read it", and the clinician sees it in the brief. On a database
loaded from the current files alone, the first version is the current one,
so the lessons show as read.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from accounts.models import User

from ..models import Enrollment, LessonCompletion, LessonVersion
from ..selectors import pathway_outline
from ..services import enrollment_snapshot_refresh

READ_DAYS_AGO = 21


@transaction.atomic
def demo_first_edition_read(*, patient: User) -> int:
    """Record that ``patient`` read the first stage's lessons in their earliest
    published version; lessons they already read are left as they are.
    Returns how many lessons were recorded."""
    enrollment = Enrollment.objects.filter(patient=patient).select_related("pathway").first()
    if enrollment is None:
        return 0
    stages = pathway_outline(enrollment.pathway).stages
    if not stages:
        return 0
    lessons = list(stages[0].lessons)
    first = dict(
        LessonVersion.objects.filter(lesson__in=lessons)
        .values_list("lesson_id")
        .annotate(first=Min("version"))
    )
    read = set(
        LessonCompletion.objects.filter(patient=patient, lesson__in=lessons).values_list(
            "lesson_id", flat=True
        )
    )
    when = timezone.now() - timedelta(days=READ_DAYS_AGO)
    rows = [
        LessonCompletion(
            patient=patient,
            lesson=lesson,
            lesson_version=first.get(lesson.pk, lesson.version),
            completed_at=when + timedelta(minutes=12 * index),
        )
        for index, lesson in enumerate(lessons)
        if lesson.pk not in read
    ]
    LessonCompletion.objects.bulk_create(rows)
    if rows:
        enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
    return len(rows)
