from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    name = "kaffebro.paths"
    label = "paths"
    verbose_name = _("Warm paths")

    def ready(self) -> None:
        from kaffebro.network.changes import graph_changed
        from kaffebro.paths.receivers import schedule_rebuild

        graph_changed.connect(schedule_rebuild, dispatch_uid="paths.schedule_rebuild")
