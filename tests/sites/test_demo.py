"""The demo's building-systems branch: staff, owners with contacts, three sites with systems
and equipment; `demo --reset` removes and reloads them."""

from aftercare import demo
from aftercare.customers.models import Customer, CustomerContact
from aftercare.org.models import Branch, User
from aftercare.org.queries import desks_of
from aftercare.sites.models import Equipment, Site, System


def test_the_demo_has_a_building_systems_branch_with_three_sites(db, capsys):
    org = demo.load(customers_per_branch=2)
    branch = Branch.objects.get(organisation=org, name="弱電工程部")
    assert (branch.runs_dealership, branch.runs_building_systems) == (False, True)
    staff = {u.username: sorted(u.groups.values_list("name", flat=True))
             for u in User.objects.filter(branch=branch)}  # fmt: skip
    assert staff == {
        "supervisor3": ["supervisor"], "engineer1": ["engineer"], "engineer2": ["engineer"],
        "coordinator1": ["training_coordinator"], "parts1": ["parts_clerk"],
    }  # fmt: skip
    assert desks_of(User.objects.get(username="engineer1")) == frozenset({"BS"})
    owners = Customer.objects.filter(branch=branch)
    assert {o.kind for o in owners} == {"company"} and owners.count() == 3
    assert CustomerContact.objects.filter(customer__branch=branch).count() == 6
    sites = Site.objects.filter(branch=branch).order_by("id")
    assert [s.name for s in sites] == ["浦江國際金融大廈", "仁濟醫院東院", "環球港購物中心"]
    for site in sites:
        assert 20 <= Equipment.objects.filter(system__site=site).count() <= 60, site.name
    kinds = set(System.objects.filter(site__branch=branch).values_list("kind", flat=True))
    assert kinds == {"cctv", "access_control", "fire_alarm", "bms", "public_address", "cabling"}
    keys = set(System.objects.filter(site__branch=branch, key=True).values_list("kind", flat=True))
    assert keys == {"cctv", "access_control", "fire_alarm"}
    assert not Equipment.objects.filter(serial="").exists()

    demo.print_logins()
    printed = capsys.readouterr().out
    assert "supervisor3" in printed and "parts1" in printed and "弱電工程部" in printed

    demo.reset()
    assert Site.objects.filter(branch__name="弱電工程部").count() == 3
    assert (
        Equipment.objects.count()
        == Equipment.objects.filter(system__site__branch__name="弱電工程部").count()
    )
