from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Deliverable, GovernanceStep, Plan, PlanKpi, Risk, Workstream


class WorkstreamInline(admin.TabularInline):
    model = Workstream
    extra = 0


class KpiInline(admin.TabularInline):
    model = PlanKpi
    extra = 0


class GovernanceInline(admin.TabularInline):
    model = GovernanceStep
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "lmns", "trust", "period_start", "period_end"]
    list_filter = ["lmns"]
    inlines = [WorkstreamInline, KpiInline, GovernanceInline]


@admin.register(Deliverable)
class DeliverableAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "plan", "status", "due_date"]
    list_filter = ["plan__lmns", "plan"]
    readonly_fields = ["status"]
    filter_horizontal = ["trusts"]
    raw_id_fields = ["ambition"]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "lmns", "likelihood", "impact", "review_date", "status"]
    list_filter = ["lmns"]
