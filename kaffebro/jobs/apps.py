from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "kaffebro.jobs"
    label = "jobs"
    verbose_name = _("Jobs, profiles in play and outcomes")

    def ready(self) -> None:
        from kaffebro.jobs import personal_data  # noqa: F401  (registers the app's personal data)
        from kaffebro.jobs.demo import load_activity
        from kaffebro.jobs.notices import register_notices
        from kaffebro.network.demo import demo_loaded

        register_notices()
        demo_loaded.connect(load_activity, dispatch_uid="jobs.demo_activity")
