"""The demo shows outreach at work: an upcoming campaign, a notice call, a letter."""

from django.utils import timezone

from aftercare import demo
from aftercare.obligations.models import Obligation
from aftercare.outreach.models import Campaign, Letter


def test_the_demo_has_an_upcoming_campaign_a_notice_call_and_a_letter(db):
    demo.load(customers_per_branch=12)
    campaign = Campaign.objects.get()
    assert campaign.scheduled_at is not None and campaign.starts_at > timezone.now()
    assert campaign.targets.count() == 4 and campaign.notices_late is False
    reached = campaign.targets.get(reached=True)
    assert reached.customer.prefers_letters and reached.letter_sent_at is not None
    letter = Letter.objects.get()
    assert letter.customer == reached.customer and letter.register_number.endswith("-000001")
    assert Obligation.objects.get(rule="DS-7L").done_at == letter.sent_at
    assert Obligation.objects.pending().filter(rule="DS-7").count() == 3

    demo.reset()  # the campaign, its calls and letters do not stand in the way

    assert Campaign.objects.count() == 1 and Letter.objects.count() == 1
