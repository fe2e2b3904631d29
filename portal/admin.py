from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class PortalAdminSite(AdminSite):
    """The admin, shown only to staff who passed the second factor. Sign-in
    goes through the site's own login and verification pages."""

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return not settings.STAFF_REQUIRE_OTP or user.is_verified()

    def login(self, request, extra_context=None):
        user = request.user
        next_url = request.GET.get("next") or request.get_full_path()
        if user.is_authenticated:
            if not (user.is_active and user.is_staff):
                raise PermissionDenied  # signed in, but never allowed here
            if not self.has_permission(request):
                verify = reverse("accounts:otp-verify")
                return redirect(f"{verify}?{urlencode({'next': next_url})}")
            return redirect(next_url if next_url.startswith("/admin/") else "admin:index")
        return redirect_to_login(next_url)


class RecordAdminMixin:
    """An admin page of records that only some staff may open (``allowed``), to
    which nothing is added and from which nothing is deleted."""

    def allowed(self, request) -> bool:
        raise NotImplementedError

    def has_module_permission(self, request):
        return self.allowed(request)

    def has_view_permission(self, request, obj=None):
        return self.allowed(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
