from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Criterion, Rubric, Section

# Rubrics change only through the app's editor (scoring.services), so that every change is
# validated, versioned and audited the same way; the admin shows them read-only.


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("position", "name", "weight", "target")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rubric)
class RubricAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("name",)
    inlines = [SectionInline]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("behaviour", "section", "answer_type", "weight", "critical")
    list_select_related = ("section",)
