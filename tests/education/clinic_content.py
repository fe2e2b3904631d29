"""Builders of a clinic's own content: a stage with lessons, checklist items."""

from education import services
from education.models import ChecklistItem, Lesson, LessonSource, Module


def make_clinic_stage(clinic, *, lessons: int = 1, publish: bool = True, slug: str = "") -> Module:
    """A clinic's own stage of ``lessons`` lessons and no quiz."""
    slug = slug or f"visit-{clinic.slug}"
    module = Module.objects.create(
        clinic=clinic, slug=slug, title=f"Your visit at {clinic.name}", summary="The day itself."
    )
    for i in range(lessons):
        lesson = Lesson.objects.create(
            module=module,
            order=i,
            slug=f"{slug}-lesson-{i}",
            title=f"What to bring {i + 1}",
            evidence_label="established",
            key_points="Bring your list of medicines.",
            body="Bring a list of the medicines you take.\n\n## On the day\n\nCome on time.",
        )
        LessonSource.objects.create(lesson=lesson, title="The clinic", url="https://example.org/")
        if publish:
            services.content_publish(obj=lesson)
    if publish:
        services.content_publish(obj=module)
    return module


def make_clinic_item(clinic, checklist, *, slug: str = "", required: bool = True):
    return ChecklistItem.objects.create(
        clinic=clinic,
        checklist=checklist,
        slug=slug or f"own-{clinic.slug}",
        kind=ChecklistItem.Kind.ACKNOWLEDGEMENT,
        text=f"I know the fees are paid to {clinic.name}.",
        required=required,
        ok_answer="yes",
    )
