"""Administration: frameworks and their versions are data, maintained here without code."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Answer,
    EvidenceFile,
    Framework,
    QuarterlyReturn,
    Requirement,
    Section,
    SectionRating,
    Transition,
)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "code", "title"]
    show_change_link = True


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0
    fields = ["order", "code", "text", "guidance", "guidance_url"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "version", "published", "active", "reports_percent"]
    list_filter = ["active", "reports_percent"]
    search_fields = ["name", "short_name"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework", "order"]
    list_filter = ["framework"]
    search_fields = ["code", "title"]
    list_select_related = ["framework"]
    inlines = [RequirementInline]


class SectionRatingInline(admin.TabularInline):
    model = SectionRating
    extra = 0
    fields = ["section", "derived_percent", "agreed_percent", "change_reason"]
    readonly_fields = ["section", "derived_percent"]
    can_delete = False


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(SimpleHistoryAdmin):
    list_display = ["trust", "framework", "period", "status", "updated_at"]
    list_filter = ["status", "framework", "period", "trust__lmns"]
    search_fields = ["trust__name", "trust__short_name", "trust__ods_code", "framework__name"]
    list_select_related = ["trust", "framework", "period"]
    readonly_fields = ["version", "created_at", "updated_at", "updated_by"]
    inlines = [SectionRatingInline, TransitionInline]


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["quarterly_return", "requirement", "status", "percent"]
    list_filter = ["status", "quarterly_return__framework"]
    search_fields = ["quarterly_return__trust__name", "requirement__code"]
    list_select_related = [
        "quarterly_return__trust",
        "quarterly_return__framework",
        "quarterly_return__period",
        "requirement",
    ]
    raw_id_fields = ["quarterly_return", "requirement"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(SimpleHistoryAdmin):
    """Read only: files are added and withdrawn on the return's pages, never deleted."""

    list_display = ["original_name", "answer", "size", "uploaded_at", "withdrawn_at"]
    readonly_fields = [f.name for f in EvidenceFile._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
