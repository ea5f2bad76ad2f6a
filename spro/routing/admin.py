from django.contrib import admin

from spro.routing.models import RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Read-only history: rule sets are published with `spro regles-aiguillage publier` (new version)."""

    list_display = ["region_code", "version", "is_active", "created_at", "created_by", "comment"]
    list_filter = ["region_code", "is_active"]
    readonly_fields = ["region_code", "version", "rules", "created_at", "created_by", "is_active", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
