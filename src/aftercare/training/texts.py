"""Titles of the training duties, worded when shown (obligations/texts.py)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message
from aftercare.training.choices import Track


def _track(params: Mapping[str, Any]) -> Mapping[str, Any]:
    track = params.get("track", "")
    return {**params, "track": Track(track).label if track in Track.values else track}


# Keys are stored with the obligations: never rename one.
TITLES = {
    # BS-2: a key system's track has fewer than two qualified people.
    "training_coverage": Message(
        _("Train more people (%(track)s) for %(system)s at %(site)s: %(count)s of 2 qualified"),
        _track,
    ),
    # BS-11: a qualified trainee left or was replaced.
    "training_retrain": Message(
        _("Retrain (%(track)s) for %(system)s at %(site)s: %(name)s left"), _track
    ),
}
