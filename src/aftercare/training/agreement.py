"""The training plan as a kind of the one agreement workflow (BS-3, BS-4, BS-1's levels).

Terms (JSON, as the owner confirms them): ``track``; ``topics`` — the standard's topic codes of
the track (BS-3: all of them, the template) plus the plan's own topics as typed; the levels a
trainee should have (``min_education``, ``min_english_level``: BS-1 flags whoever is below,
never refuses); notes on ``hours`` and ``place``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from aftercare.agreements.kinds import TermsForm
from aftercare.errors import Errors
from aftercare.training.choices import (
    STANDARD_TOPICS,
    Education,
    EnglishLevel,
    Topic,
    Track,
    topic_label,
)

if TYPE_CHECKING:
    from aftercare.agreements.models import Agreement, AgreementVersion
    from aftercare.org.models import User

MAX_TOPICS = 40
MAX_TOPIC_LENGTH = 200
NOTE_LENGTH = 200


def default_terms(track: str) -> dict[str, Any]:
    """A new plan's terms: the track's template, no requirement levels."""
    return {
        "track": track,
        "topics": list(STANDARD_TOPICS.get(track, ())),
        "min_education": Education.NONE.value,
        "min_english_level": EnglishLevel.NONE.value,
        "hours": "",
        "place": "",
    }


def _plan_track(agreement: Agreement) -> str | None:
    pk = getattr(agreement, "pk", None)
    if pk is None:
        return None
    from aftercare.training.models import TrainingPlan

    return TrainingPlan.objects.filter(pk=pk).values_list("track", flat=True).first()


def _topics(value: Any, track: str, errors: Errors) -> list[str]:
    if value is None:
        return list(STANDARD_TOPICS.get(track, ()))
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        errors.add("topics", _("Give the topics as a list of texts."))
        return []
    topics: list[str] = []
    for item in value:
        text = " ".join(item.split())
        if not text:
            continue
        if len(text) > MAX_TOPIC_LENGTH:
            errors.add(
                "topics", _("A topic has at most %(n)s characters.") % {"n": MAX_TOPIC_LENGTH}
            )
            continue
        if text not in topics:
            topics.append(text)
    if len(topics) > MAX_TOPICS:
        errors.add("topics", _("A plan has at most %(n)s topics.") % {"n": MAX_TOPICS})
    for code in STANDARD_TOPICS.get(track, ()):
        if code not in topics:
            errors.add(
                "topics",
                _("The standard topic “%(topic)s” (%(code)s) of this track is missing.")
                % {"topic": topic_label(code), "code": code},
            )
    return topics


def _level(
    value: Any, choices: type[Education] | type[EnglishLevel], field: str, errors: Errors
) -> str:
    if value in (None, ""):
        return str(choices.values[0])
    if value not in choices.values:
        errors.add(field, _("Choose one of the levels offered."))
        return str(choices.values[0])
    return str(value)


def _note(value: Any, field: str, errors: Errors) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(field, _("Give a text."))
        return ""
    text = value.strip()
    if len(text) > NOTE_LENGTH:
        errors.add(field, _("At most %(n)s characters.") % {"n": NOTE_LENGTH})
    return text[:NOTE_LENGTH]


def clean(
    terms: Mapping[str, Any], errors: Errors, *, fixed_track: str | None = None
) -> dict[str, Any]:
    """The terms checked and normalised (JSON-ready); the problems added to `errors`."""
    track = terms.get("track")
    if track not in Track.values:
        errors.add("track", _("Choose the operators' or the managers' track."))
        track = ""
    elif fixed_track is not None and track != fixed_track:
        errors.add("track", _("A plan keeps its track; draft another plan for the other one."))
    return {
        "track": track,
        "topics": _topics(terms.get("topics"), str(track), errors),
        "min_education": _level(terms.get("min_education"), Education, "min_education", errors),
        "min_english_level": _level(
            terms.get("min_english_level"), EnglishLevel, "min_english_level", errors
        ),
        "hours": _note(terms.get("hours"), "hours", errors),
        "place": _note(terms.get("place"), "place", errors),
    }


class TrainingTermsForm(TermsForm):
    """The terms on a page: the track's standard topics are always in (BS-3); the plan's own
    topics one per line; the levels a trainee should have (BS-1)."""

    track = forms.ChoiceField(choices=Track.choices, widget=forms.HiddenInput)
    extra_topics = forms.CharField(
        label=gettext_lazy("Further topics (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    min_education = forms.ChoiceField(
        label=gettext_lazy("Minimum education"),
        choices=Education.choices,
        initial=Education.NONE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    min_english_level = forms.ChoiceField(
        label=gettext_lazy("Minimum English level"),
        choices=EnglishLevel.choices,
        initial=EnglishLevel.NONE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    hours = forms.CharField(
        label=gettext_lazy("Hours"),
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    place = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        extras = [line.strip() for line in data.get("extra_topics", "").splitlines()]
        return {
            "track": data["track"],
            "topics": [*STANDARD_TOPICS.get(data["track"], ()), *[e for e in extras if e]],
            "min_education": data["min_education"],
            "min_english_level": data["min_english_level"],
            "hours": data.get("hours", ""),
            "place": data.get("place", ""),
        }

    @classmethod
    def initial_from(cls, terms: Mapping[str, Any]) -> dict[str, Any]:
        topics = [t for t in terms.get("topics", []) if t not in Topic.values]
        return {
            "track": terms.get("track", ""),
            "extra_topics": "\n".join(topics),
            "min_education": terms.get("min_education", Education.NONE),
            "min_english_level": terms.get("min_english_level", EnglishLevel.NONE),
            "hours": terms.get("hours", ""),
            "place": terms.get("place", ""),
        }


class TrainingKind:
    """What the shared plan workflow needs to know of training plans."""

    code = "training"
    label = gettext_lazy("Training plan")
    change_permission = "training.change_trainingplan"
    view_permission = "training.view_trainingplan"
    terms_form = TrainingTermsForm

    def clean_terms(
        self, agreement: Agreement, terms: Mapping[str, Any], errors: Errors
    ) -> dict[str, Any]:
        return clean(terms, errors, fixed_track=_plan_track(agreement))

    def describe(self, terms: Mapping[str, Any]) -> list[tuple[StrOrPromise, str]]:
        track = terms.get("track", "")
        return [
            (gettext_lazy("Track"), str(Track(track).label) if track in Track.values else track),
            (
                gettext_lazy("Topics"),
                "; ".join(str(topic_label(t)) for t in terms.get("topics", [])),
            ),
            (
                gettext_lazy("Minimum education"),
                str(Education(terms.get("min_education", "none")).label),
            ),
            (
                gettext_lazy("Minimum English level"),
                str(EnglishLevel(terms.get("min_english_level", "none")).label),
            ),
            (gettext_lazy("Hours"), str(terms.get("hours", ""))),
            (gettext_lazy("Place"), str(terms.get("place", ""))),
        ]

    def confirmed(
        self, agreement: Agreement, version: AgreementVersion, *, by: User, at: datetime
    ) -> None:
        """Nothing to schedule: sessions may be held on this version from now on."""

    def revised(
        self, agreement: Agreement, version: AgreementVersion, *, by: User, at: datetime
    ) -> None:
        """Nothing to cancel: sessions wait until the new version is confirmed."""

    def url(self, agreement: Agreement) -> str:
        return reverse("training:plan", args=[agreement.pk])


KIND = TrainingKind()
