"""Forms of the training pages. They parse what was typed; the actions decide what is valid and
their field errors are put on the form (``formfields.refused_on_form``)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftercare.customers.models import Customer
from aftercare.formfields import MomentField
from aftercare.sites.models import System
from aftercare.training.choices import Education, EnglishLevel, Track
from aftercare.training.models import Trainee

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECKS = {"class": "list-unstyled mb-0"}


def _with_tz(form: forms.Form, name: str, tz: tzinfo) -> None:
    field = form.fields[name]
    assert isinstance(field, MomentField)
    field.tz = tz


class SystemChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A system named with its site."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.site.name} · {obj.name}"


class TraineeForm(forms.Form):
    """A new trainee: one of an owner's staff, with what BS-1 records."""

    customer = forms.ModelChoiceField(
        label=_("Owner"), queryset=Customer.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    role = forms.CharField(
        label=_("Job title"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phones = forms.CharField(
        label=_("Phones (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )
    education = forms.ChoiceField(
        label=_("Education"), choices=Education.choices, widget=forms.Select(attrs=SELECT)
    )
    technical_background = forms.CharField(
        label=_("Technical background"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    english_level = forms.ChoiceField(
        label=_("English level"), choices=EnglishLevel.choices, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, owners: QuerySet[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["customer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners


class PlanForm(forms.Form):
    """A new plan for one system and track; the track's standard topics are always in."""

    system = SystemChoiceField(
        label=_("System"), queryset=System.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    track = forms.ChoiceField(
        label=_("Track"), choices=Track.choices, widget=forms.Select(attrs=SELECT)
    )
    extra_topics = forms.CharField(
        label=_("Further topics (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    min_education = forms.ChoiceField(
        label=_("Minimum education"), choices=Education.choices, widget=forms.Select(attrs=SELECT)
    )
    min_english_level = forms.ChoiceField(
        label=_("Minimum English level"),
        choices=EnglishLevel.choices,
        widget=forms.Select(attrs=SELECT),
    )
    hours = forms.CharField(
        label=_("Hours"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, systems: QuerySet[System], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["system"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = systems


class SessionForm(forms.Form):
    """A session on the confirmed version: its topics and who attended (checkboxes)."""

    held_at = MomentField(label=_("Held at"), required=False)
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    trainer = forms.CharField(
        label=_("Trainer"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics taught"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    trainees = forms.ModelMultipleChoiceField(
        label=_("Attended"),
        queryset=Trainee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        tz: tzinfo,
        topics: list[tuple[str, str]],
        trainees: QuerySet[Trainee],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _with_tz(self, "held_at", tz)
        field = self.fields["topics"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = topics
        people = self.fields["trainees"]
        assert isinstance(people, forms.ModelMultipleChoiceField)
        people.queryset = trainees


class AssessmentForm(forms.Form):
    system = SystemChoiceField(
        label=_("System"), queryset=System.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    track = forms.ChoiceField(
        label=_("Track"), choices=Track.choices, widget=forms.Select(attrs=SELECT)
    )
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Passed")), ("no", _("Not passed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    at = MomentField(label=_("Assessed at"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )

    def __init__(self, *args: Any, tz: tzinfo, systems: QuerySet[System], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_tz(self, "at", tz)
        field = self.fields["system"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = systems


class DepartureForm(forms.Form):
    left_on = forms.DateField(
        label=_("Left on"), widget=forms.DateInput(attrs={**TEXT, "type": "date"})
    )
    replaced_by = forms.ModelChoiceField(
        label=_("Replaced by"),
        queryset=Trainee.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, colleagues: QuerySet[Trainee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["replaced_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = colleagues
