"""The authoring tool for library editors (library content, lesson drafts and
versions) and read-only views of progress (superusers); the audit log is in
audit/admin.py. Clinic admins do not change the shared library."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import clinic, drafts, lessons, library, library_versions, records  # noqa: F401  (registers the admins)

admin.site.site_header = _("ConsultReady administration")
admin.site.site_title = _("ConsultReady admin")
admin.site.index_title = _("Content and clinic")
