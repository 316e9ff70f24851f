"""Forms of the hotline pages. They parse what was typed; the actions decide what is valid and
their field errors are put on the form (``formfields.show_domain_error``), so most fields are
optional here and the action's translated messages say what is missing, all at once."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftercare.contracts.choices import FaultCategory
from aftercare.contracts.models import ServiceCalendar
from aftercare.formfields import MomentField
from aftercare.org.models import Branch, User
from aftercare.servicedesk.choices import PauseReason, SuspensionReason, TicketState
from aftercare.sites.models import Equipment, Site, System

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}
AREA = {"class": "form-control", "rows": 3}
BIG_SELECT = {"class": "form-select form-select-lg"}


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def _moments_in(form: forms.Form, tz: tzinfo, *names: str) -> None:
    for name in names:
        field = form.fields[name]
        assert isinstance(field, MomentField)
        field.tz = tz


class SystemChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A system named with its site, so one list serves several sites."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.site.name} · {obj.name} ({obj.get_kind_display()})"


class TicketForm(forms.Form):
    """The call: where, what, who called, and when."""

    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    system = SystemChoiceField(
        label=_("System"),
        queryset=System.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    equipment = forms.ModelChoiceField(
        label=_("Equipment item"),
        queryset=Equipment.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    caller_name = forms.CharField(
        label=_("Caller"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    caller_phone = forms.CharField(
        label=_("Caller's phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "tel", "inputmode": "tel"}),
    )
    category = forms.ChoiceField(
        label=_("Fault category"),
        choices=[("", "---------"), *FaultCategory.choices],
        widget=forms.Select(attrs=SELECT),
    )
    emergency = forms.BooleanField(
        label=_("Emergency (on site around the clock)"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    description = forms.CharField(
        label=_("Description of the fault"),
        max_length=5000,
        widget=forms.Textarea(attrs=AREA),
    )
    reported_at = MomentField(label=_("Reported at"), required=False)

    def __init__(
        self,
        *args: Any,
        tz: tzinfo,
        sites: QuerySet[Site],
        systems: QuerySet[System],
        equipment: QuerySet[Equipment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _moments_in(self, tz, "reported_at")
        for name, queryset in (("site", sites), ("system", systems), ("equipment", equipment)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class DispatchForm(forms.Form):
    engineer = forms.ModelChoiceField(
        label=_("Engineer"), queryset=User.objects.none(), widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, engineers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["engineer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = engineers


class ChangeForm(forms.Form):
    """The supervisor's correction of the category or the emergency flag."""

    category = forms.ChoiceField(
        label=_("Fault category"), choices=FaultCategory.choices, widget=forms.Select(attrs=SELECT)
    )
    emergency = forms.BooleanField(
        label=_("Emergency"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )


class BoardFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Every open ticket")),
            *[(value, label) for value, label in TicketState.choices if value != "resolved"],
        ],
        widget=forms.Select(attrs={**SELECT, "data-submit-on-change": ""}),
    )


class ArriveForm(forms.Form):
    """Filled by the phone's position when it allows (``hotline.js``); both may stay empty."""

    latitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the work paused?"),
        choices=[("", "---------"), *PauseReason.choices],
        required=False,
        widget=forms.Select(attrs=BIG_SELECT),
    )


class ResolveForm(forms.Form):
    """The visit report: the work, the cause, the labour and the owner's drawn signature."""

    work_done = forms.CharField(
        label=_("Work done"), required=False, max_length=5000, widget=forms.Textarea(attrs=AREA)
    )
    cause = forms.CharField(
        label=_("Cause"), required=False, max_length=2000, widget=forms.Textarea(attrs=AREA)
    )
    labour_minutes = forms.CharField(
        label=_("Labour (minutes)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric", "pattern": "[0-9]*"}),
    )
    signed_by = forms.CharField(
        label=_("Signed by (the owner's representative)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
    )
    # A PNG data: URL drawn on the page's canvas (at most 512 KB once decoded, the action says).
    signature_png = forms.CharField(required=False, max_length=800_000, widget=forms.HiddenInput)


#: Lines of parts used the phone's resolve form offers (``PartLineForm``, prefixes part0…).
PART_LINES = 5


class EquipmentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An item of the ticket's site, named by its serial and where it is."""

    def label_from_instance(self, obj: Any) -> str:
        where = " · ".join(text for text in (obj.serial, obj.location) if text)
        return f"{obj.name} ({where})" if where else str(obj.name)


class PartLineForm(forms.Form):
    """A part used at the resolve step: its code, how many, and the item it was fitted to
    (optional) with the fitted part's serial. Blank lines are left out."""

    part = forms.CharField(
        label=_("Part code"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "characters"}),
    )
    quantity = forms.CharField(
        label=_("Quantity"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}),
    )
    equipment = EquipmentChoiceField(
        label=_("Fitted to"),
        queryset=Equipment.objects.none(),
        required=False,
        empty_label=_("Not fitted to an item"),
        widget=forms.Select(attrs=SELECT),
    )
    serial = forms.CharField(
        label=_("Serial number of the part"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
    )

    def __init__(self, *args: Any, equipment: QuerySet[Equipment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["equipment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = equipment

    @property
    def used(self) -> bool:
        """Anything typed on the line (a bound, valid form)."""
        data = getattr(self, "cleaned_data", {})
        return bool(
            str(data.get("part") or "").strip()
            or str(data.get("quantity") or "").strip()
            or data.get("equipment")
            or str(data.get("serial") or "").strip()
        )


class SuspensionForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "---------"), *SuspensionReason.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    starts_at = MomentField(label=_("Starts at"))
    ends_at = MomentField(label=_("Ends at (leave empty while it lasts)"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, tz: tzinfo, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _moments_in(self, tz, "starts_at", "ends_at")
        field = self.fields["branch"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = branches


class EndSuspensionForm(forms.Form):
    ends_at = MomentField(label=_("Ended at"))

    def __init__(self, *args: Any, tz: tzinfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _moments_in(self, tz, "ends_at")


class SettingsForm(forms.Form):
    calendar = forms.ModelChoiceField(
        label=_("Hotline calendar of calls no contract covers"),
        queryset=ServiceCalendar.objects.none(),
        required=False,
        empty_label=_("The built-in 24×7 calendar"),
        widget=forms.Select(attrs=SELECT),
    )
    emergency_arrival_hours = forms.CharField(
        label=_("Emergency without contract: on site within (hours)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}),
    )
    emergency_fix_hours = forms.CharField(
        label=_("Emergency without contract: fixed within (hours)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, calendars: QuerySet[ServiceCalendar], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["calendar"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = calendars
