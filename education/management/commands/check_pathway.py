"""Walk a simulated patient through every published pathway and prove each
gate holds (locked stages, quizzes before lessons, must-pass objectives,
checklist, teach-back and decision check before "ready"); everything is rolled back. Exits
non-zero naming the failed gate."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from accounts.models import Clinic, User
from education import selfcheck, services
from education.models import Pathway, PublishStatus
from education.models.assessment import SelfCheck
from education.readiness import StageState
from education.readiness import Status as Readiness
from education.selectors.outline import quiz_questions
from education.selectors.patient import quiz_draw
from education.selectors.progress import patient_state


class GateFailed(Exception):
    def __init__(self, gate: str, detail: str):
        super().__init__(f"{gate}: {detail}")
        self.gate = gate


class _RollBack(Exception):
    pass


def _answers(questions, *, wrong_objectives=frozenset()):
    """Right answers, except wrong ones for questions on ``wrong_objectives``."""
    answers = {}
    for question in questions:
        choices = list(question.choices.all())
        wrong = question.objective.strip() in wrong_objectives
        picked = [c.pk for c in choices if c.is_correct != wrong]
        if wrong and not question.allows_many:
            picked = picked[:1]
        answers[question.pk] = picked or [choices[0].pk]
    return answers


def _drawn_answers(enrollment, quiz):
    """Right answers to the questions this attempt draws."""
    return _answers(quiz_draw(patient_state(enrollment), quiz, quiz_questions(quiz)))


def _submit(enrollment, quiz, answers):
    return services.quiz_attempt_submit(
        enrollment=enrollment, quiz=quiz, answers=answers, submission_key=uuid.uuid4()
    )


def _expect_refused(gate: str, detail: str, action) -> None:
    try:
        action()
    except services.EducationError:
        return
    raise GateFailed(gate, detail)


def walk(pathway: Pathway, clinic: Clinic) -> list[str]:
    """The gates proved on one pathway, in order; raises GateFailed."""
    patient = User.objects.create_user(
        email=f"pathway-check-{uuid.uuid4().hex[:12]}@example.invalid",
        password=None,
        full_name="Pathway check",
        role=User.Role.PATIENT,
        clinic=clinic,
    )
    enrollment = services.enrollment_create(patient=patient, pathway=pathway)
    proved = []
    stages = patient_state(enrollment).stages
    for index, stage in enumerate(stages):
        later = [s for s in stages[index + 1 :] if s.lessons]
        if later:
            _expect_refused(
                "locked-stage",
                f"a lesson of the locked stage “{later[0].module.title}” opened",
                lambda s=later[0]: services.lesson_complete(
                    enrollment=enrollment, lesson=s.lessons[0]
                ),
            )
            proved.append("locked-stage")
        quiz = stage.quiz
        if quiz is not None and stage.lessons:
            _expect_refused(
                "quiz-before-lessons",
                f"the quiz of “{stage.module.title}” opened before its lessons were read",
                lambda q=quiz: _submit(enrollment, q, _drawn_answers(enrollment, q)),
            )
            proved.append("quiz-before-lessons")
        for lesson in stage.lessons:
            services.lesson_complete(enrollment=enrollment, lesson=lesson)
        if quiz is None:
            continue
        must = quiz.must_pass_objectives()
        if must:
            state = patient_state(enrollment)
            drawn = quiz_draw(state, quiz, quiz_questions(quiz))
            _submit(enrollment, quiz, _answers(drawn, wrong_objectives=set(must)))
            if patient_state(enrollment).stages[index].state == StageState.COMPLETED:
                raise GateFailed(
                    "must-pass",
                    f"“{stage.module.title}” passed with a must-pass objective missed",
                )
            proved.append("must-pass")
        # Retake (other variants where there are) until passed, as a patient would.
        for _ in range(1 + len(quiz_questions(quiz))):
            state = patient_state(enrollment)
            if state.stages[index].state == StageState.COMPLETED:
                break
            _submit(enrollment, quiz, _drawn_answers(enrollment, quiz))
        if patient_state(enrollment).stages[index].state != StageState.COMPLETED:
            raise GateFailed("stage-passes", f"“{stage.module.title}” cannot be passed")

    _walk_readiness(enrollment, proved)
    return proved


def _walk_readiness(enrollment, proved: list[str]) -> None:
    """With every stage passed: not ready before the checklist, the
    teach-back answers and the decision check; ready after them."""
    state = patient_state(enrollment)
    items = state.outline.checklist_items
    if any(item.required for item in items):
        if state.result.status == Readiness.READY:
            raise GateFailed("checklist", "ready before the checklist was answered")
        proved.append("checklist")
    for item in items:
        services.checklist_response_save(enrollment=enrollment, item=item, answer=item.ok_answer)
    asking = [s.module for s in state.stages if s.module.teach_back.strip()]
    if asking:
        if patient_state(enrollment).result.status == Readiness.READY:
            raise GateFailed("teach-back", "ready before the teach-back answers were written")
        proved.append("teach-back")
    for module in asking:
        services.teach_back_save(enrollment=enrollment, module=module, text="In my own words.")
    if patient_state(enrollment).result.status == Readiness.READY:
        raise GateFailed("decision-check", "ready before the decision check was answered")
    proved.append("decision-check")
    services.self_check_save(
        enrollment=enrollment,
        kind=SelfCheck.Kind.SURE,
        answers={item.key: selfcheck.YES for item in selfcheck.SURE_ITEMS},
    )
    if patient_state(enrollment).result.status != Readiness.READY:
        raise GateFailed("ready", "a patient who did everything is not ready")
    proved.append("ready")


class Command(BaseCommand):
    help = (
        "Walk a simulated patient through every published pathway (rolled back) and "
        "prove its gates; exits non-zero naming the gate that failed."
    )

    def handle(self, *args, **options):
        pathways = list(Pathway.objects.filter(status=PublishStatus.PUBLISHED).order_by("slug"))
        if not pathways:
            raise CommandError("No published pathway to check.")
        for pathway in pathways:
            self._check(pathway, None)
            for clinic in _clinics_with_own_content(pathway):
                self._check(pathway, clinic)

    def _check(self, pathway: Pathway, clinic: Clinic | None) -> None:
        """One walk, rolled back: in a new empty clinic (the library alone),
        or in ``clinic`` with its own stages and checklist items."""
        label = pathway.slug if clinic is None else f"{pathway.slug} at {clinic.name}"
        try:
            with transaction.atomic():
                if clinic is None:
                    clinic = Clinic.objects.create(
                        name="Pathway check", slug=f"pathway-check-{uuid.uuid4().hex[:12]}"
                    )
                proved = walk(pathway, clinic)
                raise _RollBack
        except _RollBack:
            pass
        except GateFailed as failure:
            raise CommandError(f"Gate failed on {label}: {failure}") from failure
        gates = ", ".join(dict.fromkeys(proved))
        self.stdout.write(self.style.SUCCESS(f"{label}: gates hold ({gates})."))


def _clinics_with_own_content(pathway: Pathway):
    """Clinics with a published stage of their own, their own items on the
    pathway's checklist, or a pinned library version (their lessons differ
    from the latest library's)."""
    own_stage = Q(own_modules__status=PublishStatus.PUBLISHED)
    own_items = Q(
        own_checklist_items__checklist_id=pathway.checklist_id,
        own_checklist_items__retired_at__isnull=True,
    )
    pinned = Q(library_choice__version__isnull=False)
    return Clinic.objects.filter(own_stage | own_items | pinned).distinct().order_by("name")
