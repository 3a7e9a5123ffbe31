"""Administration: frameworks and their versions are data, maintained here without code."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Answer,
    AnswerLink,
    EvidenceFile,
    Framework,
    QuarterlyReturn,
    Requirement,
    RequirementMapping,
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


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    """Searchable, so a mapping's two requirements are found by code, text or framework."""

    list_display = ["code", "text", "section"]
    list_filter = ["section__framework"]
    search_fields = ["code", "text", "section__framework__short_name"]
    list_select_related = ["section__framework"]


@admin.register(RequirementMapping)
class RequirementMappingAdmin(admin.ModelAdmin):
    """Cross-references between frameworks: each row must cite where it is published."""

    list_display = ["requirement", "related", "source_document", "source_location"]
    list_filter = ["requirement__section__framework", "related__section__framework"]
    search_fields = ["requirement__code", "related__code", "source_document", "source_location"]
    list_select_related = ["requirement__section__framework", "related__section__framework"]
    autocomplete_fields = ["requirement", "related"]
    fields = ["requirement", "related", "source_document", "source_location", "source_url"]

    def get_readonly_fields(self, request, obj=None):
        """A saved mapping keeps its two requirements: links made under it rely on them. A
        wrong pair is corrected by adding the right one, with its source."""
        return ["requirement", "related"] if obj is not None else []


@admin.register(AnswerLink)
class AnswerLinkAdmin(SimpleHistoryAdmin):
    """Read only: the trust's leads link and unlink on the return's pages."""

    list_display = ["answer", "evidence", "action", "linked_by", "linked_at", "removed_at"]
    list_select_related = [
        "answer__requirement",
        "answer__quarterly_return__trust",
        "answer__quarterly_return__framework",
        "answer__quarterly_return__period",
        "evidence",
        "action__requirement",
        "linked_by",
    ]
    readonly_fields = [f.name for f in AnswerLink._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
