"""`aftercare setup`: a real shop's organisation, first branch and administrator, no demo data.

Flags for scripts; prompts for whatever is missing when a person runs it in a terminal. It
refuses when an organisation exists already (a second run is more likely a mistake than a second
company), unless `--another` says otherwise. Everything is written in one transaction or not at
all; after it, administrators set up branches, staff and the catalogue in the pages.
"""

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftercare.errors import InvalidInput
from aftercare.org.models import TIME_ZONE_CHOICES, Organisation, Region

# (option, the action's argument / error field, prompt, default)
QUESTIONS = [
    ("organisation", "name", "Organisation name", None),
    ("time_zone", "time_zone", "Time zone", "Asia/Shanghai"),
    ("region", "region", "Holiday region (CN, TW or HK)", "CN"),
    ("branch_code", "branch_code", "First branch: code (e.g. main)", "main"),
    ("branch_name", "branch_name", "First branch: name", None),
    ("admin_username", "admin_username", "Administrator: username", "admin"),
    ("admin_email", "admin_email", "Administrator: e-mail", ""),
]
PASSWORD_ENV = "AFTERCARE_ADMIN_PASSWORD"
# The action's error fields for the branch and the administrator, mapped back to the flags.
FLAG_OF_FIELD = {
    "name": "--organisation",
    "time_zone": "--time-zone",
    "region": "--region",
    "code": "--branch-code",
    "username": "--admin-username",
    "email": "--admin-email",
    "password": "--admin-password",
}


class Command(BaseCommand):
    help = "Set up a real organisation: its first branch and administrator (no demo data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", help="the organisation's name")
        parser.add_argument(
            "--time-zone",
            help="IANA time zone, one of: " + ", ".join(z for z, _l in TIME_ZONE_CHOICES),
        )
        parser.add_argument("--region", choices=Region.values, help="public holidays of CN/TW/HK")
        parser.add_argument("--branch-code", help="short code of the first branch, e.g. main")
        parser.add_argument("--branch-name", help="name of the first branch")
        parser.add_argument("--admin-username", help="the first administrator's username")
        parser.add_argument(
            "--admin-password",
            help=f"their password (or set {PASSWORD_ENV}; flags show in the process list)",
        )
        parser.add_argument("--admin-email", default=None, help="their e-mail address")
        parser.add_argument(
            "--desks", choices=["DS", "BS", "both"], default="DS",
            help="the desks the first branch runs: DS (dealership), BS (building systems) "
            "or both; default DS",
        )  # fmt: skip
        parser.add_argument(
            "--another", action="store_true",
            help="add an organisation although one exists already",
        )  # fmt: skip
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive",
            help="never prompt: fail if a value is missing",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.exists() and not options["another"]:
            names = ", ".join(Organisation.objects.order_by("pk").values_list("name", flat=True))
            raise CommandError(
                f"An organisation exists already ({names}); nothing was written. "
                "Administrators add branches and staff in the pages (Organisation menu). "
                "Use --another to set up a second organisation."
            )
        interactive = options["interactive"] and sys.stdin.isatty()
        values: dict[str, str] = {}
        missing = []
        for option, argument, prompt, default in QUESTIONS:
            value = options.get(option)
            if value is None and interactive:
                value = self._ask(prompt, default)
            if value is None:
                value = default
            if value is None:
                missing.append("--" + option.replace("_", "-"))
            else:
                values[argument] = value
        password = options.get("admin_password") or os.environ.get(PASSWORD_ENV)
        if not password and interactive:
            password = self._ask_password()
        if not password:
            missing.append(f"--admin-password (or {PASSWORD_ENV})")
        if missing:
            raise CommandError("Missing: " + ", ".join(missing) + "; nothing was written.")
        from aftercare.org.actions import set_up_organisation

        try:
            desks = ["DS", "BS"] if options["desks"] == "both" else [options["desks"]]
            admin = set_up_organisation(
                admin_password=password,  # type: ignore[arg-type]
                desks=desks,
                **values,
            )
        except InvalidInput as error:
            lines = [f"{error.message} Nothing was written."]
            for field, messages in error.fields.items():
                flag = FLAG_OF_FIELD.get(field, "--" + field.replace("_", "-"))
                lines += [f"  {flag}: {message}" for message in messages]
            raise CommandError("\n".join(lines)) from error
        organisation = Organisation.objects.get(staff=admin)
        branch = organisation.branches.get()
        self.stdout.write(
            f"Set up {organisation.name} ({organisation.time_zone}, "
            f"holidays {organisation.region}) with branch {branch.code} “{branch.name}”.\n"
            f"Log in as {admin.username} at http://127.0.0.1:8000/accounts/login/ "
            "(after `aftercare serve`), then add branches, staff and service items under "
            "the Organisation menu."
        )

    def _ask(self, prompt: str, default: str | None) -> str | None:
        shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
        answer = input(shown).strip()
        return answer or default

    def _ask_password(self) -> str | None:
        while True:
            first = getpass.getpass("Administrator: password: ")
            if not first:
                return None
            if getpass.getpass("Administrator: password (again): ") == first:
                return first
            self.stderr.write("The passwords differ; try again.")
