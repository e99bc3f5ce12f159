from django.contrib.auth import views as auth_views
from django.urls import path

from kaffebro.accounts import data_views, views
from kaffebro.accounts.decorators import allowed_before_two_factor

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/check-your-inbox/", views.signup_done, name="signup_done"),
    path("verify/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", allowed_before_two_factor(auth_views.LogoutView.as_view()), name="logout"),
    path("confirm-password/", views.confirm_password, name="confirm_password"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/", views.password_change, name="password_change"),
    path("settings/", views.account_settings, name="settings"),
    path("email/", views.email_change, name="email_change"),
    path("email/confirm/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/recovery-codes/new/", views.new_recovery_codes, name="new_recovery_codes"),
    path("two-factor/turn-off/", views.disable_two_factor, name="disable_two_factor"),
    path("language/", views.set_language, name="set_language"),
    path("export/", data_views.export, name="export"),
    path("delete/", data_views.delete, name="delete"),
]
