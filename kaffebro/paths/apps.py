from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    name = "kaffebro.paths"
    label = "paths"
    verbose_name = _("Warm paths")

    def ready(self) -> None:
        from kaffebro.core.health import register_readiness_check
        from kaffebro.network.changes import graph_changed
        from kaffebro.paths.receivers import schedule_rebuild
        from kaffebro.paths.snapshot import check_published

        graph_changed.connect(schedule_rebuild, dispatch_uid="paths.schedule_rebuild")
        register_readiness_check("snapshot", check_published)
