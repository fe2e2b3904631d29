from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import account_views, views
from .forms import EmailAuthenticationForm
from .permissions import account_page_required

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        views.SignInView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password-reset-done"),
        ),
        name="password-reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path(
        "password_change/",
        account_page_required(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change_form.html",
                success_url=reverse_lazy("accounts:password-change-done"),
            )
        ),
        name="password-change",
    ),
    path(
        "password_change/done/",
        account_page_required(
            auth_views.PasswordChangeDoneView.as_view(
                template_name="accounts/password_change_done.html"
            )
        ),
        name="password-change-done",
    ),
    path("invitation/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path("invitations/new/", views.invitation_create_view, name="invitation-create"),
    path("invitations/", views.invitation_list_view, name="invitation-list"),
    path(
        "invitations/<id:invitation_id>/resend/",
        views.invitation_resend_view,
        name="invitation-resend",
    ),
    path(
        "invitations/<id:invitation_id>/revoke/",
        views.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path("verify/", views.otp_verify_view, name="otp-verify"),
    path("locked/", views.locked_out_page, name="locked-out"),
    path("two-factor/setup/", views.otp_setup_view, name="otp-setup"),
    path("clinic/logo", account_views.clinic_logo, name="clinic-logo"),
    path("clinic/theme.css", account_views.clinic_theme, name="clinic-theme"),
    path("me/", account_views.account, name="account"),
    path("me/record.json", account_views.record_export, name="record-export"),
    path("session/keep-alive/", account_views.session_keep_alive, name="keep-alive"),
]
