from django.contrib import admin

from lantern.governance.models import AuditEntry, RecordRestriction, Team


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the chain is append-only, even for administrators."""

    list_display = ("sequence", "at", "username", "action", "object_type", "object_id", "summary")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_id", "summary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams and their members: who shares access to restricted records."""

    list_display = ("name", "code")
    search_fields = ("name", "code")
    filter_horizontal = ("members",)


@admin.register(RecordRestriction)
class RecordRestrictionAdmin(admin.ModelAdmin):
    """The access lists (grants) of restricted records; supervisors set them from the record's page."""

    list_display = ("kind", "label", "reason", "created_at")
    search_fields = ("label", "reason", "object_id")
    filter_horizontal = ("users", "teams")
    readonly_fields = ("object_id", "kind", "label", "created_by", "created_at")
