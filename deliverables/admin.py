from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Deliverable, Plan, Risk, Trajectory, TrajectoryTarget, Workstream


class WorkstreamInline(admin.TabularInline):
    model = Workstream
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "lmns", "trust", "period_start", "period_end"]
    list_filter = ["lmns"]
    inlines = [WorkstreamInline]


@admin.register(Deliverable)
class DeliverableAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "plan", "status", "due_date"]
    list_filter = ["plan__lmns", "plan"]
    readonly_fields = ["status"]
    filter_horizontal = ["trusts"]


class TargetInline(admin.TabularInline):
    model = TrajectoryTarget
    extra = 0


@admin.register(Trajectory)
class TrajectoryAdmin(admin.ModelAdmin):
    list_display = ["metric", "deliverable", "unit"]
    inlines = [TargetInline]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "lmns", "likelihood", "impact", "review_date", "status"]
    list_filter = ["lmns"]
