"""The patient journey under /learn/: thin views (access → selector or
service → render). Forms post and redirect without JavaScript; with htmx the
quiz and checklist answer in place."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.permissions import patient_required
from education import access, journey, revision, services
from education.forms.patient import (
    QuizForm,
)
from education.selectors.outline import lesson_rendered, quiz_questions
from education.selectors.patient import (
    LessonRow,
    lesson_neighbours,
    lesson_next_destination,
    patient_checklist_answers,
    patient_next_step,
    patient_questions_list,
    patient_quiz_summaries,
    patient_stage_views,
    quiz_attempt_feedback,
    quiz_draw,
    quiz_objectives_missing,
    stage_views_key,
)
from education.selectors.progress import (
    enrollment_get_for_patient,
    patient_state,
    quiz_attempts_for,
)
from education.selectors.selfcheck import self_check_prompts
from portal.htmx import HtmxHttpRequest, render_page_or_fragment, wants_fragment
from portal.net import client_ip
from portal.urlcache import reverse_cached

TEMPLATES = "education/patient/"


# --- Helpers ------------------------------------------------------------------


def _enrollment(request: HttpRequest):
    return enrollment_get_for_patient(request.user)


def _no_pathway(request: HttpRequest) -> HttpResponse:
    return render(request, TEMPLATES + "no_pathway.html")


def _locked(request: HttpRequest, state, stage, *, unread=None) -> HttpResponse:
    """The friendly 403: which stage to finish, or which lessons to read, first."""
    context = {
        "stage": stage,
        "blocker": journey.blocker(state.stages, stage),
        "unread": unread or [],
    }
    return render(request, TEMPLATES + "locked.html", context, status=403)


def step_url(step: journey.Step) -> str:
    if step.kind == "lesson":
        return reverse_cached(
            "education:lesson-detail", args=[step.stage.module.slug, step.lesson.slug]
        )
    if step.kind == "quiz":
        return reverse_cached("education:quiz", args=[step.stage.module.slug])
    if step.kind == "checklist":
        return reverse_cached("education:checklist")
    if step.kind == "decision_check":
        return reverse_cached("education:decision-check")
    return reverse_cached("education:summary")


# --- Home ---------------------------------------------------------------------


@patient_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    enrollment = _enrollment(request)
    if enrollment is None:
        return _no_pathway(request)
    key = _home_content_key(enrollment)
    content = cache.get(key)
    if content is None:
        content = _home_content(request, enrollment)
        cache.set(key, content, HOME_CONTENT_SECONDS)
    return render(request, TEMPLATES + "home.html", {"content": content})


# The home page's content is the patient's own and changes only with what its
# key holds: every write to their records moves the progress stamp, every
# content change the revision; the consultation, the clinic's time zone and
# the language are the rest of what it shows. The timeout lets old entries go.
HOME_CONTENT_SECONDS = 60 * 60


def _home_content_key(enrollment) -> str:
    consultation = enrollment.consultation_at.isoformat() if enrollment.consultation_at else "-"
    return revision.cache_key(
        "home",
        enrollment.pk,
        enrollment.progress_stamp,
        consultation,
        enrollment.clinic.timezone,
        get_language(),
        revision=enrollment.pathway.content_revision,
    )


def _home_content(request: HttpRequest, enrollment) -> str:
    state = patient_state(enrollment, cached=True)
    next_step = patient_next_step(state)
    stages = patient_stage_views(state)
    context = {
        "enrollment": enrollment,
        "clinic": enrollment.clinic,
        "result": state.result,
        "stages": stages,
        "stages_key": stage_views_key(stages, content_revision=state.content_revision),
        "next_step": next_step,
        "next_url": step_url(next_step),
        "self_check_prompts": self_check_prompts(state),
    }
    return render_to_string(TEMPLATES + "home.html#home-content", context, request)


# --- Lessons ------------------------------------------------------------------


@patient_required
@require_GET
def lesson_detail(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    enrollment = access.get_enrollment_for_patient(request.user)
    state = patient_state(enrollment, cached=True)
    stage, lesson = access.get_lesson_for_patient(state, module_slug, lesson_slug)
    if not stage.is_open:
        return _locked(request, state, stage)
    previous, following = lesson_neighbours(state, lesson)
    return render(
        request,
        TEMPLATES + "lesson.html",
        {
            "stage": stage,
            "lesson": lesson,
            "row": LessonRow(lesson, state.raw.completions.get(lesson.pk)),
            "content_revision": state.content_revision,
            "rendered": lesson_rendered(lesson, content_revision=state.content_revision),
            "sources": list(lesson.sources.all()),
            "previous": previous,
            "previous_url": step_url(previous) if previous else None,
            "following": following,
            "following_url": step_url(following) if following and following.is_open else None,
        },
    )


@patient_required
@require_POST
def lesson_complete(request: HttpRequest, module_slug: str, lesson_slug: str) -> HttpResponse:
    enrollment = access.get_enrollment_for_patient(request.user)
    state = patient_state(enrollment, cached=True)
    stage, lesson = access.get_lesson_for_patient(state, module_slug, lesson_slug)
    try:
        services.lesson_complete(enrollment=enrollment, lesson=lesson, ip=client_ip(request))
    except services.StageLocked:
        return _locked(request, state, stage)
    except services.EducationError as error:
        raise Http404 from error
    state = patient_state(enrollment)  # after the write: the records, not the cache
    destination = lesson_next_destination(state, lesson)
    if destination.kind == journey.StepKind.LESSON:
        # Said on the next lesson only: the quiz and the checklist open with their own words.
        messages.success(request, _("“%(title)s” is marked as read.") % {"title": lesson.title})
    return redirect(step_url(destination))


# --- Quiz ---------------------------------------------------------------------


def _open_quiz_or_locked(request, state, module_slug):
    """(stage, None) when the patient may take the stage's quiz, else (stage, 403 page)."""
    stage = access.get_quiz_stage_for_patient(state, module_slug)
    if not stage.is_open:
        return stage, _locked(request, state, stage)
    unread = journey.unread_lessons(stage, state.raw.completions)
    if unread:
        return stage, _locked(request, state, stage, unread=unread)
    return stage, None


def _stage_start_url(stage) -> str:
    start = journey.stage_start(stage)
    return step_url(start) if start is not None else reverse("education:home")


def _quiz_context(state, stage, **extra) -> dict:
    next_stage = journey.stage_after(state.stages, stage)
    return {
        "stage": stage,
        "quiz": stage.quiz,
        "attempts": quiz_attempts_for(state, stage.quiz),
        "objectives_missing": quiz_objectives_missing(state, stage.quiz),
        "teach_back_due": bool(stage.module.teach_back.strip())
        and stage.module.pk not in state.raw.teach_backs,
        "next_stage": next_stage,
        "next_stage_url": _stage_start_url(next_stage) if next_stage else None,
        **extra,
    }


def _quiz_submit(request: HttpRequest, enrollment, quiz, form: QuizForm):
    return services.quiz_attempt_submit(
        enrollment=enrollment,
        quiz=quiz,
        answers=form.answers(),
        submission_key=form.cleaned_data["submission_key"],
        quiz_version=form.cleaned_data["quiz_version"],
        ip=client_ip(request),
    )


def _quiz_answered(request: HtmxHttpRequest, state, stage, attempt, questions) -> HttpResponse:
    """htmx swaps the feedback in place; without JavaScript, post/redirect/get."""
    if not wants_fragment(request):
        return redirect("education:quiz-result", stage.module.slug, attempt.number)
    feedback = quiz_attempt_feedback(attempt, questions)
    context = _quiz_context(state, stage, attempt=attempt, feedback=feedback, focus_result=True)
    return render_page_or_fragment(
        request, TEMPLATES + "quiz.html", context, fragments="quiz-result"
    )


@patient_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def quiz(request: HtmxHttpRequest, module_slug: str) -> HttpResponse:
    enrollment = access.get_enrollment_for_patient(request.user)
    state = patient_state(enrollment, cached=True)
    stage, locked = _open_quiz_or_locked(request, state, module_slug)
    if locked is not None:
        return locked
    quiz = stage.quiz
    drawn = quiz_questions(quiz, content_revision=state.content_revision)
    questions = quiz_draw(state, quiz, drawn)
    if request.method == "GET":
        form = QuizForm(questions=questions, quiz_version=quiz.version)
        context = _quiz_context(state, stage, form=form, rows=form.rows())
        return render(request, TEMPLATES + "quiz.html", context)

    form = QuizForm(request.POST, questions=questions, quiz_version=quiz.version)
    errors: dict[str, str] = {}
    message = form.general_error
    keep_key = None
    if form.is_valid():
        try:
            attempt = _quiz_submit(request, enrollment, quiz, form)
        except services.StageLocked:
            return _locked(request, state, stage)
        except services.EducationError as error:
            message = str(error)
            errors = {f"question_{pk}": text for pk, text in error.errors.items()}
            # Nothing was stored under this key: the same attempt, in the same order.
            keep_key = form.cleaned_data["submission_key"]
        else:
            if attempt.quiz_id == quiz.pk:
                return _quiz_answered(request, state, stage, attempt, questions)
            # A key reused from another quiz's form: nothing new was stored.
            message = form.general_error or _(
                "This form is out of date. Please check your answers and send them again."
            )
    if keep_key is None and not form.is_valid() and "submission_key" not in form.errors:
        keep_key = form.cleaned_data.get("submission_key")
    # Show the form again with the patient's picks and the current version; the
    # key (and so the order of the choices) is kept unless the key was unusable.
    fresh = QuizForm(questions=questions, quiz_version=quiz.version, submission_key=keep_key)
    fresh.picked = form.picked
    context = _quiz_context(
        state,
        stage,
        form=fresh,
        rows=fresh.rows(errors or form.question_errors),
        message=message,
        focus_message=wants_fragment(request),
    )
    return render_page_or_fragment(
        request, TEMPLATES + "quiz.html", context, fragments="quiz-form", status=400
    )


@patient_required
@require_GET
def quiz_result(request: HttpRequest, module_slug: str, number: int) -> HttpResponse:
    enrollment = access.get_enrollment_for_patient(request.user)
    state = patient_state(enrollment, cached=True)
    stage = access.get_quiz_stage_for_patient(state, module_slug)
    attempt = access.get_quiz_attempt_for_patient(state, stage, number)
    questions = quiz_questions(stage.quiz, content_revision=state.content_revision)
    feedback = quiz_attempt_feedback(attempt, questions)
    context = _quiz_context(state, stage, attempt=attempt, feedback=feedback)
    return render(request, TEMPLATES + "quiz.html", context)


# --- Summary ------------------------------------------------------------------


@patient_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    enrollment = _enrollment(request)
    if enrollment is None:
        return _no_pathway(request)
    state = patient_state(enrollment, cached=True)
    return render(
        request,
        TEMPLATES + "summary.html",
        {
            "patient": request.user,
            "enrollment": enrollment,
            "clinic": enrollment.clinic,
            "result": state.result,
            "stages": state.stages,
            "quizzes": patient_quiz_summaries(state),
            "answers": patient_checklist_answers(state),
            "questions": patient_questions_list(enrollment),
        },
    )
