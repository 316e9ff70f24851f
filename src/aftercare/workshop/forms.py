"""Forms of the workshop desk: check-in, pick-up and consultation visits.

Moments are typed in the organisation's local time (datetime-local) and default to now; the
actions refuse moments in the future.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.customers.forms import StyledForm
from aftercare.formfields import MomentField, local_now
from aftercare.workshop.models import Consultation, ServiceItem

# The action's field names → this form's (the API speaks of checked_in_at, the page of moment).
MOMENT_ALIASES = {
    "checked_in_at": "moment",
    "picked_up_at": "moment",
    "occurred_at": "moment",
    "vehicle_id": "vehicle",
}


class MomentForm(StyledForm):
    """A form whose first field is the moment of the event, read in the organisation's zone."""

    moment = MomentField(label=_("When"), required=False)

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moment"].tz = tz
        self.fields["moment"].initial = local_now(tz)


class CheckInForm(MomentForm):
    mileage = forms.IntegerField(
        label=_("Mileage (km)"), min_value=0, max_value=3_000_000, required=False
    )
    description = forms.CharField(
        label=_("Customer's description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    items = forms.MultipleChoiceField(
        label=_("Service items"), required=False, widget=forms.CheckboxSelectMultiple
    )
    extra_items = forms.CharField(
        label=_("Other items (one a line)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Work that is not in the catalogue, as the customer or the shop calls it."),
    )
    shop_order_number = forms.CharField(
        label=_("Repair-order no."),
        max_length=30,
        required=False,
        help_text=_("The number of the shop's own system, if there is one."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moment"].label = _("Checked in at")
        self.fields["mileage"].widget.attrs["autofocus"] = True
        catalogue = ServiceItem.objects.filter(organisation=organisation, active=True)
        kinds = dict(ServiceItem.Kind.choices)
        groups: dict[str, list] = {}
        for item in catalogue.order_by("kind", "name"):
            groups.setdefault(item.kind, []).append((item.code, item.name))
        # Maintenance and packages first: they are what restarts the maintenance cycle.
        self.item_groups = [
            (kinds[kind], groups[kind]) for kind in ServiceItem.Kind.values if kind in groups
        ]
        self.fields["items"].choices = [
            choice for _kind, group in self.item_groups for choice in group
        ]

    def action_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "at": data["moment"],
            "mileage": data["mileage"],
            "description": data["description"],
            "items": data["items"],
            "extra_items": data["extra_items"].splitlines(),
            "shop_order_number": data["shop_order_number"],
        }


class OrderNumberForm(forms.Form):
    """The shop's repair-order number, typed on the board when it comes after check-in."""

    shop_order_number = forms.CharField(label=_("Repair-order no."), max_length=30, required=False)


class PickupForm(MomentForm):
    """Only the moment: the car left the workshop (default now)."""


class ConsultationForm(MomentForm):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Consultation.Channel.choices,
        initial=Consultation.Channel.WALK_IN,
        widget=forms.RadioSelect,
    )
    vehicle = forms.ModelChoiceField(
        label=_("Vehicle"), queryset=None, required=False, empty_label="—"
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}),
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moment"].label = _("Visit at")
        self.fields["vehicle"].queryset = customer.vehicles.all()

    def action_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "at": data["moment"],
            "channel": data["channel"],
            "notes": data["notes"],
            "vehicle": data["vehicle"],
        }
