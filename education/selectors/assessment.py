"""Reads for what a patient said about their own understanding, for the
clinician's brief. They work on a PatientState already loaded (no queries)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Module, TeachBack
from .progress import PatientState


@dataclass
class TeachBackRow:
    """One stage that asks a teach-back question, with the answer if written."""

    module: Module
    answer: TeachBack | None

    @property
    def is_written(self) -> bool:
        return self.answer is not None

    @property
    def is_discussed(self) -> bool:
        return self.answer is not None and self.answer.discussed_at is not None


def brief_teach_backs(state: PatientState) -> list[TeachBackRow]:
    """Every stage with a teach-back question, in pathway order."""
    return [
        TeachBackRow(stage.module, state.raw.teach_backs.get(stage.module.pk))
        for stage in state.stages
        if stage.module.teach_back.strip()
    ]
