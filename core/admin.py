from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Team, User
from .services import team_save, user_save


class ReadOnly:
    """What the app's own pages change through its services (checks, audit, rebuilds) is read
    here, never edited: a change in the admin would skip all three (pretix's rule)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """People are created and given a role and team here; each save goes through
    core.services.user_save (audited, records rebuilt). Deactivate instead of deleting: reviews,
    sessions and the audit log keep naming them."""

    list_display = ("username", "first_name", "last_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active", "is_superuser")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and team"), {"fields": ("role", "team", "hired_on")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and team"), {"fields": ("role", "team")}),
    )

    def save_model(self, request, obj, form, change):
        user_save(
            actor=request.user, user=obj, changed=list(form.changed_data) if change else ["role", "team"]
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams and their leads; each save goes through core.services.team_save (audited, records
    rebuilt). A team is not deleted: its records and reviews name it."""

    list_display = ("name", "lead")
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        team_save(actor=request.user, team=obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log is written by services only; here it can be read, never edited."""

    list_display = ("created_at", "actor", "action", "summary")
    list_filter = ("action",)
    search_fields = ("summary", "group_key")
