from django.contrib import admin

from .models import KpiScheme, KpiSettings, KpiWeight, PerformanceRecord


class KpiWeightInline(admin.TabularInline):
    model = KpiWeight
    extra = 1
    fields = ("position", "kpi", "section_name", "weight", "target", "direction", "cap")


@admin.register(KpiScheme)
class KpiSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "team", "updated_at")
    inlines = [KpiWeightInline]


@admin.register(KpiSettings)
class KpiSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "updated_at")


@admin.register(PerformanceRecord)
class PerformanceRecordAdmin(admin.ModelAdmin):
    """Records are built by the rebuild service; here they can be read, never edited."""

    list_display = ("month", "level", "agent", "team", "reviews_n", "qa_mean", "composite", "built_at")
    list_filter = ("level", "month")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
