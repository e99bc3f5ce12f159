from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kaffebro.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from kaffebro.api import (
            openapi,  # noqa: F401  (registers the token scheme with drf-spectacular)
            personal_data,  # noqa: F401  (registers the app's personal data)
        )
        from kaffebro.api.throttling import check_rates

        check_rates()
