from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kaffebro.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kaffebro.accounts import personal_data  # noqa: F401  (registers the app's personal data)
        from kaffebro.accounts.sessions import start_clocks

        user_logged_in.connect(start_clocks, dispatch_uid="kaffebro.accounts.start_clocks")
