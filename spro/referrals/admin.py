from django.contrib import admin

from spro.referrals.models import PersonalDataAccess, RefusalReason


@admin.register(RefusalReason)
class RefusalReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"code": ["label"]}


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited by hand."""

    list_display = ["at", "user_label", "action", "record_type", "record_id", "reason"]
    list_filter = ["action", "record_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
