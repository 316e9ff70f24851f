"""The customer list's page statement, compiled once per shape (`queries.search_page`), finds
exactly what the search queryset finds: for every kind of text, every reader's scope, the
archive filter and the page, and with values that differ from the ones it was compiled with."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from aftercare.customers import actions, queries
from aftercare.customers.queries import SearchTerms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(desk):
    """Customers of both branches whose names, phones and plates overlap in their prefixes."""

    def customer(branch, by, name, phones=(), plates=(), vin=""):
        created = actions.create_customer(branch=branch, by=by, name=name, phones=list(phones))
        for plate in plates:
            actions.add_vehicle(
                created, by=by, plate=plate, vin=vin, maintenance_months=6,
                last_maintenance_on=date(2026, 1, 10),
            )  # fmt: skip
        return created

    a, b = desk.branch_a, desk.branch_b
    return [
        customer(a, desk.alice, "張三", ["138 0013 8000"], ["京A·12345"], "1M8GDM9AXKP042788"),
        customer(a, desk.alice, "張三豐", ["139 0013 8000"], ["京A·12399"]),
        customer(a, desk.alice, "張小三", ["138 5555 1234"], ["京B·55123"]),
        customer(a, desk.alice, "Zhang_Wei", ["137 0000 1234"]),
        customer(a, desk.alice, "Zhang%Li"),
        customer(a, desk.alice, "李四", [], ["滬C·12345"]),
        customer(b, desk.carol, "張三", ["138 0013 8001"], ["京A·12346"]),
        customer(b, desk.carol, "王五", ["139 1234 5678"], ["粵B·D1234"]),
    ]


TEXTS = [
    "",  # everyone
    "張",  # name prefix (traditional)
    "张三",  # simplified: the same key
    "zhangsan",  # full pinyin
    "zs",  # initials
    "Zhang_",  # punctuation in a name
    "Zhang%",
    "1234",  # last four digits, and the end of a plate
    "13800138000",  # a whole mobile
    "+8613800138000",  # as E.164
    "138 0013",  # the start of a number
    "京A12",  # a plate's start
    "jing a 123",  # not a plate: pinyin only
    "1M8GDM9AXKP042788",  # a VIN
    "無此人",  # nobody
]


def ids_by_queryset(user, text, archive_complete=None):
    customers = queries.search(user, text)
    if archive_complete is not None:
        customers = customers.filter(archive_complete=archive_complete)
    return list(customers.values_list("pk", flat=True))


def ids_by_page(user, text, *, limit=50, offset=0, archive_complete=None):
    page = queries.search_page(
        user, text, limit=limit, offset=offset, archive_complete=archive_complete
    )
    return [row["id"] for row in page.rows], page.count


@pytest.mark.parametrize("reader", ["alice", "carol", "ada", "superuser"])
def test_every_kind_of_text_finds_what_the_queryset_finds(desk, archive, reader):
    user = UserFactory(username="root", is_superuser=True) if reader == "superuser" else (
        getattr(desk, reader)
    )  # fmt: skip
    shapes = set()
    for text in TEXTS:
        expected = ids_by_queryset(user, text)
        assert ids_by_page(user, text) == (expected, len(expected)), text
        shapes.add(SearchTerms.of(text).shape if text else None)
    assert len(shapes) >= 8  # the texts above exercise that many distinct statements
    if reader == "alice":  # branch A only, and each kind finds its own
        assert len(ids_by_queryset(user, "張")) == 3
        assert ids_by_page(user, "1234")[1] == 2  # two phones end in 1234 (a plate: branch B)


def test_a_statement_compiled_for_one_reader_answers_the_next_with_their_own_scope(desk, archive):
    """alice (branch A) and carol (branch B) share the statement of their shape; each sees
    their own branch's 張三."""
    alice_sees = ids_by_page(desk.alice, "張三")[0]
    carol_sees = ids_by_page(desk.carol, "張三")[0]
    assert set(alice_sees).isdisjoint(carol_sees)
    assert alice_sees == ids_by_queryset(desk.alice, "張三")
    assert carol_sees == ids_by_queryset(desk.carol, "張三") == [archive[6].pk]


def test_pages_and_the_archive_filter(desk, archive):
    complete = ids_by_queryset(desk.ada, "", archive_complete=True)
    incomplete = ids_by_queryset(desk.ada, "", archive_complete=False)
    assert ids_by_page(desk.ada, "", archive_complete=True) == (complete, len(complete))
    assert ids_by_page(desk.ada, "", archive_complete=False) == (incomplete, len(incomplete))
    everyone = ids_by_queryset(desk.ada, "")
    assert len(everyone) == 8
    assert ids_by_page(desk.ada, "", limit=3, offset=3) == (everyone[3:6], 8)
    assert ids_by_page(desk.ada, "", limit=3, offset=6) == (everyone[6:], 8)
    assert ids_by_page(desk.ada, "", limit=3, offset=30) == ([], 8)  # past the end: the count
    assert ids_by_page(desk.ada, "張", limit=2, offset=30) == ([], 4)


def test_readers_without_the_customer_list_are_refused(desk, archive):
    owner = UserFactory(username="owner", organisation=desk.org, customer=archive[0])
    clerk = UserFactory(username="clerk", branch=desk.branch_a, roles=[])
    for user in (owner, clerk):
        with pytest.raises(PermissionDenied):
            queries.search_page(user, "張", limit=50, offset=0)
