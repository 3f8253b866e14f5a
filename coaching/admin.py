from django.contrib import admin

from core.admin import ReadOnly, ReadOnlyAdmin

from .models import KpiScheme, KpiSettings, KpiWeight, PerformanceRecord


class KpiWeightInline(ReadOnly, admin.TabularInline):
    model = KpiWeight
    extra = 0
    fields = ("position", "kpi", "section_name", "weight", "target", "direction", "cap")
    readonly_fields = fields


@admin.register(KpiScheme)
class KpiSchemeAdmin(ReadOnlyAdmin):
    """Read here; changed on the KPI schemes page (weights checked, audited, records rebuilt)."""

    list_display = ("name", "channel", "team", "min_n", "min_weight", "updated_at")
    inlines = [KpiWeightInline]


@admin.register(KpiSettings)
class KpiSettingsAdmin(ReadOnlyAdmin):
    """Read here; changed on the service levels page (audited, records rebuilt)."""

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
