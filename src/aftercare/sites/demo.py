"""Demo data of the building-systems desk: the branch 弱電工程部, its staff, three owners with
contacts and three sites (an office tower, a hospital, a mall) with their systems and equipment,
all written through the real actions. The documents and contracts demos build on these sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from aftercare.customers import actions as customers
from aftercare.customers.models import Customer, CustomerContact
from aftercare.org.models import Branch, Organisation, User
from aftercare.org.roles import Role
from aftercare.sites import actions
from aftercare.sites.models import Equipment, Site, System

BRANCH_CODE = "elv"
BRANCH_NAME = "弱電工程部"

# username, display name, roles: printed with the other demo logins (demo.print_logins).
LOGINS = [
    ("supervisor3", "趙主管", [Role.SUPERVISOR], BRANCH_NAME),
    ("engineer1", "孫工程師", [Role.ENGINEER], BRANCH_NAME),
    ("engineer2", "周工程師", [Role.ENGINEER], BRANCH_NAME),
    ("coordinator1", "吳培訓", [Role.TRAINING_COORDINATOR], BRANCH_NAME),
    ("parts1", "鄭備件", [Role.PARTS_CLERK], BRANCH_NAME),
]


@dataclass(frozen=True)
class Kit:
    """Equipment of one kind in a system: how many, and where in the building they go."""

    name: str
    model: str
    prefix: str
    count: int
    places: tuple[str, ...]


OWNERS = [
    # company name, address, phone, contacts (name, role, phone, e-mail)
    ("上海浦江置業有限公司", "上海市浦東新區世紀大道100號", "021-68881000",
     [("李國強", "物業經理", "13817001001", "li.guoqiang@pujiang.example"),
      ("陳曉燕", "工程部主管", "13817001002", "")]),
    ("上海仁濟醫療集團有限公司", "上海市浦東新區浦建路160號", "021-58752345",
     [("王建平", "後勤保障處處長", "13917002001", "wang.jp@renji.example"),
      ("劉穎", "保衛科科長", "13917002002", "")]),
    ("上海環球港商業管理有限公司", "上海市普陀區中山北路3300號", "021-62288000",
     [("張偉", "營運總監", "13717003001", "zhang.wei@globalharbor.example"),
      ("黃麗", "機電主管", "13717003002", "")]),
]  # fmt: skip

FLOORS_TOWER = ("B2 停車場", "B1 機房", "1F 大堂", "5F 電梯廳", "12F 電梯廳", "23F 電梯廳",
                "31F 弱電間", "頂層 消防控制室")  # fmt: skip
FLOORS_HOSPITAL = ("門診樓 1F 掛號大廳", "門診樓 3F 候診區", "住院樓 5F 護士站",
                   "住院樓 8F 走廊", "醫技樓 B1 配電房", "消防控制中心")  # fmt: skip
FLOORS_MALL = ("B1 超市入口", "1F 中庭", "2F 扶梯口", "3F 美食廣場", "4F 影院前廳",
               "屋頂 冷卻塔", "中控室")  # fmt: skip

KITS: dict[str, list[Kit]] = {
    "cctv": [
        Kit("半球攝像機", "DS-2CD3126", "HKDS", 8, ("電梯廳", "走廊", "出入口")),
        Kit("硬盤錄像機", "DS-9632NI", "HKNV", 1, ("監控中心",)),
    ],
    "access_control": [
        Kit("門禁控制器", "ZK-C3-400", "ZKAC", 3, ("弱電間",)),
        Kit("讀卡器", "ZK-KR600", "ZKRD", 5, ("出入口", "電梯廳")),
    ],
    "fire_alarm": [
        Kit("感煙探測器", "JTY-GD-G3", "GSTS", 8, ("走廊", "機房", "辦公區")),
        Kit("手動報警按鈕", "J-SAM-GST9122", "GSTM", 3, ("樓梯口",)),
        Kit("火災報警控制器", "JB-QB-GST200", "GSTC", 1, ("消防控制室",)),
    ],
    "bms": [
        Kit("DDC 控制器", "Honeywell PUB6438", "HWDC", 4, ("空調機房", "水泵房")),
        Kit("溫濕度傳感器", "Honeywell H7080", "HWTH", 4, ("辦公區", "走廊")),
    ],
    "public_address": [
        Kit("吸頂揚聲器", "TOA PC-658R", "TOAS", 6, ("走廊", "大堂")),
        Kit("廣播功放", "TOA A-2240", "TOAA", 1, ("廣播機房",)),
    ],
    "cabling": [
        Kit("配線架", "AMP 24口 CAT6", "AMPP", 3, ("弱電間",)),
        Kit("交換機", "H3C S5130-28S", "H3CS", 2, ("弱電間", "網絡機房")),
    ],
}

SYSTEM_NAMES = {
    "cctv": "閉路電視監控系統",
    "access_control": "門禁一卡通系統",
    "fire_alarm": "火災自動報警系統",
    "bms": "樓宇自控系統",
    "public_address": "公共廣播系統",
    "cabling": "綜合布線系統",
}
KEY_KINDS = {"fire_alarm", "cctv", "access_control"}  # BS-2: two trained people each

SITES = [
    # name, address, owner index, floors, system kinds, months since installation
    ("浦江國際金融大廈", "上海市浦東新區世紀大道100號", 0, FLOORS_TOWER,
     ["cctv", "access_control", "fire_alarm", "bms", "public_address", "cabling"], 25),
    ("仁濟醫院東院", "上海市浦東新區浦建路160號", 1, FLOORS_HOSPITAL,
     ["cctv", "fire_alarm", "access_control", "public_address"], 7),
    ("環球港購物中心", "上海市普陀區中山北路3300號", 2, FLOORS_MALL,
     ["cctv", "fire_alarm", "public_address", "bms"], 3),
]  # fmt: skip


def _staff(organisation: Organisation, branch: Branch) -> dict[str, User]:
    password = make_password(settings.AFTERCARE_DEMO_PASSWORD)
    users = {}
    for username, name, roles, _where in LOGINS:
        user = User.objects.create(
            username=username,
            password=password,
            display_name=name,
            email=f"{username}@demo.aftercare.invalid",
            organisation=organisation,
            branch=branch,
        )
        user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
        users[username] = user
    return users


def _owner(by: User, branch: Branch, spec: tuple) -> Customer:  # type: ignore[type-arg]
    name, address, phone, contacts = spec
    owner: Customer = customers.create_customer(
        branch=branch, by=by, kind="company", name=name, address=address, phones=[phone]
    )
    for contact_name, role, mobile, email in contacts:
        customers.add_contact(owner, by=by, name=contact_name, role=role, phones=[mobile],
                              email=email)  # fmt: skip
    return owner


def _months_ago(today: date, months: int) -> date:
    return today - timedelta(days=round(months * 30.4))


def load(organisation: Organisation, now: datetime) -> None:
    """The building-systems branch and its installed base (about 30–60 items a site)."""
    branch = Branch.objects.create(
        organisation=organisation, code=BRANCH_CODE, name=BRANCH_NAME,
        address="上海市徐匯區漕溪北路18號", phone="021-64001234",
        runs_dealership=False, runs_building_systems=True,
    )  # fmt: skip
    users = _staff(organisation, branch)
    supervisor, engineers = users["supervisor3"], [users["engineer1"], users["engineer2"]]
    owners = [_owner(supervisor, branch, spec) for spec in OWNERS]
    today = timezone.localdate(now)
    serial = 0
    for site_name, address, owner_index, floors, kinds, months in SITES:
        site = actions.create_site(
            by=supervisor, customer=owners[owner_index], name=site_name, address=address
        )
        installed = _months_ago(today, months)
        for kind in kinds:
            system = actions.add_system(
                by=supervisor, site=site, kind=kind, name=SYSTEM_NAMES[kind], key=kind in KEY_KINDS
            )
            for kit in KITS[kind]:
                for n in range(kit.count):
                    serial += 1
                    floor = floors[(serial + n) % len(floors)]
                    place = kit.places[n % len(kit.places)]
                    actions.add_equipment(
                        by=engineers[serial % 2], system=system, name=kit.name, model=kit.model,
                        serial=f"{kit.prefix}-{installed.year}-{serial:05}",
                        location=f"{floor} {place}" if place not in floor else floor,
                        installed_on=installed + timedelta(days=n % 10),
                    )  # fmt: skip


def remove(organisation: Organisation) -> None:
    """The demo's installed base, before the customers, users and branches go."""
    branches = {"branch__organisation": organisation}
    Equipment.objects.filter(
        replaces__isnull=False, system__site__branch__organisation=organisation
    ).delete()
    Equipment.objects.filter(system__site__branch__organisation=organisation).delete()
    System.objects.filter(site__branch__organisation=organisation).delete()
    Site.objects.filter(**branches).delete()
    CustomerContact.objects.filter(customer__branch__organisation=organisation).delete()
