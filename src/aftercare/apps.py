"""What an Aftercare app declares about itself, and the project-wide views of those declarations.

Every domain app's ``AppConfig`` subclasses :class:`AftercareApp` and states, as class
attributes, where it plugs into the project: its pages, its API router, its periodic work, its
menu entries, what each role may do with its models, its demo data and the page where the work
of each of its rules is done. The central code (``urls.py``, ``api.py``, ``tick.py``, the menu,
``org.roles``, *My work*, the calendar feed, the demo) only iterates over the installed apps, so
a new app is one ``INSTALLED_APPS`` line. See "Adding an app" in ``docs/architecture.md``.

Declarations are plain data and dotted paths: ``apps.py`` is imported while Django is still
loading models, so it must not import the app's models, views or routers itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, cast

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.base_user import AbstractBaseUser

Label = StrOrPromise  # a translated label, resolved when the page is rendered


@dataclass(frozen=True)
class UrlMount:
    """Pages of an app: ``path(prefix, include(module))`` in the root URLconf."""

    prefix: str
    module: str


@dataclass(frozen=True)
class TickStep:
    """One idempotent pass of periodic work: ``function(now) -> {counter: n}``.

    Steps run in ascending ``order``. Steps that open obligations run before the obligations
    step (order 50), so an obligation opened already overdue is claimed in the same tick.
    """

    function: str  # dotted path, imported when tick runs
    order: int


@dataclass(frozen=True)
class MenuGroup:
    """A drop-down of the menu bar; shown when the user may open at least one entry in it."""

    key: str
    label: Label = field(compare=False)  # lazy: compared and hashed by key and order only
    order: int = 0
    desk: str | None = None  # DESK_DEALERSHIP / DESK_BUILDING: shown where a branch runs it


# The two desks of the standard (rule id prefixes). A branch runs one or both
# (``org.Branch.desks``); menu entries and groups of one desk show only where it is run.
DESK_DEALERSHIP = "DS"
DESK_BUILDING = "BS"

# The menu bar is grouped by who works there, so a supervisor's menu fits one line on a laptop
# screen. Top-level entries and groups share one order: entries 10 and 20, then the groups.
FOLLOW_UP = MenuGroup("follow-up", _("Follow-up"), 30, DESK_DEALERSHIP)
# The building-systems desk (BS-1…BS-14): sites, handover documents, contracts, the hotline.
BUILDING = MenuGroup("building", _("Building systems"), 35, DESK_BUILDING)
SUPERVISION = MenuGroup("supervision", _("Supervision"), 40)
# Setting the shop up (issue 10): staff, branches, the service-item catalogue.
ORGANISATION = MenuGroup("organisation", _("Organisation"), 80)
MORE = MenuGroup("more", _("More"), 90)


@dataclass(frozen=True)
class MenuEntry:
    """A link in the menu bar (``group=None``) or in one of its drop-downs."""

    url_name: str
    label: Label
    permission: str | None  # shown only to users with this permission; None: everyone
    order: int
    group: MenuGroup | None = None
    desk: str | None = None  # None: the entry's group decides, else every desk

    @property
    def effective_desk(self) -> str | None:
        return self.desk or (self.group.desk if self.group is not None else None)


class ObligationRow(Protocol):
    """What a next step reads of an obligation (``obligations.models.Obligation`` has it all).

    A protocol, not the model: this module is below every app, obligations included.
    """

    @property
    def pk(self) -> Any: ...
    @property
    def rule(self) -> str: ...
    @property
    def customer_id(self) -> int | None: ...
    @property
    def subject_id(self) -> int | None: ...


# (obligation, user) → the URL of the page where the work is done, or None for no link.
WorkUrl = Callable[[ObligationRow, "AbstractBaseUser"], "str | None"]


@dataclass(frozen=True)
class NextStep:
    """Where the work of a rule is done: the button on *My work* and the calendar event's link."""

    label: Label
    url: WorkUrl


class AftercareApp(AppConfig):
    """Base of every Aftercare app's config: the declarations central code reads.

    All attributes are optional; an app declares only what it has.
    """

    # The base is never an app itself; Django picks the one subclass in each apps.py.
    default = False

    #: ``path(prefix, include(module))`` entries of the root URLconf, e.g. ``customers/``.
    urls: ClassVar[Sequence[UrlMount]] = ()
    #: Dotted path of the app's ninja ``Router``, mounted at ``/api/v1/``.
    api_router: ClassVar[str | None] = None
    #: Periodic work run by ``aftercare tick``.
    tick_steps: ClassVar[Sequence[TickStep]] = ()
    #: Links in the menu bar.
    menu: ClassVar[Sequence[MenuEntry]] = ()
    #: Role code → permission names (``app_label.codename``) of this app's models; the role
    #: groups get the union over every app (``org.roles.sync_role_groups``).
    role_permissions: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: Rule id → where its work is done (one answer for *My work* and the calendar feed).
    next_steps: ClassVar[Mapping[str, NextStep]] = {}
    #: Dotted path of ``function(organisation, now)`` adding this app's demo data; it runs
    #: after the dealership demo, in ``INSTALLED_APPS`` order.
    demo_loader: ClassVar[str | None] = None
    #: Dotted path of ``function(organisation)`` deleting this app's demo rows (``demo
    #: --reset``); runs before the dealership's rows go, in reverse ``INSTALLED_APPS`` order,
    #: so what an app built on top of others goes first.
    demo_remover: ClassVar[str | None] = None
    #: Dotted path of a dict ``key → obligations.texts.Message``: the titles this app's
    #: obligations are opened with, worded when shown. Keys are stored, so unique across apps.
    title_messages: ClassVar[str | None] = None
    #: Dotted path of ``function(organisation_id)`` run, inside the changing transaction,
    #: after the organisation's working-day calendar changed (a closure, a make-up day, the
    #: time zone or region): the hotline reads its open clocks again.
    calendar_listener: ClassVar[str | None] = None
    #: Dotted path of a function ``(ticket, *, by, at, parts) -> bool`` run inside the
    #: transaction that resolves a hotline ticket, in ``INSTALLED_APPS`` order: the parts app
    #: issues and installs the parts used (``parts`` are the resolve step's lines as given;
    #: it answers True, having taken them), billing drafts the bill. An error it raises undoes
    #: the whole resolve.
    ticket_resolved_listener: ClassVar[str | None] = None
    #: Dotted paths of functions ``(request, ticket) -> str`` (rendered HTML, "" for nothing)
    #: whose sections the hotline's ticket page shows, in ``INSTALLED_APPS`` order: the parts
    #: used and reserved, the billing decision. The hotline names no app above it.
    ticket_sections: ClassVar[Sequence[str]] = ()
    #: Dotted path of a function ``(ticket, codes) -> {code: part id}`` naming the parts that
    #: the engineer typed by code on the resolve form (the parts app keeps the catalogue).
    part_codes: ClassVar[str | None] = None
    #: Kind code → dotted path of an ``agreements.kinds.PlanKind``: the plans this app agrees
    #: with owners through the one agreement workflow (BS-4, BS-9).
    agreement_kinds: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Every concrete subclass is its module's default config (the base says False).
        if "default" not in cls.__dict__:
            cls.default = True


_CACHED: list[Callable[..., Any]] = []
F = TypeVar("F", bound=Callable[..., Any])


def until_apps_change(function: F) -> F:
    """Cache what is gathered from the installed apps until INSTALLED_APPS changes.

    Gathering is a walk over every app config, and some gatherings are asked once per row
    (an obligation's title on a worklist of 50); the answer changes only with the set of apps,
    which in a running site is never and in tests only under `override_settings`.
    """
    cached = functools.cache(function)
    _CACHED.append(cached)
    return cast(F, cached)


def _forget_gatherings(*, setting: str, **kwargs: Any) -> None:
    if setting == "INSTALLED_APPS":
        for cached in _CACHED:
            cached.cache_clear()  # type: ignore[attr-defined]


setting_changed.connect(_forget_gatherings, dispatch_uid="aftercare.apps.gatherings")


def aftercare_apps() -> Iterator[AftercareApp]:
    """The installed Aftercare apps, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        if isinstance(config, AftercareApp):
            yield config


def url_mounts() -> list[UrlMount]:
    return [mount for config in aftercare_apps() for mount in config.urls]


def api_routers() -> list[str]:
    return [config.api_router for config in aftercare_apps() if config.api_router]


def tick_steps() -> list[TickStep]:
    """Every app's steps by ``order`` (a stable sort: ties keep ``INSTALLED_APPS`` order)."""
    steps = [step for config in aftercare_apps() for step in config.tick_steps]
    return sorted(steps, key=lambda step: step.order)


def run_tick_steps(now: datetime) -> dict[str, int]:
    result: dict[str, int] = {}
    for step in tick_steps():
        run: Callable[[datetime], dict[str, int]] = import_string(step.function)
        result.update(run(now))
    return result


def menu_entries() -> list[MenuEntry]:
    return [entry for config in aftercare_apps() for entry in config.menu]


def role_permissions() -> dict[str, list[str]]:
    """Role code → the union of the permission names every installed app grants it."""
    merged: dict[str, list[str]] = {}
    for config in aftercare_apps():
        for role, names in config.role_permissions.items():
            bucket = merged.setdefault(str(role), [])
            bucket.extend(name for name in names if name not in bucket)
    return merged


@until_apps_change
def next_steps() -> dict[str, NextStep]:
    """Rule id → where its work is done; two apps claiming one rule is a wiring mistake."""
    steps: dict[str, NextStep] = {}
    owners: dict[str, str] = {}
    for config in aftercare_apps():
        for rule, step in config.next_steps.items():
            if rule in steps:
                raise ImproperlyConfigured(
                    f"Rule {rule} has a next step in both {owners[rule]} and {config.label}."
                )
            steps[rule] = step
            owners[rule] = config.label
    return steps


def next_step(obligation: ObligationRow, user: AbstractBaseUser) -> tuple[Label, str] | None:
    """The label and URL of the page where `user` does the work of `obligation`, if any."""
    step = next_steps().get(obligation.rule)
    if step is None:
        return None
    url = step.url(obligation, user)
    return None if url is None else (step.label, url)


@until_apps_change
def title_messages() -> dict[str, Any]:
    """Every app's generated-text messages by key (``obligations.texts`` renders them)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import import_string

    merged: dict[str, Any] = {}
    for config in aftercare_apps():
        if not config.title_messages:
            continue
        for key, message in import_string(config.title_messages).items():
            if key in merged:
                raise ImproperlyConfigured(f"Two apps declare the title message {key!r}")
            merged[key] = message
    return merged


def calendar_changed(organisation_id: int) -> None:
    """Tell every app that listens that an organisation's working-day calendar changed."""
    for config in aftercare_apps():
        if config.calendar_listener:
            listener: Callable[[int], None] = import_string(config.calendar_listener)
            listener(organisation_id)


def ticket_resolved(ticket: Any, *, by: Any, at: Any, parts: Sequence[Mapping[str, Any]]) -> None:
    """Tell every app that listens that a ticket was resolved (inside that transaction). A
    listener answers True when it took the parts; parts nobody took are refused, not dropped."""
    taken = False
    for config in aftercare_apps():
        if config.ticket_resolved_listener:
            listener: Callable[..., bool] = import_string(config.ticket_resolved_listener)
            taken = bool(listener(ticket, by=by, at=at, parts=parts)) or taken
    if parts and not taken:
        from aftercare.errors import InvalidInput

        message = _("Parts are not kept in this installation: leave them out.")
        raise InvalidInput(message, fields={"parts": [str(message)]})


def agreement_kinds() -> dict[str, str]:
    """Kind code → dotted path of its PlanKind, from every installed app."""
    kinds: dict[str, str] = {}
    for config in aftercare_apps():
        kinds.update(config.agreement_kinds)
    return kinds


def ticket_sections(request: Any, ticket: Any) -> list[SafeString]:
    """The sections other apps add to a hotline ticket's page, rendered for this request (the
    ones with nothing to show left out)."""
    sections = []
    for config in aftercare_apps():
        for path in config.ticket_sections:
            section: Callable[[Any, Any], str] = import_string(path)
            html = section(request, ticket)
            if html:
                # The section functions render templates, which escape what they show.
                sections.append(mark_safe(html))  # noqa: S308
    return sections


def part_ids(ticket: Any, codes: Sequence[str]) -> dict[str, int]:
    """Part codes typed on a ticket's resolve form → part ids, as the app keeping the parts
    knows them; a code not found is left out (the resolve step then says which line)."""
    found: dict[str, int] = {}
    for config in aftercare_apps():
        if config.part_codes and codes:
            lookup: Callable[[Any, Sequence[str]], dict[str, int]] = import_string(
                config.part_codes
            )
            found.update(lookup(ticket, codes))
    return found


def demo_loaders() -> list[str]:
    return [config.demo_loader for config in aftercare_apps() if config.demo_loader]


def demo_removers() -> list[str]:
    removers = [config.demo_remover for config in aftercare_apps() if config.demo_remover]
    return removers[::-1]
