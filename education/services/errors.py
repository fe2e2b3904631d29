"""The one error type of education services."""

from __future__ import annotations

from collections.abc import Mapping


class EducationError(Exception):
    """A rule was broken; the message is written for the person who broke it.

    ``errors`` says which parts were at fault, keyed by domain ids: a question
    id (quiz answers), a checklist item id (checklist answers) or the name of a
    domain attribute (``"override_reason"`` of a review). Views map these keys
    to their form fields; services never know a form.
    """

    def __init__(self, message: str, *, errors: Mapping[int | str, str] | None = None):
        super().__init__(message)
        self.errors = dict(errors or {})


class StageLocked(EducationError):
    """The stage (or its quiz) is not open yet for this patient."""
