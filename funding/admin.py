"""Read-mostly admin for support staff; the programme team works through the funding pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AllocationChange,
    BudgetLine,
    FundingStream,
    SpendEntry,
    SpendReturn,
    TrustCompletion,
)


@admin.register(FundingStream)
class FundingStreamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lmns", "start_year", "kind", "amount", "status"]
    list_filter = ["start_year", "kind", "status", "lmns"]


@admin.register(AllocationChange)
class AllocationChangeAdmin(admin.ModelAdmin):
    list_display = [
        "stream",
        "previous_amount",
        "new_amount",
        "new_status",
        "changed_by",
        "changed_at",
    ]
    readonly_fields = [f.name for f in AllocationChange._meta.fields]


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ["title", "stream", "holder_trust", "category", "approved_amount"]
    list_filter = ["stream__start_year", "category", "stream__lmns"]
    search_fields = ["title"]
    raw_id_fields = ["deliverable"]


@admin.register(SpendReturn)
class SpendReturnAdmin(SimpleHistoryAdmin):
    list_display = ["lmns", "period", "status"]
    list_filter = ["status", "lmns"]
    readonly_fields = ["status", "version"]


@admin.register(SpendEntry)
class SpendEntryAdmin(SimpleHistoryAdmin):
    list_display = ["budget_line", "quarter", "actual", "forecast_outturn"]
    list_filter = ["quarter", "spend_return__lmns"]
    raw_id_fields = ["budget_line", "spend_return"]


@admin.register(TrustCompletion)
class TrustCompletionAdmin(SimpleHistoryAdmin):
    """Whether a trust marked its quarter's lines complete: changed only through the steps."""

    list_display = ["spend_return", "trust", "status", "completed_by", "completed_at"]
    list_filter = ["status", "spend_return__lmns"]
    readonly_fields = ["spend_return", "trust", "status", "version", "completed_by", "completed_at"]
