"""Demo Hair Clinic's own additions to the library: a stage "Your visit at
Demo Hair Clinic" (what to bring, who you meet, how fees are paid; no price)
and one checklist question, published by the clinic's admin alone through the
same content rules as the library. Northside Hair Clinic's patients see
neither."""

from __future__ import annotations

from accounts.models import Clinic, User

from .. import services
from ..models import ChecklistItem, Lesson, LessonSource, Module, Pathway, PublishStatus

STAGE_SLUG = "your-visit-at-demo-hair-clinic"

KEY_POINTS = """Bring a list of every medicine you take, with aspirin and blood thinners.
A doctor at the clinic talks with you before any treatment.
You pay any fees to the clinic. Ask about the full cost at your visit."""

BODY = """This stage comes from {clinic}. Only its patients see it.

## What to bring

- A list of every medicine you take. Put in aspirin, blood thinners and anything
  you buy without a prescription.
- The summary you printed from this site, with your questions.

Do not stop a blood thinner on your own before your visit. Make a plan with the
doctor who prescribed it.

## Who you will meet

A doctor at {clinic} talks with you first. They go over your health, your hair
loss and your choices. If you choose a treatment, ask who will do it.

## Fees

You pay any fees to {clinic}, not through this site. This site does not list
prices. At your visit, ask what the whole course will cost, with any repeat
visits. Ask what happens if you stop."""

SOURCES = (
    (
        "Medscape: checks before a hair transplant (blood thinners, bleeding)",
        "https://www.medscape.com/answers/1127055-156720/what-is-included-in-the-"
        "dermatologic-preoperative-evaluation-and-management-of-a-hair-transplant-procedure",
    ),
    (
        "Plastic Surgery Key: planning blood thinners before surgery",
        "https://plasticsurgerykey.com/preoperative-preparation-and-instruction",
    ),
    (
        "ISSCR: questions to ask about a stem cell treatment (cost, repeat visits)",
        "http://www.closerlookatstemcells.org/What_to_Ask.html",
    ),
)

ITEM = {
    "slug": "ask-who-does-it",
    "kind": ChecklistItem.Kind.QUESTION,
    "text": "I plan to ask: “Who will do my treatment, and what will the whole course cost?”",
    "help_text": "You pay any fees to the clinic. This site does not list prices.",
    "required": False,
    "ok_answer": ChecklistItem.Answer.YES,
}


def demo_clinic_stage_create(*, clinic: Clinic, admin: User, pathway: Pathway | None) -> Module:
    """The clinic's stage, its lesson and checklist question, published (once:
    a second run changes nothing a patient sees)."""
    module, _ = Module.objects.update_or_create(
        slug=STAGE_SLUG,
        defaults={
            "clinic": clinic,
            "title": f"Your visit at {clinic.name}",
            "summary": "What to bring, who you will meet, and how fees are paid.",
            "learning_objectives": "What to bring\nWho you will meet\nHow fees are paid",
            "estimated_minutes": 3,
        },
    )
    lesson, created = Lesson.objects.get_or_create(
        slug=f"{STAGE_SLUG}-the-day",
        defaults={
            "module": module,
            "title": "Your visit: what to bring and what to ask",
            "evidence_label": "established",
            "key_points": KEY_POINTS,
            "body": BODY.format(clinic=clinic.name),
            "editor_note": "Clinic facts from Demo Hair Clinic; no prices on purpose.",
        },
    )
    if created:
        LessonSource.objects.bulk_create(
            LessonSource(lesson=lesson, order=i, title=title, url=url)
            for i, (title, url) in enumerate(SOURCES)
        )
    if lesson.status != PublishStatus.PUBLISHED:
        services.content_publish(obj=lesson, actor=admin)
    if module.status != PublishStatus.PUBLISHED:
        services.content_publish(obj=module, actor=admin)
    if pathway is not None and pathway.checklist_id:
        ChecklistItem.all_objects.get_or_create(
            checklist_id=pathway.checklist_id,
            slug=ITEM["slug"],
            defaults={**ITEM, "clinic": clinic, "order": 100},
        )
    return module
