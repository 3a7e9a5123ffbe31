from django.contrib import admin

from .models import Lmns, Membership, Region, ReportingPeriod, Site, Trust


class KeepRecordsMixin:
    """For records in the audit trail: administrators may correct them, never delete them.

    Django's admin also refuses to delete anything whose deletion would cascade to them.
    """

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
    list_display = ["name", "short_name", "icb", "region"]
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
