from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from spro.accounts import members
from spro.accounts.models import RecoveryCodeDevice, User


class UserChangeForm(BaseUserChangeForm):
    def clean(self):
        cleaned = super().clean()
        # The admin's change view is one transaction: the structures locked here stay locked until saved.
        if self.instance.pk and self.initial.get("is_active") and cleaned.get("is_active") is False:
            try:
                members.check_can_deactivate(self.instance)
            except members.MembershipError as error:
                self.add_error("is_active", str(error))
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "region_role", "is_active", "is_staff"]
    list_filter = ["region_role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Rôles", {"fields": ["region_role", "is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_deleted_objects(self, objs, request):
        # Deleting the last administrator of a structure is refused like deactivating them: the admin
        # lists the reason as a "protected" object and deletes nothing (the delete view is one transaction).
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for user in objs:
            try:
                members.check_can_deactivate(user)
            except members.MembershipError as error:
                protected = [*protected, str(error)]
        return deleted, model_count, perms_needed, protected


# The second factor's secrets are never shown, even to technical staff: the admin lists devices and can
# delete one (a person who lost their phone and codes then enrols again at their next login).
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "confirmed", "remaining"]
    search_fields = ["user__email"]
    fields = ["user", "confirmed"]
    readonly_fields = fields

    @admin.display(description="codes restants")
    def remaining(self, obj):
        return obj.remaining()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
