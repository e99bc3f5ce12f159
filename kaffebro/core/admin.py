"""The operator's read-only view of the access log: every row, for data-protection questions and audits.

Rows are written only by `kaffebro.core.access_log` and deleted only by the retention chore, so nobody adds,
changes or deletes one here. Operators are active staff; they need no per-model permissions to look.
"""

from django.contrib import admin

from kaffebro.core.models import AccessLog


def _is_operator(request) -> bool:
    return request.user.is_active and request.user.is_staff


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("created", "kind", "viewer", "subject", "code", "purpose")
    list_filter = ("kind",)
    list_select_related = ("viewer", "subject")
    search_fields = ("code", "subject__email", "viewer__email")
    date_hierarchy = "created"
    fields = ("created", "kind", "viewer", "viewer_named", "subject", "code", "purpose")
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return _is_operator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_operator(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
