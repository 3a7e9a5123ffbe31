from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Lmns, Membership, Region, ReportingPeriod, Site, Trust

# Deletion is refused for every model by the site itself: see lmns.admin_site.
User = get_user_model()
admin.site.unregister(User)


class EmailAddressFilter(admin.SimpleListFilter):
    """People with no email address are told in the app only: "No email address" lists them."""

    title = "email address"
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("none", "No email address"), ("some", "Has an email address")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(email="")
        if self.value() == "some":
            return queryset.exclude(email="")
        return queryset


@admin.register(User)
class PersonAdmin(UserAdmin):
    """People are deactivated when they leave, never deleted: their records keep their name."""

    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = [EmailAddressFilter, *UserAdmin.list_filter]
    actions = ["mark_as_left"]

    @admin.action(
        description="Mark the selected people as left (they can no longer sign in)",
        permissions=["change"],
    )
    def mark_as_left(self, request, queryset) -> None:
        count = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(
            request,
            f"{count} {'person' if count == 1 else 'people'} marked as left.",
            messages.SUCCESS,
        )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class TrustInline(admin.TabularInline):
    model = Trust
    extra = 0
    fields = ["name", "short_name", "ods_code"]
    show_change_link = True


@admin.register(Lmns)
class LmnsAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "icb", "region", "spend_sign_off_by_submitter"]
    list_filter = ["region"]
    search_fields = ["name", "short_name", "icb"]
    inlines = [TrustInline]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "ods_code", "lmns"]
    list_filter = ["lmns__region", "lmns"]
    search_fields = ["name", "short_name", "ods_code"]
    list_select_related = ["lmns"]
    inlines = [SiteInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "trust", "site_type", "neonatal_level"]
    list_filter = ["site_type", "neonatal_level", "trust__lmns"]
    search_fields = ["name", "trust__name"]
    list_select_related = ["trust"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start_date", "end_date", "submission_deadline", "is_open"]
    list_filter = ["is_open", "start_year", "quarter"]
    list_editable = ["is_open"]
    readonly_fields = ["start_date", "end_date"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "trust", "lmns"]
    list_filter = ["role", "lmns", "trust__lmns"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user", "trust", "lmns"]
    list_select_related = ["user", "trust", "lmns"]
