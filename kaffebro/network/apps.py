from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "kaffebro.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from kaffebro.accounts.signals import display_name_changed
        from kaffebro.network import personal_data  # noqa: F401  (registers the app's personal data)
        from kaffebro.network.receivers import rename_member_person

        display_name_changed.connect(rename_member_person, dispatch_uid="network.rename_member_person")
