"""What the scale-out test needs in its fresh database, written before any process starts.

Run as ``python -m tests.ops.scale_seed MESSAGES OVERDUE`` with ``DATABASE_URL`` naming the
database. It migrates (once, as an operator does before starting N web processes: concurrent
first migrations would race), then writes one branch with an advisor and a supervisor, a
supervisor's API token, MESSAGES failed SMS and OVERDUE obligations already past their deadline.
The last line of output is JSON for the test.

The failed messages are written directly, as the worker leaves them after a provider outage
(status ``failed``, attempts used up): queueing them for real would need the outage too, and
what the test is about starts afterwards, when a supervisor presses *Retry* on each of them
through the web processes.
"""

import json
import os
import sys
from datetime import timedelta

PASSWORD = "scale-out-password"


def seed(messages: int, overdue: int) -> dict:
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)

    from aftercare.customers.models import Customer
    from aftercare.messaging.choices import Channel, MessageStatus
    from aftercare.messaging.models import Message
    from aftercare.obligations.actions import open_obligation
    from aftercare.org.actions import create_api_token
    from aftercare.org.models import Branch, Organisation, User

    now = timezone.now()
    with transaction.atomic():
        org = Organisation.objects.create(
            name="擴展測試車行", time_zone="Asia/Shanghai", region="CN"
        )
        branch = Branch.objects.create(organisation=org, code="scale", name="擴展店")
        advisor = User.objects.create_user(
            "scale-advisor", "advisor@example.test", organisation=org, branch=branch
        )
        advisor.groups.set(Group.objects.filter(name="advisor"))
        supervisor = User.objects.create_user(
            "scale-supervisor", "supervisor@example.test", PASSWORD, organisation=org, branch=branch
        )
        supervisor.groups.set(Group.objects.filter(name="supervisor"))
        customer = Customer.objects.create(branch=branch, name="王小明", consents_to_sms=True)
        failed = Message.objects.bulk_create(
            Message(
                customer=customer,
                channel=Channel.SMS,
                to="+8613800138000",
                body=f"scale-out message {n:04d}",
                reason=f"scale-out:{n}",
                status=MessageStatus.FAILED,
                attempts=1,
                attempt_limit=1,
                last_attempt_at=now - timedelta(hours=1),
                last_error="provider unreachable",
                queued_at=now - timedelta(hours=1),
            )
            for n in range(messages)
        )
        # DS-1 falls due two days after the event: ten days ago is long overdue.
        obligations = [
            open_obligation("DS-1", branch=branch, owner=advisor, event_at=now - timedelta(days=10))
            for _ in range(overdue)
        ]
        token = create_api_token(supervisor, name="scale-out")
    return {
        "token": token,
        "message_ids": [m.pk for m in failed],
        "obligation_ids": [o.pk for o in obligations],
    }


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings")
    import django

    django.setup()
    result = seed(int(argv[0]), int(argv[1]))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
