"""Forms of the follow-up pages. They only parse; the actions decide what the business allows."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.cases.models import Kind
from aftercare.followups.actions import AMENDABLE
from aftercare.followups.choices import Direction, PlanTopic, Purpose, Topic
from aftercare.formfields import FilterDateField, MomentField
from aftercare.standard.calendar import month_span

# Which purpose the obligation being worked on asks for (DS-2M, DS-3, DS-6, DS-7).
PURPOSE_FOR_RULE = {
    "DS-2M": Purpose.MAINTENANCE_REMINDER,
    "DS-3": Purpose.FIRST_FOLLOWUP,
    "DS-6": Purpose.SECOND_FOLLOWUP,
    "DS-7": Purpose.CAMPAIGN_NOTICE,
}


class CallForm(forms.Form):
    """Form 2, the follow-up call record, as an advisor fills it in while on the phone."""

    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.OUT,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )  # fmt: skip
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Purpose.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    moment = MomentField(label=_("Moment"))
    reached = forms.BooleanField(
        label=_("Reached the customer"), required=False, initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    topics = forms.MultipleChoiceField(
        label=_("Topics covered"), choices=Topic.choices, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    other_topics = forms.CharField(
        label=_("Other topics"), max_length=300, required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Key points"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )  # fmt: skip
    vehicle = forms.ModelChoiceField(
        label=_("Vehicle"), queryset=None, required=False, empty_label=_("— not about one car —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip

    def __init__(self, *args, customer, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moment"].tz = tz
        self.fields["vehicle"].queryset = customer.vehicles.order_by("id")


class RaisedItemForm(forms.Form):
    """One request, wish or complaint the customer raised (DS-4); blank rows are ignored."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Kind…")), *Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    text = forms.CharField(
        label=_("What the customer raised"), max_length=2000, required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    answered_in_call = forms.BooleanField(
        label=_("Answered in the call"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip

    def as_item(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("text") or "").strip() and not data.get("kind"):
            return None
        return {
            "kind": data.get("kind") or "",
            "text": data.get("text") or "",
            "answered_in_call": bool(data.get("answered_in_call")),
        }


RaisedItemFormSet = forms.formset_factory(RaisedItemForm, extra=3, max_num=20, absolute_max=20)
ITEMS_PREFIX = "items"


class AmendForm(forms.Form):
    """A correction of one field of a call record (DS-8: the original stays)."""

    field = forms.ChoiceField(
        label=_("Field to correct"), widget=forms.Select(attrs={"class": "form-select"})
    )
    value_text = forms.CharField(
        label=_("New text"), required=False, max_length=5000,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    value_topics = forms.MultipleChoiceField(
        label=_("New topics"), choices=Topic.choices, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    value_reached = forms.ChoiceField(
        label=_("Reached the customer"), required=False,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    value_purpose = forms.ChoiceField(
        label=_("New purpose"), required=False, choices=Purpose.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    value_direction = forms.ChoiceField(
        label=_("New direction"), required=False, choices=Direction.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason"), max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip

    # Which input carries the new value of each amendable field.
    INPUT_FOR = {
        "topics": "value_topics",
        "reached": "value_reached",
        "purpose": "value_purpose",
        "direction": "value_direction",
        "notes": "value_text",
        "other_topics": "value_text",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "reached": _("Reached"),
            "topics": _("Topics"),
            "other_topics": _("Other topics"),
            "notes": _("Key points"),
            "purpose": _("Purpose"),
            "direction": _("Direction"),
        }
        self.fields["field"].choices = [
            (name, label) for name, label in labels.items() if name in AMENDABLE
        ]

    def new_value(self):
        name = self.cleaned_data["field"]
        value = self.cleaned_data[self.INPUT_FOR[name]]
        if name == "reached":
            return value == "yes"
        return value

    def clean(self):
        data = super().clean()
        name = data.get("field")
        if name == "reached" and data.get("value_reached") not in ("yes", "no"):
            self.add_error("value_reached", _("Choose yes or no."))
        if name in ("purpose", "direction") and not data.get(self.INPUT_FOR[name]):
            self.add_error(self.INPUT_FOR[name], _("Choose the new value."))
        return data


class PlanConfirmForm(forms.Form):
    """The advisor confirms or edits the suggested next-service plan (DS-2)."""

    topics = forms.MultipleChoiceField(
        label=_("Topics for the next contact"), choices=PlanTopic.choices, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    planned_contact_at = MomentField(label=_("Planned contact"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_contact_at"].tz = tz


class RegisterPeriodForm(forms.Form):
    """The period of the call register (`?from=…&to=…`); the current month by default."""

    purpose = forms.ChoiceField(
        label=_("Purpose"), required=False, choices=[("", _("Any purpose")), *Purpose.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    direction = forms.ChoiceField(
        label=_("Direction"), required=False,
        choices=[("", _("Either direction")), *Direction.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    branch = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = FilterDateField(label=label)

    def narrowing(self) -> dict:
        """The dashboard's drill-down filters (purpose, direction, branch) that were given."""
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data[name] for name in ("purpose", "direction", "branch") if data.get(name)}

    def period(self, today):
        data = self.cleaned_data if self.is_valid() else {}
        month_start, month_end = month_span(today)
        start = data.get("from") or month_start
        end = data.get("to") or max(month_end, start)
        if end < start:
            start, end = end, start
        return start, end
