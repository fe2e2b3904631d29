"""The shape of a self-check: one radio group per item of
``education.selfcheck`` (the SURE screen, the expectations questions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..selfcheck import Item


class SelfCheckForm(forms.Form):
    def __init__(self, *args, items: tuple[Item, ...], **kwargs):
        kwargs.setdefault("auto_id", "self-check-%s")
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[item.key] = forms.ChoiceField(
                label=item.text,
                choices=item.options,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one answer."),
                    "invalid_choice": _("That answer is not one of the choices. Choose again."),
                },
            )
