"""Forms of the outreach pages: a campaign with its target filters, a letter, the register."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.formfields import FilterDateField, MomentField
from aftercare.outreach.choices import BatchWho, CampaignKind, Consent, LetterKind
from aftercare.outreach.targets import TargetFilters

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(TEXT))
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices,
                             widget=forms.Select(attrs=SELECT))  # fmt: skip
    content = forms.CharField(label=_("Content"), max_length=5000, required=False,
                              widget=forms.Textarea({**TEXT, "rows": 3}))  # fmt: skip
    address = forms.CharField(label=_("Address"), max_length=300, required=False,
                              widget=forms.TextInput(TEXT))  # fmt: skip
    vehicle_model = forms.CharField(label=_("Make or model"), max_length=100, required=False,
                                    widget=forms.TextInput(TEXT))  # fmt: skip
    vehicle_type = forms.CharField(label=_("Vehicle type"), max_length=60, required=False,
                                   widget=forms.TextInput(TEXT))  # fmt: skip
    last_visit_from = FilterDateField(label=_("Last visit from"))
    last_visit_to = FilterDateField(label=_("Last visit to"))
    maintenance_due_from = FilterDateField(label=_("Maintenance due from"))
    maintenance_due_to = FilterDateField(label=_("Maintenance due to"))
    consent = forms.ChoiceField(label=_("Only customers who"), choices=Consent.choices,
                                required=False, widget=forms.Select(attrs=SELECT))  # fmt: skip

    def __init__(self, *args, tz=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"] = MomentField(label=_("Starts"), tz=tz)
        self.fields["ends_at"] = MomentField(label=_("Ends"), tz=tz)

    FILTER_FIELDS = ("vehicle_model", "vehicle_type", "last_visit_from", "last_visit_to",
                     "maintenance_due_from", "maintenance_due_to", "consent")  # fmt: skip

    def target_filters(self) -> TargetFilters:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.FILTER_FIELDS}
        values["vehicle_model"] = values["vehicle_model"] or ""
        values["vehicle_type"] = values["vehicle_type"] or ""
        values["consent"] = values["consent"] or ""
        return TargetFilters(**values)

    def campaign_fields(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] for k in ("name", "kind", "content", "address", "starts_at",
                                     "ends_at")}  # fmt: skip


class FilterPreviewForm(CampaignForm):
    """The same fields, all optional: the live count runs while the form is half filled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class LetterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices,
                             widget=forms.Select(attrs=SELECT))  # fmt: skip
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False,
                              widget=forms.TextInput(TEXT))  # fmt: skip
    body = forms.CharField(label=_("Text"), max_length=20000, required=False,
                           widget=forms.Textarea({**TEXT, "rows": 10}))  # fmt: skip

    def __init__(self, *args, tz=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_at"] = MomentField(label=_("Sent"), tz=tz)


class RegisterFilterForm(forms.Form):
    start = FilterDateField(label=_("From"))
    end = FilterDateField(label=_("To"))
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *LetterKind.choices],
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    campaign = forms.IntegerField(label=_("Campaign"), required=False, min_value=1,
                                  widget=forms.HiddenInput())  # fmt: skip


class AmendLetterForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Field"), widget=forms.Select(attrs=SELECT),
        choices=[("subject", _("Subject")), ("body", _("Text")), ("address", _("Address"))],
    )  # fmt: skip
    value = forms.CharField(label=_("Correction"), max_length=20000,
                            widget=forms.Textarea({**TEXT, "rows": 3}))  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput(TEXT))


class BatchForm(forms.Form):
    who = forms.ChoiceField(choices=BatchWho.choices)


class BatchSentForm(forms.Form):
    def __init__(self, *args, tz=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_at"] = MomentField(label=_("Posted"), tz=tz)
