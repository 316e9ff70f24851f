"""A building-systems branch (Asia/Shanghai) with an owner, a site, a system and equipment."""

from dataclasses import dataclass
from datetime import date

import pytest

from aftercare.customers.models import Customer
from aftercare.sites import actions as sites
from tests.factories import BranchFactory, CustomerFactory, OrganisationFactory, UserFactory


@dataclass
class Building:
    org: object
    branch: object
    other_branch: object
    sam: object  # supervisor
    eve: object  # engineer
    pat: object  # parts clerk (reads only)
    sue: object  # supervisor of the other branch
    ada: object  # administrator
    owner: object
    site: object
    system: object
    camera: object  # takes the system's warranty at acceptance
    spare: object  # a replacement with its own warranty


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def building(db) -> Building:
    org = OrganisationFactory(name="華東弱電工程", time_zone="Asia/Shanghai", region="CN")
    branch = BranchFactory(organisation=org, code="bs", name="弱電工程部",
                           runs_building_systems=True, runs_dealership=False)  # fmt: skip
    other = BranchFactory(organisation=org, code="bs2", name="南區工程部",
                          runs_building_systems=True, runs_dealership=False)  # fmt: skip
    sam = UserFactory(username="sam", branch=branch, roles=["supervisor"])
    owner = CustomerFactory(
        branch=branch, name="上海環球金融中心有限公司", kind=Customer.Kind.COMPANY
    )
    site = sites.create_site(by=sam, customer=owner, name="環球大廈", address="上海市世紀大道100號")
    system = sites.add_system(by=sam, site=site, kind="cctv", name="閉路電視", key=True)
    camera = sites.add_equipment(by=sam, system=system, name="球機", model="DS-2DE",
                                 serial="CAM-0001", location="B1 停車場")  # fmt: skip
    old = sites.add_equipment(by=sam, system=system, name="硬盤錄像機", serial="NVR-1",
                              location="機房")  # fmt: skip
    spare = sites.replace_equipment(by=sam, old=old, name="硬盤錄像機", serial="NVR-2",
                                    installed_on=date(2026, 2, 1))  # fmt: skip
    return Building(
        org=org, branch=branch, other_branch=other, sam=sam,
        eve=UserFactory(username="eve", branch=branch, roles=["engineer"]),
        pat=UserFactory(username="pat", branch=branch, roles=["parts_clerk"]),
        sue=UserFactory(username="sue", branch=other, roles=["supervisor"]),
        ada=UserFactory(username="ada", branch=None, organisation=org, roles=["administrator"]),
        owner=owner, site=site, system=system, camera=camera, spare=spare,
    )  # fmt: skip
