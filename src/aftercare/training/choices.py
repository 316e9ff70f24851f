"""Tracks, the standard's topics per track (BS-3) and the levels a plan may require (BS-1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class Track(models.TextChoices):
    """The two tracks of the standard: the owner's operators and its managers."""

    OPERATOR = "operator", _("Operators")
    MANAGER = "manager", _("Managers")


class Topic(models.TextChoices):
    """The standard's topics (BS-3), stored as these codes and shown in the reader's language.
    A plan covers every topic of its track and may add its own (stored as typed)."""

    OPERATOR_PRINCIPLES = "operator.principles", _("Principles and structure of the subsystem")
    OPERATOR_EQUIPMENT = (
        "operator.equipment",
        _("Function and installed location of the main equipment"),
    )
    OPERATOR_MAINTENANCE = (
        "operator.maintenance",
        _("Maintenance procedures and simple fault diagnosis"),
    )
    OPERATOR_DRAWINGS = "operator.drawings", _("Reading and amending the as-built drawings")
    MANAGER_STRUCTURE = "manager.structure", _("Overall structure and how the subsystems relate")
    MANAGER_PARAMETERS = "manager.parameters", _("Setting and changing key system parameters")
    MANAGER_DRAWINGS = "manager.drawings", _("Reading the as-built drawings")


#: The template of each track: the topics every plan of the track must cover (BS-3).
STANDARD_TOPICS: dict[str, tuple[str, ...]] = {
    Track.OPERATOR: (
        Topic.OPERATOR_PRINCIPLES,
        Topic.OPERATOR_EQUIPMENT,
        Topic.OPERATOR_MAINTENANCE,
        Topic.OPERATOR_DRAWINGS,
    ),
    Track.MANAGER: (Topic.MANAGER_STRUCTURE, Topic.MANAGER_PARAMETERS, Topic.MANAGER_DRAWINGS),
}


def topic_label(topic: str) -> StrOrPromise:
    """A standard topic in the reader's language; a plan's own topic as it was typed."""
    return Topic(topic).label if topic in Topic.values else topic


class Education(models.TextChoices):
    """A trainee's education, lowest first (BS-1 compares by this order)."""

    NONE = "none", _("None recorded")
    SECONDARY = "secondary", _("Secondary school")
    VOCATIONAL = "vocational", _("Vocational school")
    ASSOCIATE = "associate", _("Associate degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree or higher")


class EnglishLevel(models.TextChoices):
    """A trainee's English, lowest first: enough to read the manuals is what the standard asks."""

    NONE = "none", _("None")
    BASIC = "basic", _("Basic")
    READING = "reading", _("Reads technical documents")
    FLUENT = "fluent", _("Fluent")


def rank(choices: type[models.TextChoices], value: str) -> int:
    """The position of a level in its order (unknown: lowest)."""
    values = list(choices.values)
    return values.index(value) if value in values else 0
