"""Steps the journeys share: signing in, reaching a stage, answering a quiz."""

from __future__ import annotations

import uuid

from django_otp.oath import totp

from education import services
from education.models import Module, Question
from education.selectors import outline as selectors
from education.selectors.patient import quiz_draw
from education.selectors.progress import patient_state

NO_RELOAD_MARK = "window.__stillSamePage = true"
SAME_PAGE = "window.__stillSamePage === true"


def totp_code(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in_staff(page, base_url: str, user, device, password: str) -> None:
    """Password, then the authenticator code on /accounts/verify/."""
    sign_in(page, base_url, user.email, password)
    page.wait_for_url("**/accounts/verify/**")
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def stages(pathway) -> list[Module]:
    return [pm.module for pm in pathway.pathway_modules.select_related("module").order_by("order")]


def read_lessons(enrollment, module: Module) -> None:
    for lesson in module.lessons.order_by("order"):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)


def pass_stage(enrollment, module: Module, *, wrong_first: bool = False) -> None:
    """Read every lesson and pass the quiz, optionally after a wrong first attempt."""
    read_lessons(enrollment, module)
    quiz = module.quiz
    if wrong_first:
        submit(enrollment, quiz, drawn_answers(enrollment, quiz, correct=False))
    submit(enrollment, quiz, drawn_answers(enrollment, quiz, correct=True))


def submit(enrollment, quiz, answers):
    return services.quiz_attempt_submit(
        enrollment=enrollment,
        quiz=quiz,
        answers=answers,
        submission_key=uuid.uuid4(),
        quiz_version=quiz.version,
    )


def pick(question: Question, *, correct: bool) -> list:
    """The choices a patient who knows (or does not know) the answer would tick."""
    choices = list(question.choices.all())
    if correct:
        return [c for c in choices if c.is_correct]
    return [next(c for c in choices if not c.is_correct)]


def drawn_answers(enrollment, quiz, *, correct: bool) -> dict[int, list[int]]:
    """Answers to the questions the patient's next attempt draws (one variant
    per learning objective)."""
    questions = quiz_draw(patient_state(enrollment), quiz, selectors.quiz_questions(quiz))
    return {q.pk: [c.pk for c in pick(q, correct=correct)] for q in questions}


def tick_answers(page, quiz, *, correct: bool) -> None:
    """Tick the answers by their visible labels, question by question: the
    questions this attempt drew (one variant per objective) are on the page."""
    for question in selectors.quiz_questions(quiz):
        group = page.locator(f"#question-{question.pk}")
        if group.count() == 0:
            continue
        for choice in pick(question, correct=correct):
            group.get_by_label(choice.text, exact=True).check()


def mark_same_page(page) -> None:
    page.evaluate(NO_RELOAD_MARK)


def still_same_page(page) -> bool:
    return page.evaluate(SAME_PAGE)


FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id,
    focusVisible: el.matches(':focus-visible'),
    outline: s.outlineStyle + ' ' + s.outlineWidth, boxShadow: s.boxShadow,
  };
}"""


def focus_info(page) -> dict:
    return page.evaluate(FOCUS_STYLE_JS)
