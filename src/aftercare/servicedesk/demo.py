"""Demo hotline tickets on the demo's building sites, written through the real actions: one
waiting for dispatch, an emergency on its way, one on site, one paused for parts and one
resolved with the owner's signature (its visit report prints). Nothing without such sites."""

from __future__ import annotations

import base64
import math
import struct
import zlib
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from aftercare.obligations.models import Obligation
from aftercare.org.models import Organisation, User
from aftercare.org.roles import Role
from aftercare.servicedesk import actions
from aftercare.servicedesk.models import EscalationNotice, Suspension, Ticket, TicketEvent
from aftercare.sites.models import Site, System


def signature_png(width: int = 360, height: int = 120) -> bytes:
    """A drawn-looking signature (a few loops), as a PNG with a transparent background."""
    ink: set[tuple[int, int]] = set()
    for step in range(2400):
        t = step / 2400
        x = 20 + t * (width - 40)
        y = height / 2 + 28 * math.sin(t * 19) * (1 - t / 2) + 10 * math.cos(t * 47)
        for dx in (0, 1):
            for dy in (0, 1):
                ink.add((int(x) + dx, int(y) + dy))
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            rows.extend((0, 0, 0, 255) if (x, y) in ink else (0, 0, 0, 0))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _staff(site: Site) -> tuple[User | None, list[User]]:
    staff = User.objects.filter(is_active=True, branch=site.branch)
    supervisor = staff.filter(groups__name=Role.SUPERVISOR).order_by("pk").first()
    engineers = list(staff.filter(groups__name=Role.ENGINEER).order_by("pk"))
    return supervisor, engineers


def _system(site: Site, kind: str) -> System | None:
    return site.systems.filter(kind=kind).first() or site.systems.order_by("id").first()


def load(organisation: Organisation, now: datetime) -> None:
    """Five tickets across the first building sites, the older ones worked further."""
    if Ticket.objects.filter(branch__organisation=organisation).exists():
        return
    sites = list(
        Site.objects.filter(
            branch__organisation=organisation,
            branch__runs_building_systems=True,
            systems__isnull=False,
        )
        .distinct()
        .order_by("id")[:3]
    )
    if not sites:
        return
    supervisor, engineers = _staff(sites[0])
    if supervisor is None or not engineers:
        return
    first, second = engineers[0], engineers[-1]
    tower, hospital, mall = (sites * 3)[:3]

    def call(site: Site, kind: str, hours_ago: float, **kw: Any) -> Ticket:
        system = _system(site, kind)
        equipment = system.equipment.order_by("id").first() if system is not None else None
        return actions.report(
            by=supervisor,
            site=site,
            system=system,
            equipment=equipment,
            reported_at=now - timedelta(hours=hours_ago),
            **kw,
        )

    def at(hours_ago: float) -> datetime:
        return now - timedelta(hours=hours_ago)

    # Resolved two days ago, signed by the owner's property manager.
    done = call(
        tower,
        "cctv",
        50,
        caller_name="李國強",
        caller_phone="13817001001",
        category="line_fault",
        description="B1 停車場三台攝像機無畫面",
    )
    actions.dispatch(done, engineer=first, by=supervisor, at=at(49.8))
    actions.arrive(done, by=first, at=at(49), latitude="31.235100", longitude="121.505200")
    actions.resolve(
        done,
        by=first,
        at=at(47),
        work_done="更換 B1 弱電間交換機電源模塊，三台攝像機恢復畫面",
        cause="電源模塊老化",
        labour_minutes=90,
        signed_by="李國強",
        signature_png=base64.b64encode(signature_png()).decode(),
    )
    # Paused yesterday: the part is on its way.
    parts = call(
        hospital,
        "access_control",
        26,
        caller_name="劉穎",
        caller_phone="13917002002",
        category="equipment_fault",
        description="住院樓 5F 門禁讀卡器不能讀卡",
    )
    actions.dispatch(parts, engineer=second, by=supervisor, at=at(25.5))
    actions.arrive(parts, by=second, at=at(24.5))
    actions.pause(parts, by=second, reason="parts", at=at(24))
    # On site now.
    on_site = call(
        tower,
        "fire_alarm",
        3,
        caller_name="陳曉燕",
        caller_phone="13817001002",
        category="line_fault",
        description="12F 火災報警控制器報線路故障",
    )
    actions.dispatch(on_site, engineer=first, by=supervisor, at=at(2.8))
    actions.arrive(on_site, by=first, at=at(1.5))
    # An emergency on its way.
    emergency = call(
        mall,
        "cctv",
        0.5,
        caller_name="黃麗",
        caller_phone="13717003002",
        category="line_fault",
        emergency=True,
        description="中控室監控全部黑屏，商場營業中",
    )
    actions.dispatch(emergency, engineer=second, by=supervisor, at=at(0.4))
    # Just called in, waiting for dispatch.
    call(
        mall,
        "public_address",
        0.2,
        caller_name="張偉",
        caller_phone="13717003001",
        category="other",
        description="3F 美食廣場廣播有雜音",
    )


def remove(organisation: Organisation) -> None:
    """The demo's tickets with their clocks and log, and the branches' suspensions."""
    tickets = Ticket.objects.filter(branch__organisation=organisation)
    Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Ticket),
        subject_id__in=tickets.values("pk"),
    ).delete()
    EscalationNotice.objects.filter(ticket__in=tickets).delete()
    # The log is append-only row by row (TicketEvent.delete); the demo's reset removes it in bulk.
    TicketEvent.objects.filter(ticket__in=tickets).delete()
    for name in tickets.exclude(Q(signature="") | Q(signature__isnull=True)).values_list(
        "signature", flat=True
    ):
        Ticket.signature.field.storage.delete(name)
    tickets.delete()
    Suspension.objects.filter(branch__organisation=organisation).delete()
