from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from aftercare.standard.models import CalendarDay, RuleSetting


@admin.register(RuleSetting)
class RuleSettingAdmin(SimpleHistoryAdmin):
    list_display = ["rule_id", "organisation", "opens_after", "due_after", "day_count", "enabled"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["day", "kind", "reason", "organisation"]
