from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "kaffebro.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from kaffebro.insights.suppression import check_minimum

        checks.register(check_minimum)
