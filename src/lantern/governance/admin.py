from django.contrib import admin

from lantern.governance.models import AuditEntry


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
