"""My work: a letter owed (DS-7L) links to the letter form for that customer and campaign."""

from aftercare.followups.actions import record_call
from aftercare.obligations.models import Obligation
from aftercare.outreach import actions
from aftercare.outreach.models import Letter
from aftercare.outreach.targets import TargetFilters
from tests.factories import CustomerFactory
from tests.obligations.helpers import at


def test_a_letter_owed_links_to_its_letter_form_which_fulfils_it(desk, client):
    wang = CustomerFactory(branch=desk.branch_a, name="王小明", address="北京市朝陽區一號",
                           followup_advisor=desk.alice, prefers_letters=True)  # fmt: skip
    campaign = actions.create_campaign(
        by=desk.sam, branch=desk.branch_a, name="會員之夜", kind="club_event",
        starts_at=at(2026, 12, 20, 19, 0), ends_at=at(2026, 12, 20, 21, 0),
        filters=TargetFilters(customer_ids=[wang.pk]),
    )  # fmt: skip
    campaign = actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 11, 20, 10, 0))
    record_call(wang, by=desk.alice, direction="out", purpose="campaign_notice",
                at=at(2026, 11, 26, 15, 0), reached=True, campaign=campaign)  # fmt: skip
    client.force_login(desk.alice)
    page = client.get("/work/").content.decode()
    link = f"/campaigns/letters/new/?customer={wang.pk}&amp;campaign={campaign.pk}"
    assert link in page and "Write the letter" in page

    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert "Letter to 王小明" in form and "會員之夜" in form
    client.post("/campaigns/letters/new/", {
        "customer": wang.pk, "campaign": campaign.pk, "kind": "notice",
        "sent_at": "2026-11-26T18:00", "subject": "", "body": "",
    })  # fmt: skip
    assert Letter.objects.get().customer == wang
    assert Obligation.objects.get(rule="DS-7L").done_at == at(2026, 11, 26, 18, 0)
