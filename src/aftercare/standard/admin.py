from django.contrib import admin

from aftercare.adminsite import HistoryAdmin
from aftercare.standard.models import CalendarDay, RuleSetting


@admin.register(RuleSetting)
class RuleSettingAdmin(HistoryAdmin):
    list_display = ["rule_id", "organisation", "opens_after", "due_after", "day_count", "enabled"]


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
    list_display = ["day", "kind", "reason", "organisation"]
