"""Batches of campaign letters: drawn by the worker with progress, downloaded by the branch,
recorded as posted in one go (DS-9 lines without gaps, DS-7L fulfilled) or not at all."""

import io

import pytest
from django.test import override_settings
from django.utils import translation
from docx import Document

from aftercare.errors import Conflict, InvalidInput
from aftercare.followups.actions import record_call
from aftercare.obligations.models import Obligation
from aftercare.outreach import actions
from aftercare.outreach.models import Letter, LetterBatch
from aftercare.outreach.targets import TargetFilters
from tests.factories import CustomerFactory
from tests.obligations.helpers import at, end

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def customer(desk, name, **extra):
    defaults = {"branch": desk.branch_a, "followup_advisor": desk.alice,
                "address": f"北京市朝陽區{name}路一號", "prefers_letters": True}  # fmt: skip
    return CustomerFactory(name=name, **{**defaults, **extra})


def scheduled(desk, customers):
    campaign = actions.create_campaign(
        by=desk.sam, branch=desk.branch_a, name="春季免費檢測", kind="free_inspection",
        content="免費檢測二十項", starts_at=at(2026, 5, 20, 9, 0), ends_at=at(2026, 5, 24, 17, 0),
        address="北區店", filters=TargetFilters(customer_ids=[c.pk for c in customers]),
    )  # fmt: skip
    return actions.schedule_campaign(campaign, by=desk.sam, at=at(2026, 4, 1, 10, 0))


def reached(desk, who, campaign, moment):
    record_call(who, by=desk.alice, direction="out", purpose="campaign_notice", at=moment,
                reached=True, campaign=campaign)  # fmt: skip


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Runs the tasks a request enqueues once its transaction commits, as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def file_of(client, batch, name):
    response = client.get(f"/campaigns/{batch.campaign_id}/batches/{batch.pk}/{name}/")
    assert response.status_code == 200, response
    return response, b"".join(response.streaming_content)


def test_the_page_polls_the_batch_until_its_files_are_ready(desk, client):
    people = [customer(desk, f"客戶{n:03d}") for n in range(3)]
    campaign = scheduled(desk, people)
    client.force_login(desk.alice)
    with override_settings(TASKS=DUMMY_TASKS):  # the worker has not picked it up yet
        client.post(f"/campaigns/{campaign.pk}/batches/", {"who": "all"})
    batch = LetterBatch.objects.get()
    assert (batch.status, batch.total, batch.kind) == ("waiting", 3, "invitation")
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert f'hx-get="/campaigns/{campaign.pk}/batches/{batch.pk}/"' in page and "0 %" in page
    assert client.get(f"/campaigns/{campaign.pk}/batches/{batch.pk}/docx/").status_code == 404

    assert actions.run_letter_batch(batch.pk) == "done"
    assert actions.run_letter_batch(batch.pk) == "skipped"  # a retried task draws nothing twice

    part = client.get(f"/campaigns/{campaign.pk}/batches/{batch.pk}/", HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert "100 %" in html and "hx-get" not in html  # done: the polling stops
    assert f"batches/{batch.pk}/pdf/" in html and "Record the 3 letters as posted" in html
    response, content = file_of(client, batch, "docx")
    assert response["Content-Disposition"].startswith("attachment")
    names = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert {"客戶000", "客戶001", "客戶002"} <= set(names)


def test_a_big_batch_is_drawn_in_chunks_into_one_docx_and_one_pdf(desk, client, pdf_text, worker):
    """200 letters: two chunks (192 + 8) joined into one file each, a page per letter."""
    people = [customer(desk, f"客戶{n:03d}") for n in range(200)]
    campaign = scheduled(desk, people)
    client.force_login(desk.alice)
    with worker():
        client.post(f"/campaigns/{campaign.pk}/batches/", {"who": "all"})
    batch = LetterBatch.objects.get()
    assert (batch.status, batch.percent, batch.files["pdf"]) == ("done", 100, "letters.pdf")

    _response, content = file_of(client, batch, "docx")
    document = Document(io.BytesIO(content))
    firsts = [p for p in document.paragraphs if p.text.startswith("北豐汽車 · ")]
    assert len(firsts) == 200
    assert [p.paragraph_format.page_break_before for p in firsts[:2]] == [None, True]
    assert all(p.paragraph_format.page_break_before for p in firsts[1:])
    names = [p.text for p in document.paragraphs if p.text.startswith("客戶")]
    assert names == [f"客戶{n:03d}" for n in range(200)]  # in name order across the chunks

    _response, content = file_of(client, batch, "pdf")
    text = pdf_text(content)
    assert text.count("\f") == 200
    assert "客戶000" in text and "客戶199" in text and "免費檢測二十項" in text
    _response, labels = file_of(client, batch, "labels")
    assert pdf_text(labels).count("\f") == 9  # 8 full sheets of 24 and one of 8


def test_batch_files_are_for_the_campaigns_branch_only(desk, client, worker):
    campaign = scheduled(desk, [customer(desk, "王小明")])
    client.force_login(desk.alice)
    with worker():
        client.post(f"/campaigns/{campaign.pk}/batches/", {"who": "all"})
    batch = LetterBatch.objects.get()
    client.force_login(desk.carol)
    for path in ("", "docx/", "pdf/", "labels/"):
        url = f"/campaigns/{campaign.pk}/batches/{batch.pk}/{path}"
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert client.post(f"/campaigns/{campaign.pk}/batches/", {"who": "all"}).status_code == 404
    client.force_login(desk.ada)  # the administrator sees the organisation
    assert client.get(f"/campaigns/{campaign.pk}/batches/{batch.pk}/pdf/").status_code == 200


def test_no_batch_of_letters_owed_when_nobody_owes_one(desk):
    campaign = scheduled(desk, [customer(desk, "王小明")])
    with pytest.raises(InvalidInput) as refused:
        actions.request_letter_batch(campaign, by=desk.alice, who="due")
    assert "No customer is owed a letter" in str(refused.value.message)
    assert not LetterBatch.objects.exists()


def test_a_batch_that_cannot_be_written_says_it_failed(desk, client, settings, tmp_path, worker):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker  # the batch folder cannot be made under a file
    campaign = scheduled(desk, [customer(desk, "王小明")])
    client.force_login(desk.alice)
    with worker():
        client.post(f"/campaigns/{campaign.pk}/batches/", {"who": "all"})
    batch = LetterBatch.objects.get()
    assert batch.status == "failed" and batch.failure
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "The letters could not be prepared" in page


def owed_batch(desk):
    """Three customers owed a letter: reached on 5 May (due 7 May) and on 4 May (due 6 May)."""
    wang, li, zhang = (customer(desk, n) for n in ("王小明", "李四", "張三"))
    campaign = scheduled(desk, [wang, li, zhang])
    reached(desk, wang, campaign, at(2026, 5, 5, 15, 0))
    reached(desk, li, campaign, at(2026, 5, 5, 16, 0))
    reached(desk, zhang, campaign, at(2026, 5, 4, 9, 30))
    batch = actions.request_letter_batch(campaign, by=desk.alice, who="due")
    actions.run_letter_batch(batch.pk)
    batch.refresh_from_db()
    return campaign, batch, (wang, li, zhang)


def test_recording_the_batch_numbers_the_register_without_gaps_and_fulfils_ds7l(desk):
    campaign, batch, (wang, li, zhang) = owed_batch(desk)
    other = customer(desk, "單封")
    single_campaign = scheduled(desk, [other])
    single = actions.record_letter(other, by=desk.bob, kind="invitation",
                                   at=at(2026, 5, 6, 9, 0), campaign=single_campaign)  # fmt: skip
    assert single.register_number == "A-L-2026-000001"

    actions.record_batch_sent(batch, by=desk.alice, at=at(2026, 5, 7, 16, 0))

    lines = list(Letter.objects.filter(campaign=campaign).order_by("register_number"))
    # Consecutive after the single letter, in the batch's order (by name: 張 < 李 < 王).
    assert [line.register_number for line in lines] == [
        "A-L-2026-000002", "A-L-2026-000003", "A-L-2026-000004",
    ]  # fmt: skip
    assert [line.customer for line in lines] == [zhang, li, wang]
    assert {(line.kind, line.sent_at, line.sent_by) for line in lines} == {
        ("notice", at(2026, 5, 7, 16, 0), desk.alice)
    }
    assert lines[0].address == lines[0].customer.address and "春季免費檢測" in lines[0].subject
    letters_due = {o.customer: o for o in Obligation.objects.filter(rule="DS-7L")}
    assert letters_due[wang].due_at == end(2026, 5, 7)
    assert letters_due[zhang].due_at == end(2026, 5, 6)
    assert {o.done_at for o in letters_due.values()} == {at(2026, 5, 7, 16, 0)}
    assert letters_due[wang].status_at() == "done_on_time"
    assert letters_due[li].status_at() == "done_on_time"
    assert letters_due[zhang].status_at() == "done_late"
    assert {o.outcome for o in letters_due.values()} == {line.register_number for line in lines}
    assert set(campaign.targets.values_list("letter_sent_at", flat=True)) == {at(2026, 5, 7, 16, 0)}
    batch.refresh_from_db()
    assert (batch.recorded_at, batch.recorded_by) == (at(2026, 5, 7, 16, 0), desk.alice)
    with pytest.raises(Conflict):
        actions.record_batch_sent(batch, by=desk.alice, at=at(2026, 5, 7, 17, 0))
    assert Letter.objects.count() == 4


def test_targets_without_an_address_are_left_out_and_the_rest_recorded(desk):
    """Issue 10: two missing addresses blocked 22 good letters, whose labels printed anyway."""
    wang, li, zhang = (customer(desk, n) for n in ("王小明", "李四", "張三"))
    li.address = "  "
    li.save()
    campaign = scheduled(desk, [wang, li, zhang])
    for person, hour in ((wang, 15), (li, 16), (zhang, 17)):
        reached(desk, person, campaign, at(2026, 5, 5, hour, 0))
    batch = actions.request_letter_batch(campaign, by=desk.alice, who="due")
    assert (batch.total, batch.without_address) == (2, 1)
    assert set(batch.customer_ids) == {wang.pk, zhang.pk}  # no letter and no label for 李四
    assert [c.name for c in batch.skipped_customers()] == ["李四"]
    actions.run_letter_batch(batch.pk)
    batch.refresh_from_db()
    wang.address = ""  # gone after the letters were drawn: its line cannot be written either
    wang.save()

    batch = actions.record_batch_sent(batch, by=desk.alice, at=at(2026, 5, 7, 16, 0))

    assert list(Letter.objects.values_list("customer__name", flat=True)) == ["張三"]
    assert batch.recorded_count == 1
    assert [c.name for c in batch.skipped_customers()] == ["李四", "王小明"]
    pending = Obligation.objects.pending().filter(rule="DS-7L")
    assert sorted(pending.values_list("customer__name", flat=True)) == ["李四", "王小明"]


def test_a_batch_where_nobody_has_an_address_is_refused(desk):
    wang = customer(desk, "王小明", address="")
    campaign = scheduled(desk, [wang])
    reached(desk, wang, campaign, at(2026, 5, 5, 15, 0))
    with pytest.raises(InvalidInput) as refused:
        actions.request_letter_batch(campaign, by=desk.alice, who="due")
    assert "None of these customers has a postal address" in str(refused.value.message)
    assert not LetterBatch.objects.exists()


def test_a_batch_posted_in_the_future_is_refused(desk):
    _campaign, batch, _people = owed_batch(desk)
    with pytest.raises(InvalidInput) as refused:
        actions.record_batch_sent(batch, by=desk.alice, at=at(2099, 1, 1, 0, 0))
    assert "sent_at" in refused.value.fields
    assert not Letter.objects.exists()
    assert Obligation.objects.pending().filter(rule="DS-7L").count() == 3


def test_record_the_batch_on_the_campaign_page(desk, client):
    campaign, batch, _people = owed_batch(desk)
    client.force_login(desk.bob)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "Record the 3 letters as posted" in page
    response = client.post(f"/campaigns/{campaign.pk}/batches/{batch.pk}/sent/",
                           {f"b{batch.pk}-sent_at": "2026-05-07T16:00"}, follow=True)  # fmt: skip
    assert "3 letters are on the register." in response.content.decode()
    assert Letter.objects.filter(sent_at=at(2026, 5, 7, 16, 0), sent_by=desk.bob).count() == 3
    assert "Recorded as posted 2026-05-07 16:00" in response.content.decode()


def test_the_page_lists_who_was_left_out_with_a_link_to_fix_the_address(desk, client):
    campaign, batch, (wang, _li, _zhang) = owed_batch(desk)
    wang.address = ""
    wang.save()
    client.force_login(desk.bob)
    response = client.post(f"/campaigns/{campaign.pk}/batches/{batch.pk}/sent/",
                           {f"b{batch.pk}-sent_at": "2026-05-07T16:00"}, follow=True)  # fmt: skip
    html = response.content.decode()
    assert "2 letters are on the register." in html
    assert "One customer has no postal address on file" in html
    assert f'href="/customers/{wang.pk}/edit/">王小明</a>' in html
    assert Letter.objects.count() == 2


def test_a_big_batch_is_recorded_by_the_worker(desk, client, monkeypatch):
    monkeypatch.setattr(actions, "RECORD_IN_REQUEST_LIMIT", 2)  # three letters count as big
    campaign, batch, _people = owed_batch(desk)
    client.force_login(desk.bob)
    url = f"/campaigns/{campaign.pk}/batches/{batch.pk}/sent/"
    with override_settings(TASKS=DUMMY_TASKS):  # asked for; the worker has not run yet
        response = client.post(url, {f"b{batch.pk}-sent_at": "2026-05-07T16:00"}, follow=True)
    html = response.content.decode()
    assert "being recorded in the background" in html and "Recording the 3 letters" in html
    assert not Letter.objects.exists()
    with pytest.raises(Conflict):  # not twice while the worker is at it
        actions.request_record_batch(batch, by=desk.bob, at=at(2026, 5, 7, 16, 0))

    assert actions.run_record_batch(batch.pk) == "done"
    assert actions.run_record_batch(batch.pk) == "skipped"

    numbers = list(Letter.objects.order_by("register_number").values_list("register_number",
                                                                          flat=True))  # fmt: skip
    assert numbers == ["A-L-2026-000001", "A-L-2026-000002", "A-L-2026-000003"]
    assert set(Letter.objects.values_list("sent_at", "sent_by")) == {(at(2026, 5, 7, 16, 0),
                                                                      desk.bob.pk)}  # fmt: skip
    assert not Obligation.objects.pending().filter(rule="DS-7L").exists()


def test_a_big_batch_refused_by_the_worker_writes_nothing_and_says_why(desk, client, monkeypatch):
    monkeypatch.setattr(actions, "RECORD_IN_REQUEST_LIMIT", 2)
    campaign, batch, people = owed_batch(desk)
    with override_settings(TASKS=DUMMY_TASKS):
        actions.request_record_batch(batch, by=desk.bob, at=at(2026, 5, 7, 16, 0))
    for person in people:  # every address went missing before the worker got to it
        person.address = ""
        person.save()

    assert actions.run_record_batch(batch.pk) == "failed"

    assert not Letter.objects.exists()
    assert Obligation.objects.pending().filter(rule="DS-7L").count() == 3
    client.force_login(desk.bob)
    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    # The worker words the refusal in the language of whoever asked (English here).
    assert "None of these customers has a postal address on file. Nothing was recorded." in html
    assert "Record the 3 letters as posted" in html  # once the addresses are added, again


def test_the_workers_refusal_speaks_the_language_of_whoever_asked(desk, monkeypatch):
    monkeypatch.setattr(actions, "RECORD_IN_REQUEST_LIMIT", 2)
    _campaign, batch, people = owed_batch(desk)
    with override_settings(TASKS=DUMMY_TASKS), translation.override("zh-hans"):
        actions.request_record_batch(batch, by=desk.bob, at=at(2026, 5, 7, 16, 0))
    for person in people:
        person.address = ""
        person.save()
    with translation.override("en"):  # the worker runs in whatever language it was started
        assert actions.run_record_batch(batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.record_failure == "这些客户的档案中都没有邮寄地址。未登记任何信函。"
