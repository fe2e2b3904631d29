"""Drafts of published quizzes, checklists, modules and pathways, and of a
clinic's own stages and checklist items, in the admin.

The change form of a quiz, question, checklist, module or pathway that
patients may have seen, or of a clinic's own stage or checklist item, runs
inside a transaction that is always rolled back: the open draft is applied first (so
the form shows it), Django's own form and inline formsets validate and save
as usual, and the result is read back as the draft's payload. Nothing
patients see changes. Another library editor approves and publishes a
library draft under "Quiz, checklist and module drafts"; a clinic's admin
publishes their own clinic's draft alone ("Publish now" on the form, or the
clinic pages' publish action), and those drafts have no page here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, router, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import RecordAdminMixin

from .. import drafting, governance
from ..models import ContentDraft, content_clinic_id
from ..services.errors import EducationError
from .content_versions import versions_url

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
DRAFT_FORM_FIELDS = ("change_note", "submit_for_review")
DRAFT_DISPLAY_FIELDS = ("draft_state", "draft_changes")
SAVE_BUTTONS = ("_save", "_continue", "_addanother")


class DraftForm(forms.ModelForm):
    """The form of content that has drafts: a change note and "Submit for
    review" beside the model's fields (shown only once it was published)."""

    change_note = forms.CharField(
        label=_("Change note"),
        required=False,
        max_length=300,
        help_text=_("What changed and why, for the version history (editors only)."),
    )
    submit_for_review = forms.BooleanField(
        label=_("Submit for review"),
        required=False,
        help_text=_("Another library editor then approves and publishes it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ctx = getattr(self.instance, "_content_drafting", None)
        if ctx is not None and ctx.draft is not None:
            self.fields["change_note"].initial = ctx.draft.change_note
        if ctx is not None and content_clinic_id(ctx.target) is not None:
            # A clinic's own content: its admin publishes alone, no review.
            self.fields["submit_for_review"].label = _("Publish now")
            self.fields["submit_for_review"].help_text = _(
                "Your clinic's patients see this as soon as it is saved."
            )


def _patients_see(target) -> str:
    """What patients see of ``target`` now, for a message."""
    version = drafting.published_version(target)
    if version is None:
        return _gettext("the published item")
    return _gettext("version %(n)s") % {"n": version}


@dataclass
class _Drafting:
    """One request's draft: the published object, its open draft, what
    patients see now, and what the form saved (read back before rollback)."""

    target: object
    draft: ContentDraft | None
    published: dict
    known: dict
    captured: dict | None = None
    cleaned: dict = field(default_factory=dict)


class _RolledBack(Exception):
    def __init__(self, response):
        super().__init__("rolled back")
        self.response = response


class DraftedAdminMixin:
    """Mixed into the admin of a quiz, question, checklist or module (before
    the library admin in the bases). ``draft_target`` says which published
    object an edit belongs to; ``locked_fields`` cannot change once it was
    published (they are not part of a draft)."""

    form = DraftForm
    locked_fields: tuple[str, ...] = ()

    def draft_target(self, obj):
        """The published content whose draft an edit of ``obj`` goes to."""
        return obj if drafting.is_drafted(obj) else None

    def draft_target_for_id(self, request, object_id):
        try:
            obj = self.model._base_manager.filter(pk=unquote(object_id)).first()
        except (ValueError, TypeError):
            return None
        return self.draft_target(obj) if obj is not None else None

    def draft_target_for_add(self, request):
        return None

    def _drafting(self, request, obj) -> bool:
        ctx = getattr(request, "_content_drafting", None)
        return ctx is not None and obj is not None and obj.pk is not None

    # --- The form ------------------------------------------------------------

    def get_fields(self, request, obj=None):
        skipped = {*DRAFT_FORM_FIELDS, *DRAFT_DISPLAY_FIELDS}
        fields = [name for name in super().get_fields(request, obj) if name not in skipped]
        if self._drafting(request, obj):
            fields += [*DRAFT_FORM_FIELDS, *DRAFT_DISPLAY_FIELDS, *self._version_fields(request)]
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._drafting(request, obj):
            fields += [*self.locked_fields, *DRAFT_DISPLAY_FIELDS, *self._version_fields(request)]
        return fields

    def _version_fields(self, request) -> list[str]:
        """A link to the published versions, for content with a version
        number (a clinic's checklist item has none)."""
        target = request._content_drafting.target
        return ["published_versions"] if drafting.published_version(target) else []

    def get_prepopulated_fields(self, request, obj=None):
        if self._drafting(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    @admin.display(description=_("draft"))
    def draft_state(self, obj):
        ctx = getattr(obj, "_content_drafting", None)
        if ctx is not None and content_clinic_id(ctx.target) is not None:
            values = {"what": _patients_see(ctx.target)}
            if ctx.draft is None:
                return (
                    _gettext(
                        "No open draft: the form shows what your patients see (%(what)s). Saving "
                        "makes a draft your patients do not see until you publish it."
                    )
                    % values
                )
            return (
                _gettext(
                    "Saved, not published yet: your patients still see %(what)s. Tick “Publish "
                    "now” and save, or run a “Publish selected” action in the list, to publish it."
                )
                % values
            )
        if ctx is None or ctx.draft is None:
            return _gettext(
                "No open draft: the form shows what patients see (version %(n)s). Saving "
                "makes a draft that patients do not see until another library editor "
                "publishes it."
            ) % {"n": ctx.target.version if ctx else "—"}
        return format_html(
            '{} · {} · <a href="{}">{}</a>',
            ctx.draft.get_state_display(),
            _gettext("patients still see version %(n)s") % {"n": ctx.target.version},
            reverse("admin:education_contentdraft_change", args=[ctx.draft.pk]),
            _("Review the draft"),
        )

    @admin.display(description=_("published versions"))
    def published_versions(self, obj):
        ctx = getattr(obj, "_content_drafting", None)
        if ctx is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            versions_url(ctx.target),
            _("The published versions, with what changed in each"),
        )

    @admin.display(description=_("changes from the published version"))
    def draft_changes(self, obj):
        ctx = getattr(obj, "_content_drafting", None)
        if ctx is None or ctx.draft is None:
            return "—"
        return drafting.content_draft_diff_html(ctx.target, ctx.draft.payload, ctx.published)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._content_drafting = getattr(request, "_content_drafting", None)
        return obj

    # --- Saving as a draft -------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        action_post = request.method == "POST" and not any(b in request.POST for b in SAVE_BUTTONS)
        if action_post and any(key.endswith("action") for key in request.POST):
            return super().changeform_view(request, object_id, form_url, extra_context)
        if object_id is None:
            target = self.draft_target_for_add(request)
        else:
            target = self.draft_target_for_id(request, object_id)
        # Who edits a draft is who may publish it: a library editor for the
        # library, the owning clinic's admin for its own content. Anyone else
        # gets the page's own answer (403, or 404 for another clinic's).
        if target is not None and not governance.may_publish(request.user, target):
            target = None
        if target is None:
            return super().changeform_view(request, object_id, form_url, extra_context)

        draft = drafting.content_open_draft(target)
        ctx = _Drafting(
            target=target,
            draft=draft,
            published=drafting.content_payload_read(target),
            known=drafting.known_pks(target),
        )
        request._content_drafting = ctx
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                if draft is not None:
                    self._draft_apply(request, target, draft)
                response = super().changeform_view(request, object_id, form_url, extra_context)
                if hasattr(response, "render"):
                    response.render()
                raise _RolledBack(response)
        except _RolledBack as rolled:
            response = rolled.response
        finally:
            del request._content_drafting
        if ctx.captured is None:
            return response
        return self._draft_saved(request, ctx, object_id)

    def _draft_apply(self, request, target, draft) -> None:
        """Show the open draft in the form; a draft that no longer fits the
        content is left out, with a message saying so."""
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                drafting.payload_apply(
                    type(target)._base_manager.get(pk=target.pk), draft.payload, keep_new_pks=True
                )
        except (IntegrityError, EducationError):
            messages.error(request, drafting.DRAFT_DOES_NOT_FIT)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        ctx = getattr(request, "_content_drafting", None)
        if ctx is not None:
            ctx.captured = drafting.content_payload_read(ctx.target, known=ctx.known)
            ctx.cleaned = form.cleaned_data

    def message_user(self, request, *args, **kwargs):
        ctx = getattr(request, "_content_drafting", None)
        if ctx is not None and ctx.captured is not None:
            return  # "changed successfully" would be untrue: it was rolled back
        super().message_user(request, *args, **kwargs)

    def _draft_saved(self, request, ctx: _Drafting, object_id):
        target = ctx.target
        draft = drafting.content_draft_save(
            obj=target,
            payload=ctx.captured,
            change_note=ctx.cleaned.get("change_note") or "",
            actor=request.user,
            request=request,
        )
        if content_clinic_id(target) is not None:
            return self._clinic_draft_saved(request, ctx, draft, object_id)
        values = {"n": target.version}
        if draft is None:
            self.message_user(
                request,
                _gettext("Nothing changed: patients still see version %(n)s.") % values,
                messages.INFO,
            )
        else:
            if ctx.cleaned.get("submit_for_review") and draft.state == draft.State.DRAFT:
                drafting.content_draft_submit(draft=draft, actor=request.user, request=request)
            self.message_user(
                request,
                _gettext(
                    "Saved as a draft; patients still see version %(n)s. Another library "
                    "editor approves and publishes it under “Quiz, checklist and module drafts”."
                )
                % values,
                messages.INFO,
            )
        return self._after_save(request, target, object_id)

    def _clinic_draft_saved(self, request, ctx: _Drafting, draft, object_id):
        """A clinic's own content: saved as its draft, and published at once
        by the clinic's admin when "Publish now" is ticked."""
        target = ctx.target
        values = {"what": _patients_see(target)}
        if draft is None:
            self.message_user(
                request,
                _gettext("Nothing changed: your patients still see %(what)s.") % values,
                messages.INFO,
            )
        elif not ctx.cleaned.get("submit_for_review"):
            self.message_user(
                request,
                _gettext(
                    "Saved as a draft; your patients still see %(what)s. Tick “Publish now” "
                    "and save, or run a “Publish selected” action in the list, to publish it."
                )
                % values,
                messages.INFO,
            )
        else:
            try:
                drafting.content_draft_publish(draft=draft, actor=request.user, request=request)
            except EducationError as error:
                self.message_user(request, str(error), messages.ERROR)
                self.message_user(
                    request,
                    _gettext("Saved as a draft; your patients still see %(what)s.") % values,
                    messages.INFO,
                )
            else:
                target.refresh_from_db()
                self.message_user(
                    request,
                    _gettext("Published: your clinic's patients see %(what)s now.")
                    % {"what": _patients_see(target)},
                    messages.SUCCESS,
                )
        return self._after_save(request, target, object_id)

    def _after_save(self, request, target, object_id):
        if object_id is None:
            opts = target._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
        elif "_continue" in request.POST or "_addanother" in request.POST:
            url = request.path
        else:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return HttpResponseRedirect(url)


# --- The drafts' own pages ---------------------------------------------------


def _run(modeladmin, request, queryset, service, done):
    for draft in queryset:
        try:
            result = service(draft=draft, actor=request.user, request=request)
        except EducationError as error:
            modeladmin.message_user(request, f"“{draft.title}”: {error}", messages.ERROR)
        else:
            values = {"title": draft.title, "n": result}
            modeladmin.message_user(request, done % values, messages.SUCCESS)


def clinic_drafts_publish(modeladmin, request, objects) -> list:
    """Publish the open drafts of a clinic's own ``objects`` by that clinic's
    admin, alone, with a message for each. Returns the objects that had no
    open draft."""
    without = []
    for obj in objects:
        draft = drafting.content_open_draft(obj)
        if draft is None:
            without.append(obj)
            continue
        try:
            drafting.content_draft_publish(draft=draft, actor=request.user, request=request)
        except EducationError as error:
            modeladmin.message_user(request, f"“{draft.title}”: {error}", messages.ERROR)
            continue
        obj.refresh_from_db()
        modeladmin.message_user(
            request,
            _gettext("“%(title)s”: your clinic's patients see %(what)s now.")
            % {"title": draft.title, "what": _patients_see(obj)},
            messages.SUCCESS,
        )
    return without


@admin.action(description=_("Submit for review"), permissions=["change"], location=BOTH)
def submit(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, drafting.content_draft_submit, _("“%(title)s” submitted."))


@admin.action(description=_("Approve and publish"), permissions=["change"], location=BOTH)
def approve_and_publish(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        drafting.content_draft_publish,
        _("“%(title)s” is published as version %(n)s."),
    )


@admin.action(description=_("Withdraw"), permissions=["change"], location=BOTH)
def withdraw(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        drafting.content_draft_withdraw,
        _("“%(title)s” withdrawn."),
    )


class KindFilter(admin.SimpleListFilter):
    title = _("kind of content")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [
            (model._meta.model_name, model._meta.verbose_name) for model in drafting.DRAFTED_MODELS
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type__model=self.value())
        return queryset


@admin.register(ContentDraft)
class ContentDraftAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Library editors and superusers only; nothing is added or deleted here."""

    actions = [submit, approve_and_publish, withdraw]
    list_display = ["title", "kind", "state", "edited_by", "edited_at", "submitted_at"]
    list_filter = ["state", KindFilter]
    list_select_related = ["content_type", "edited_by"]
    search_fields = ["title", "change_note"]
    fields = [
        "content_link",
        "state",
        "change_note",
        "edited_by",
        "edited_at",
        "submitted_at",
        "published_version",
        "rule_problems",
        "changes",
    ]
    readonly_fields = fields

    def allowed(self, request):
        return governance.may_edit_library(request.user)

    def has_change_permission(self, request, obj=None):
        return self.allowed(request)

    def get_queryset(self, request):
        # A clinic's own content is its admin's, never the library's.
        return super().get_queryset(request).filter(clinic__isnull=True)

    def get_object(self, request, object_id, from_field=None):
        """A clinic's draft does not exist here; a role that may never open
        these pages (a clinic admin) is refused first, with 403."""
        if not self.allowed(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("kind of content"))
    def kind(self, obj):
        return obj.content_type.model_class()._meta.verbose_name

    @admin.display(description=_("content"))
    def content_link(self, obj):
        target = obj.content_object
        if target is None:
            return "—"
        opts = target._meta
        return format_html(
            '<a href="{}">{} “{}”</a> · {} · <a href="{}">{}</a>',
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk]),
            opts.verbose_name,
            target,
            _gettext("patients see version %(n)s") % {"n": target.version},
            versions_url(target),
            _("its published versions"),
        )

    @admin.display(description=_("content rules"))
    def rule_problems(self, obj):
        if not obj.is_open or obj.content_object is None:
            return "—"
        problems = drafting.payload_problems(obj.content_object, obj.payload)
        if not problems:
            return _("All met: it may be published.")
        return format_html_join("", "<p class='errornote'>{}</p>", ((p,) for p in problems))

    @admin.display(description=_("changes from the published version"))
    def changes(self, obj):
        if not obj.is_open or obj.content_object is None:
            return "—"
        return drafting.content_draft_diff_html(obj.content_object, obj.payload)
