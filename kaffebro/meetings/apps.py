from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "kaffebro.meetings"
    label = "meetings"
    verbose_name = _("Coffee meetings")

    def ready(self) -> None:
        from kaffebro.meetings import personal_data  # noqa: F401  (registers the app's personal data)
        from kaffebro.meetings.notices import register_notices

        register_notices()
