"""The operator's view of members: find a member, see their state, grant or revoke the coach role, reset 2FA.

Every field is read-only here: a member changes their own account through the site, and
the coach role changes only through the admin actions, which call the account actions
so that each change is checked and logged. Passwords are never shown. Operators are staff members; they need no
per-model permissions to look after members.
"""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaffebro.accounts import actions
from kaffebro.accounts.models import Authenticator, User


class EmailVerifiedFilter(admin.SimpleListFilter):
    title = _("e-mail verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(email_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(email_verified_at__isnull=True)
        return queryset


@admin.register(User)
class MemberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "display_name",
        "is_coach",
        "is_staff",
        "two_factor",
        "is_active",
        "email_verified_at",
        "date_joined",
    ]
    list_display_links = ["email", "display_name"]
    list_filter = ["is_coach", "is_staff", "is_active", EmailVerifiedFilter, "language"]
    search_fields = ["email", "display_name"]
    ordering = ["email"]
    date_hierarchy = "date_joined"
    fields = (
        "code",
        "email",
        "display_name",
        "language",
        "time_zone",
        "email_verified_at",
        "is_coach",
        "is_staff",
        "is_active",
        "date_joined",
        "last_login",
    )
    readonly_fields = fields
    actions = ["grant_coach", "revoke_coach", "reset_two_factor"]

    def get_queryset(self, request):
        authenticator = Authenticator.objects.filter(member=OuterRef("pk"))
        return super().get_queryset(request).annotate(has_two_factor=Exists(authenticator))

    @admin.display(boolean=True, description=_("two-factor log-in"))
    def two_factor(self, member: User) -> bool:
        return member.has_two_factor  # type: ignore[attr-defined]

    def _is_operator(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return self._is_operator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_operator(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Grant the career coach role"), permissions=["view"])
    def grant_coach(self, request, queryset):
        granted = sum(actions.grant_coach(request.user, member) for member in queryset)
        message = ngettext(
            "%(count)d member is now a career coach.", "%(count)d members are now career coaches.", granted
        ) % {"count": granted}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Revoke the career coach role"), permissions=["view"])
    def revoke_coach(self, request, queryset):
        revoked = sum(actions.revoke_coach(request.user, member) for member in queryset)
        message = ngettext(
            "%(count)d member is no longer a career coach.", "%(count)d members are no longer career coaches.", revoked
        ) % {"count": revoked}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Reset two-factor log-in (lost phone and recovery codes)"), permissions=["view"])
    def reset_two_factor(self, request, queryset):
        reset = sum(actions.reset_two_factor(request.user, member) for member in queryset)
        message = ngettext(
            "%(count)d member sets up two-factor log-in anew.",
            "%(count)d members set up two-factor log-in anew.",
            reset,
        ) % {"count": reset}
        self.message_user(request, message, messages.SUCCESS)
