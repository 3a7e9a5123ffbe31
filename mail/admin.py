from django.contrib import admin, messages

from . import outbox
from .models import Delivery, MailPreference, Status


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The outbox: filter on "Failed (gave up)" to see failed deliveries and send them again."""

    list_display = ("created_at", "recipient", "kind", "status", "attempts", "next_attempt_at")
    list_filter = ("status", "kind")
    search_fields = ("recipient__username", "recipient__email", "key")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Send again (failed deliveries)", permissions=["view"])
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        skipped = queryset.exclude(status=Status.FAILED).count()
        self.message_user(request, f"{count} sent again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} not failed, left as they were.", messages.WARNING
            )


@admin.register(MailPreference)
class MailPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "choice", "updated_at")
    list_filter = ("kind", "choice")
    search_fields = ("user__username",)
