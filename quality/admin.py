"""Administrators add and retire measures, and rebase a trust's limits from a month with a reason."""

from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Accreditation,
    AccreditationScheme,
    AccreditationStage,
    AccreditationStep,
    Ambition,
    AmbitionTarget,
    Measure,
    MonthlyFigure,
    Rebase,
)


class NoDeletion:
    """Measures are retired, figures corrected, rebases superseded: never deleted."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Measure)
class MeasureAdmin(NoDeletion, admin.ModelAdmin):
    list_display = ["code", "short_name", "theme", "unit", "better_direction", "target", "active"]
    list_filter = ["active", "theme", "unit", "kind", "rare_event"]
    search_fields = ["code", "short_name", "msds_measure_id"]
    actions = ["retire", "reinstate"]

    # Each measure is saved (not a queryset update) so that whatever keeps a copy of the
    # measures, such as the board pack's kept sections, is told it changed.
    @admin.action(description="Retire the chosen measures (their figures are kept)")
    def retire(self, request, queryset):
        for measure in queryset:
            measure.active, measure.retired_on = False, timezone.localdate()
            measure.save(update_fields=["active", "retired_on"])

    @admin.action(description="Collect the chosen measures again")
    def reinstate(self, request, queryset):
        for measure in queryset:
            measure.active, measure.retired_on = True, None
            measure.save(update_fields=["active", "retired_on"])


@admin.register(MonthlyFigure)
class MonthlyFigureAdmin(NoDeletion, SimpleHistoryAdmin):
    list_display = ["trust", "measure", "month", "numerator", "denominator", "status", "source"]
    list_filter = ["status", "source", "measure"]
    search_fields = ["trust__short_name", "trust__ods_code", "measure__code"]
    readonly_fields = ["entered_by", "updated_at", "version"]


@admin.register(Rebase)
class RebaseAdmin(NoDeletion, SimpleHistoryAdmin):
    list_display = ["trust", "measure", "month", "reason", "created_by", "created_at"]
    list_filter = ["measure"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AmbitionTargetInline(admin.TabularInline):
    model = AmbitionTarget
    extra = 0


@admin.register(Ambition)
class AmbitionAdmin(NoDeletion, admin.ModelAdmin):
    list_display = ["metric", "kind", "lmns", "trust", "measure", "in_force_until"]
    list_filter = ["kind", "lmns", "measure"]
    search_fields = ["metric", "source"]
    inlines = [AmbitionTargetInline]


class AccreditationStageInline(admin.TabularInline):
    model = AccreditationStage
    extra = 0


@admin.register(AccreditationScheme)
class AccreditationSchemeAdmin(NoDeletion, admin.ModelAdmin):
    list_display = ["name", "code"]
    inlines = [AccreditationStageInline]


class AccreditationStepInline(admin.TabularInline):
    model = AccreditationStep
    extra = 0


@admin.register(Accreditation)
class AccreditationAdmin(NoDeletion, admin.ModelAdmin):
    list_display = ["__str__", "lmns", "provider_kind"]
    list_filter = ["scheme", "lmns", "provider_kind"]
    inlines = [AccreditationStepInline]
