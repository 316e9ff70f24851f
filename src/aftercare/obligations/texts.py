"""Generated text of obligations: stored as a message code and its data, worded when shown.

An obligation used to store its title as text in the language of the moment it was opened
(Traditional Chinese, since tick and the worker run in the site's default language), so a
reader of English or Simplified Chinese saw Chinese for ever. Now the row keeps `title_key`
(a code naming one message below) and `title_params` (the data: names, plates, places,
periods — never words of a language; enum values as their codes), and `title()` words them
in the active language each time they are shown: pages, the API (Accept-Language), the
calendar feed (the owner's language) and overdue e-mails (the recipient's language).

Rows opened before the codes existed, and which the data migration could not rebuild, have
no key: they keep showing the text they stored.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

from aftercare.apps import until_apps_change

if TYPE_CHECKING:
    from aftercare.obligations.models import Obligation


@dataclass(frozen=True)
class Message:
    """One generated text: a template with named placeholders, and how to turn the stored
    codes into words of the active language before filling it."""

    text: Promise | str
    prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None


# The keys are stored in the database: never rename one, add a new key instead. These titles
# hold only data (names, plates, the customer's own words, a campaign's name); the apps declare
# the ones with words of a language (`AftercareApp.title_messages`: safety, reviews, messaging).
TITLES: dict[str, Message] = {
    # DS-1, DS-2, DS-3, DS-6: who and which car.
    "customer": Message("%(customer)s"),
    "customer_vehicle": Message("%(customer)s %(plate)s"),
    # DS-4, DS-5: the customer and the start of what they raised, in their own words.
    "raised_item": Message("%(customer)s: %(text)s"),
    # DS-7, DS-7L: the campaign's own name.
    "campaign": Message("%(campaign)s"),
}


@until_apps_change
def messages() -> dict[str, Message]:
    """The base titles and every installed app's: asked once per row of a worklist, so kept
    until the set of installed apps changes."""
    from aftercare.apps import title_messages

    return {**TITLES, **title_messages()}


def render(key: str, params: Mapping[str, Any] | None, fallback: str = "") -> str:
    """The message `key` worded in the active language; `fallback` when it cannot be (no key,
    a key this version does not know, or data that no longer fits the template)."""
    message = messages().get(key or "")
    if message is None:
        return fallback
    values = dict(params or {})
    try:
        if message.prepare is not None:
            values = dict(message.prepare(values))
        return str(message.text) % values
    except (KeyError, TypeError, ValueError):
        return fallback


def title(obligation: "Obligation") -> str:
    """The obligation's title in the active language."""
    return render(obligation.title_key, obligation.title_params, obligation.title)


def snapshot(key: str, params: Mapping[str, Any] | None) -> str:
    """The title worded in the site's default language, kept in the old `title` column: what
    search, the admin and the history show, and what a reader sees if the key is ever lost."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(key, params)[:200]


def language_of(user: object) -> str:
    """The language to write to `user` in when they are not reading a page: their stored
    choice, else the site's default (zh-hant)."""
    language = getattr(user, "language", "") or ""
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE
