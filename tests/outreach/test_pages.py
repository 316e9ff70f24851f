"""Campaign and letter pages: live count, scheduling, results, register, documents."""

import io

from docx import Document

from aftercare.followups.actions import record_call
from aftercare.obligations.models import Obligation
from aftercare.outreach import actions, letters
from aftercare.outreach.models import Campaign, Letter
from aftercare.outreach.targets import TargetFilters
from tests.factories import CustomerFactory, VehicleFactory
from tests.obligations.helpers import at


def people(desk):
    wang = CustomerFactory(branch=desk.branch_a, name="王小明", address="北京市朝陽區建國路一號",
                           followup_advisor=desk.alice, prefers_letters=True)  # fmt: skip
    VehicleFactory(customer=wang, plate="京A12345", model="凱美瑞", vehicle_type="轎車")
    li = CustomerFactory(branch=desk.branch_a, name="李四", address="北京市海淀區",
                         followup_advisor=desk.alice, consents_to_letters=False)  # fmt: skip
    VehicleFactory(customer=li, plate="京B54321", model="雅閣", vehicle_type="轎車")
    CustomerFactory(branch=desk.branch_b, name="南區客戶")
    return wang, li


def scheduled(desk, customers):
    campaign = actions.create_campaign(
        by=desk.sam, branch=desk.branch_a, name="春季免費檢測", kind="free_inspection",
        content="免費檢測二十項，另贈洗車", starts_at=at(2026, 5, 20, 9, 0),
        ends_at=at(2026, 5, 24, 17, 0), address="北區店",
        filters=TargetFilters(customer_ids=[c.pk for c in customers]),
    )  # fmt: skip
    return actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 4, 1, 10, 0))


def test_the_live_count_follows_the_filters(desk, client):
    people(desk)
    client.force_login(desk.sam)
    everyone = client.post("/campaigns/preview/", {}, HTTP_HX_REQUEST="true")
    assert "2 customers selected" in everyone.content.decode()
    camry = client.post("/campaigns/preview/", {"vehicle_model": "凱美"}, HTTP_HX_REQUEST="true")
    assert "1 customer selected" in camry.content.decode() and "王小明" in camry.content.decode()
    letters_ok = client.post("/campaigns/preview/", {"consent": "letters"})
    assert "1 customer selected" in letters_ok.content.decode()
    assert "李四" not in letters_ok.content.decode()


def test_filters_by_type_and_maintenance_due(desk):
    wang, li = people(desk)
    li.vehicles.update(next_maintenance_on="2026-06-10")
    wang.vehicles.update(next_maintenance_on="2026-08-01")
    from aftercare.outreach.targets import target_customers

    due = TargetFilters.from_json({"maintenance_due_from": "2026-06-01",
                                   "maintenance_due_to": "2026-06-30"})  # fmt: skip
    assert list(target_customers(desk.branch_a, due)) == [li]
    sedans = TargetFilters(vehicle_type="轎車")
    assert set(target_customers(desk.branch_a, sedans)) == {wang, li}


def test_last_visit_between_uses_the_latest_visit(desk):
    from aftercare.outreach.targets import target_customers
    from aftercare.workshop.models import Consultation

    wang, li = people(desk)
    for who, moment in ((wang, at(2026, 3, 5, 10, 0)), (li, at(2026, 3, 6, 10, 0)),
                        (li, at(2026, 4, 20, 10, 0))):  # fmt: skip
        Consultation.objects.create(branch=desk.branch_a, customer=who, advisor=desk.alice,
                                    occurred_at=moment)  # fmt: skip
    march = TargetFilters.from_json({"last_visit_from": "2026-03-01",
                                     "last_visit_to": "2026-03-31"})  # fmt: skip
    assert list(target_customers(desk.branch_a, march)) == [wang]


def test_create_a_campaign_on_the_page_and_schedule_it(desk, client):
    people(desk)
    client.force_login(desk.sam)
    assert client.get("/campaigns/new/").status_code == 200
    response = client.post("/campaigns/new/", {
        "name": "會員之夜", "kind": "knowledge_evening", "content": "用車知識講座",
        "address": "北區店", "starts_at": "2027-05-20T19:00", "ends_at": "2027-05-20T21:00",
        "consent": "",
    })  # fmt: skip
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert campaign.starts_at == at(2027, 5, 20, 19, 0)
    client.post(f"/campaigns/{campaign.pk}/schedule/")
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "王小明" in page and "李四" in page
    assert Obligation.objects.filter(rule="DS-7").count() == 2


def test_a_bad_campaign_form_changes_nothing(desk, client):
    client.force_login(desk.sam)
    response = client.post("/campaigns/new/", {
        "name": "x", "kind": "club_event", "starts_at": "2027-05-20T19:00",
        "ends_at": "2027-05-19T21:00",
    })  # fmt: skip
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    assert not Campaign.objects.exists()


def test_advisors_see_campaigns_but_cannot_plan_them(desk, client):
    client.force_login(desk.alice)
    assert client.get("/campaigns/").status_code == 200
    assert client.get("/campaigns/new/").status_code == 403


def test_results_page_and_attendance(desk, client):
    wang, li = people(desk)
    campaign = scheduled(desk, [wang, li])
    record_call(wang, by=desk.alice, direction="out", purpose="campaign_notice",
                at=at(2026, 5, 5, 15, 0), campaign=campaign)  # fmt: skip
    target = campaign.targets.get(customer=li)
    client.force_login(desk.alice)
    client.post(f"/campaigns/{campaign.pk}/targets/{target.pk}/", {"attended": "yes"},
                HTTP_HX_REQUEST="true")  # fmt: skip
    target.refresh_from_db()
    assert target.attended is True
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "One customer is owed a letter" in page


def test_letter_docx_opens_and_names_the_customer(desk, client, django_capture_on_commit_callbacks):
    wang, li = people(desk)
    campaign = scheduled(desk, [wang, li])
    record_call(wang, by=desk.alice, direction="out", purpose="campaign_notice",
                at=at(2026, 5, 5, 15, 0), campaign=campaign)  # fmt: skip
    client.force_login(desk.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/campaigns/{campaign.pk}/batches/", {"who": "due"})
    owed = campaign.batches.get()
    response = client.get(f"/campaigns/{campaign.pk}/batches/{owed.pk}/docx/")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response))).paragraphs)
    assert "王小明" in text and "北京市朝陽區建國路一號" in text and "京A12345" in text
    assert "李四" not in text  # only the letter owed (DS-7L)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/campaigns/{campaign.pk}/batches/", {"who": "all"})
    every = campaign.batches.get(who="all")
    response = client.get(f"/campaigns/{campaign.pk}/batches/{every.pk}/docx/")
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response))).paragraphs)
    assert "王小明" in text and "李四" in text


def test_letter_pdf_shows_the_chinese_text(desk, pdf_text):
    wang, _li = people(desk)
    campaign = scheduled(desk, [wang])
    letter = actions.record_letter(wang, by=desk.alice, kind="notice",
                                   at=at(2026, 5, 6, 10, 0), campaign=campaign)  # fmt: skip
    text = pdf_text(letters.pdf([letters.from_letter(letter)]))
    assert "王小明" in text and "免費檢測二十項" in text and "A-L-2026-000001" in text


def test_address_labels_are_an_a4_sheet(desk, pdf_text):
    customers = [
        CustomerFactory(branch=desk.branch_a, name=f"收件人{i}", address=f"台北市信義路{i}號")
        for i in range(25)
    ]
    texts = [letters.LetterText(c, "notice", "", "", c.address, c.branch) for c in customers]
    content = letters.labels_pdf(texts)
    text = pdf_text(content)
    assert "收件人0" in text and "台北市信義路24號" in text
    assert text.count("\f") == 2  # 24 labels a sheet: two A4 pages


def test_reply_letter_from_a_raised_item(desk, client):
    from aftercare.cases import actions as cases

    wang, _li = people(desk)
    call = record_call(wang, by=desk.alice, direction="in", purpose="complaint",
                       at=at(2026, 5, 1, 9, 0),
                       raised_items=[{"kind": "complaint", "text": "保養後異響"}])  # fmt: skip
    item = call.raised_items.get()
    cases.start_research(item, by=desk.alice, at=at(2026, 5, 1, 10, 0))
    cases.record_solution(item, by=desk.alice, text="已更換皮帶", at=at(2026, 5, 2, 10, 0))
    client.force_login(desk.alice)
    assert "reply-letter" in client.get(f"/items/{item.pk}/").content.decode()
    form = client.get(f"/campaigns/letters/new/?raised_item={item.pk}").content.decode()
    assert "已更換皮帶" in form
    response = client.post("/campaigns/letters/new/", {
        "raised_item": item.pk, "kind": "reply", "sent_at": "2026-05-02T15:00",
        "subject": "", "body": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    letter = Letter.objects.get()
    assert letter.raised_item == item and "已更換皮帶" in letter.body


def test_register_page_filters_and_amendments_keep_the_original(desk, client):
    wang, li = people(desk)
    campaign = scheduled(desk, [wang, li])
    first = actions.record_letter(wang, by=desk.alice, kind="notice", at=at(2026, 5, 6, 10, 0),
                                  campaign=campaign)  # fmt: skip
    actions.record_letter(li, by=desk.alice, kind="invitation", at=at(2026, 4, 6, 10, 0),
                          campaign=campaign)  # fmt: skip
    client.force_login(desk.alice)
    may = client.get("/campaigns/letters/?start=2026-05-01&end=2026-05-31").content.decode()
    assert first.register_number in may and "李四" not in may
    invitations = client.get("/campaigns/letters/?start=2026-04-01&end=2026-05-31&kind=invitation")
    assert "李四" in invitations.content.decode() and "王小明" not in invitations.content.decode()
    client.post(f"/campaigns/letters/{first.pk}/", {"field": "address", "value": "新地址",
                                                    "reason": "客戶搬家"})  # fmt: skip
    first.refresh_from_db()
    assert first.address == "北京市朝陽區建國路一號"
    page = client.get(f"/campaigns/letters/{first.pk}/").content.decode()
    assert "新地址" in page and "北京市朝陽區建國路一號" in page
    other = client.get(f"/campaigns/letters/{first.pk}/")
    assert other.status_code == 200
    client.force_login(desk.carol)
    assert client.get(f"/campaigns/letters/{first.pk}/").status_code == 404


def test_a_single_letter_prints_before_it_is_registered(desk, client, pdf_text):
    """Issue 10: a single letter had to be registered before it could be printed. Printing
    draws the form's text and writes nothing; registering afterwards adds the register line."""
    from aftercare.outreach.models import LetterAmendment

    wang, _li = people(desk)
    campaign = scheduled(desk, [wang])
    client.force_login(desk.alice)
    form = client.get(f"/campaigns/letters/new/?customer={wang.pk}&campaign={campaign.pk}")
    page = form.content.decode()
    assert 'formaction="/campaigns/letters/preview.pdf"' in page
    assert 'formaction="/campaigns/letters/preview.docx"' in page
    data = {"customer": wang.pk, "campaign": campaign.pk, "kind": "notice", "sent_at": "",
            "subject": "", "body": ""}  # fmt: skip
    before = (Letter.objects.count(), LetterAmendment.objects.count(), Obligation.objects.count())
    response = client.post("/campaigns/letters/preview.pdf", data)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response))
    assert "王小明" in text and "免費檢測二十項" in text and "-L-2026-" not in text
    edited = client.post("/campaigns/letters/preview.docx", {**data, "body": "改過的內容"})
    paragraphs = Document(io.BytesIO(b"".join(edited))).paragraphs
    assert "改過的內容" in "\n".join(p.text for p in paragraphs)
    assert (
        Letter.objects.count(), LetterAmendment.objects.count(), Obligation.objects.count()
    ) == before  # fmt: skip

    recorded = client.post("/campaigns/letters/new/", {**data, "sent_at": "2026-05-06T10:00"})
    assert recorded.status_code == 302
    letter = Letter.objects.get()
    assert letter.customer == wang and letter.register_number == "A-L-2026-000001"


def test_a_letter_preview_of_an_unknown_kind_is_refused_and_others_are_not_found(desk, client):
    wang, _li = people(desk)
    south = CustomerFactory(branch=desk.branch_b, name="南區客戶二")
    client.force_login(desk.alice)
    client.cookies["django_language"] = "zh-hant"
    response = client.post("/campaigns/letters/preview.pdf", {"customer": wang.pk, "kind": "x"})
    assert response.status_code == 422 and "選擇" in response.content.decode()
    assert (
        client.post(
            "/campaigns/letters/preview.exe", {"customer": wang.pk, "kind": "notice"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/campaigns/letters/preview.pdf", {"customer": south.pk, "kind": "notice"}
        ).status_code
        == 404
    )
    assert client.get(f"/campaigns/letters/preview.pdf?customer={wang.pk}").status_code == 405
    assert not Letter.objects.exists()


def test_a_saved_campaign_says_whom_it_would_reach_and_can_be_edited_until_scheduled(client, desk):
    """Issue 10: a saved campaign showed "targets 0" until scheduled, and had no edit."""
    from aftercare.customers import actions as customers
    from aftercare.outreach import actions
    from aftercare.outreach.models import Campaign
    from aftercare.outreach.targets import TargetFilters
    from tests.obligations.helpers import at

    for name in ("王小明", "李四"):
        customers.create_customer(branch=desk.branch_a, by=desk.alice, name=name)
    campaign = actions.create_campaign(
        by=desk.sam, branch=desk.branch_a, name="春季檢測", kind="free_inspection",
        starts_at=at(2031, 5, 20, 9), ends_at=at(2031, 5, 24, 17), filters=TargetFilters(),
    )  # fmt: skip
    client.force_login(desk.sam)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert '<tr id="would-reach"><th scope="row">Would reach (if scheduled now)</th><td>2</td>' in (
        page
    )
    form = client.get(f"/campaigns/{campaign.pk}/edit/").content.decode()
    assert 'value="春季檢測"' in form
    response = client.post(f"/campaigns/{campaign.pk}/edit/", {
        "name": "夏季檢測", "kind": "free_inspection", "starts_at": "2031-06-20T09:00",
        "ends_at": "2031-06-24T17:00",
    })  # fmt: skip
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "夏季檢測" and campaign.history.count() == 2
    client.force_login(desk.alice)  # the desk may not edit
    assert client.post(f"/campaigns/{campaign.pk}/edit/", {"name": "x"}).status_code == 403
    actions.schedule_campaign(campaign, by=desk.sam)
    client.force_login(desk.sam)
    client.post(f"/campaigns/{campaign.pk}/edit/", {"name": "再改", "kind": "free_inspection"})
    assert Campaign.objects.get().name == "夏季檢測"
