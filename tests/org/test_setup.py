"""`aftercare setup`: a real shop from an empty database, and what it refuses."""

import io

import pytest
from django.core.management import CommandError, call_command

from aftercare.cli import should_load_demo
from aftercare.org.models import Branch, Organisation, User
from aftercare.workshop.models import ServiceItem
from tests.org.test_cli import run

pytestmark = pytest.mark.django_db

FLAGS = [
    "--organisation", "東海汽車", "--time-zone", "Asia/Taipei", "--region", "TW",
    "--branch-code", "taichung", "--branch-name", "台中店",
    "--admin-username", "boss", "--admin-password", "a-long-Secret-2026",
    "--admin-email", "boss@example.test", "--no-input",
]  # fmt: skip


def setup(*flags):
    out = io.StringIO()
    call_command("setup", *flags, stdout=out)
    return out.getvalue()


def test_setup_creates_organisation_branch_and_administrator_without_demo_data():
    output = setup(*FLAGS)
    org = Organisation.objects.get()
    assert (org.name, org.time_zone, org.region) == ("東海汽車", "Asia/Taipei", "TW")
    assert list(Branch.objects.values_list("code", "name")) == [("taichung", "台中店")]
    boss = User.objects.get()
    assert boss.check_password("a-long-Secret-2026")
    assert boss.role_codes == ["administrator"]
    assert (boss.organisation, boss.branch, boss.is_superuser) == (org, None, False)
    assert boss.has_perm("org.add_user") and boss.has_perm("workshop.add_serviceitem")
    assert not ServiceItem.objects.exists()
    assert "Log in as boss" in output and "/accounts/login/" in output


def test_a_second_setup_is_refused_and_writes_nothing():
    setup(*FLAGS)
    flags = [*FLAGS]
    flags[flags.index("boss")] = "boss2"
    with pytest.raises(CommandError, match="An organisation exists already"):
        setup(*flags)
    assert Organisation.objects.count() == 1 and User.objects.count() == 1


def test_another_adds_a_second_organisation():
    setup(*FLAGS)
    flags = [*FLAGS, "--another"]
    flags[flags.index("boss")] = "boss2"
    setup(*flags)
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--time-zone", "Mars/Olympus", "--time-zone: “Mars/Olympus” is not a time zone name"),
        ("--time-zone", "Europe/Paris", "--time-zone: Aftercare supports these time zones"),
        ("--admin-password", "12345678", "--admin-password: This password is too common."),
        ("--admin-password", "short", "--admin-password: This password is too short."),
        ("--branch-code", "Main Shop", "--branch-code: Use lower-case letters"),
        ("--admin-email", "not-an-address", "--admin-email: Enter a valid e-mail address."),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(flag, value, message):
    flags = [*FLAGS]
    flags[flags.index(flag) + 1] = value
    with pytest.raises(CommandError) as refused:
        setup(*flags)
    assert message in str(refused.value)
    assert "Nothing was written." in str(refused.value)
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_missing_values_are_listed_without_a_terminal():
    with pytest.raises(CommandError, match=r"Missing: --organisation, --branch-name"):
        setup("--no-input", "--admin-password", "a-long-Secret-2026")
    assert not Organisation.objects.exists()


def test_the_password_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AFTERCARE_ADMIN_PASSWORD", "from-the-Env-2026")
    flags = [*FLAGS]
    del flags[flags.index("--admin-password") : flags.index("--admin-password") + 2]
    setup(*flags)
    assert User.objects.get().check_password("from-the-Env-2026")


def test_the_demo_loads_only_into_an_empty_development_database():
    assert should_load_demo(production=False, no_demo=False, has_organisation=False)
    assert not should_load_demo(production=False, no_demo=False, has_organisation=True)
    assert not should_load_demo(production=False, no_demo=True, has_organisation=False)
    # The known security issue: the demo's public password must never open a production site.
    assert not should_load_demo(production=True, no_demo=False, has_organisation=False)


@pytest.mark.embedded
def test_setup_as_a_command_exits_1_on_a_second_run(tmp_path, migrated_home):
    home = migrated_home(tmp_path)
    first = run(["setup", *FLAGS], home)
    assert first.returncode == 0, first.stderr
    assert "Log in as boss" in first.stdout
    second = run(["setup", *FLAGS], home)
    assert second.returncode == 1
    assert "An organisation exists already (東海汽車); nothing was written." in second.stderr


@pytest.fixture
def serve(monkeypatch, capsys):
    """`aftercare serve` in this process, up to the point where it would start its children:
    migrate and collectstatic are recorded, not run, and nothing is started."""
    import django.core.management

    from aftercare import cli

    ran = []
    monkeypatch.setattr(django.core.management, "call_command", lambda *a, **k: ran.append(a[0]))
    monkeypatch.setattr(cli, "_supervise", lambda commands: 0)
    monkeypatch.setattr(cli, "collect_static", lambda: True)

    def do(*args):
        assert cli.cmd_serve(list(args)) == 0
        return capsys.readouterr().out

    return do


def test_serve_after_setup_loads_no_demo(serve):
    setup(*FLAGS)
    output = serve()
    assert "loading the demo" not in output
    assert list(User.objects.values_list("username", flat=True)) == ["boss"]


def test_serve_in_production_never_loads_the_demo(serve, settings):
    settings.PRODUCTION = True
    output = serve()
    assert "No organisation yet: run `aftercare setup`" in output
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_serve_in_development_loads_the_demo_into_an_empty_database(serve, monkeypatch):
    from aftercare import demo

    loaded = []
    monkeypatch.setattr(demo, "load", lambda: loaded.append(True))
    output = serve()
    assert loaded == [True] and "First run: loading the demo organisation" in output


def test_in_a_terminal_it_asks_for_what_the_flags_leave_out(monkeypatch):
    from aftercare.org.management.commands import setup as command

    answers = iter(["南山汽車", "", "HK", "", "南山汽車 旺角店", "", "kit@example.test"])
    passwords = iter(["a-long-Secret-2026", "a-long-Secret-2026"])
    monkeypatch.setattr(command.sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr(command.getpass, "getpass", lambda prompt: next(passwords))
    setup()
    org = Organisation.objects.get()
    assert (org.name, org.time_zone, org.region) == ("南山汽車", "Asia/Shanghai", "HK")
    admin = User.objects.get()
    assert (admin.username, admin.email) == ("admin", "kit@example.test")
    assert admin.organisation.branches.get().name == "南山汽車 旺角店"
