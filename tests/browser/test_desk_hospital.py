"""The hospital side of the desk in a real browser: the coordinator's inbox, the
schedule and the expert's opinion editor with signing.

Steps a test is not about (the clinic's referral, the decision that puts an expert on
a case) go through the REST API, as the other side's browser would have sent them.
Each test closes its pages: the server's shutdown would otherwise wait on their sockets.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.async_api import Browser, expect

from tests.support.accounts import DevAccount, access_token, api_call, refer_from_dev_doctor
from tests.support.server import RunningServer

from .desk_page import DeskPage

Accounts = dict[str, DevAccount]

SUMMARY = "患者男，67岁，咳嗽两月，胸部CT示右肺上叶结节，多学科讨论考虑恶性可能。"
DIAGNOSIS = "右肺上叶结节，考虑周围型肺癌可能性大（cT1bN0M0）。"
RECOMMENDATIONS = "建议CT引导下经皮肺穿刺活检明确病理；完善PET-CT分期后再议手术。"


async def refer(server: RunningServer, accounts: Accounts) -> str:
    """A referral from dev-doctor's village clinic asking for dev-expert1; its id."""
    return str((await refer_from_dev_doctor(server, accounts))["id"])


async def case_in_consultation(server: RunningServer, accounts: Accounts) -> str:
    """A referral accepted with dev-expert1 for tomorrow, its consultation created."""
    case_id = await refer(server, accounts)
    token = await access_token(server, accounts["dev-coordinator"])
    when = (datetime.now().astimezone() + timedelta(days=1)).replace(microsecond=0)
    acceptance = {
        "expert_ids": [accounts["dev-expert1"].account_id],
        "scheduled_at": when.isoformat(),
    }
    await api_call(server, token, "POST", f"/api/referrals/{case_id}/accept", acceptance)
    await api_call(server, token, "POST", f"/api/referrals/{case_id}/consultation")
    return case_id


async def test_a_referral_appears_live_is_refused_an_empty_decline_and_once_accepted_is_scheduled(
    browser: Browser, server: RunningServer, dev_accounts: Accounts
) -> None:
    desk = await DeskPage.log_in(browser, server, dev_accounts, "dev-coordinator")
    page = desk.page
    await desk.goto("/inbox")
    await expect(page.get_by_test_id("inbox")).to_have_attribute("data-loaded", "true")
    await expect(page.get_by_test_id("inbox-empty")).to_be_visible()

    # It arrives without a reload, saying who sends it, for whom and whom they ask for.
    case_id = await refer(server, dev_accounts)
    item = page.get_by_test_id("inbox-pending").locator(f"[data-case-id='{case_id}']")
    await expect(item).to_contain_text("青山村卫生室")
    await expect(item).to_contain_text("张三")
    await expect(item).to_contain_text("男")
    await expect(item).to_contain_text("咳嗽、咳痰2月")
    await expect(item).to_contain_text("李明")
    await item.click()
    detail = page.get_by_test_id("inbox-detail")
    await expect(detail).to_contain_text("右肺上叶结节性质待定")
    await expect(detail).to_contain_text("明确诊断并制定治疗方案")

    # Declining without a reason: a hint, and the server's refusal in words.
    await page.get_by_test_id("decision-decline").click()
    refusal = page.get_by_test_id("decision-refusal")
    await expect(refusal).to_have_attribute("data-code", "field-required")
    await expect(refusal).to_contain_text("拒绝理由")
    await expect(page.get_by_test_id("decline-hint")).to_be_visible()
    token = await access_token(server, dev_accounts["dev-coordinator"])
    referral = await api_call(server, token, "GET", f"/api/referrals/{case_id}")
    assert referral["status"] == "submitted"

    # Accepting with the requested expert (ticked already) at a time of our choosing.
    expert1 = dev_accounts["dev-expert1"]
    await expect(
        page.locator(f"[data-testid=decision-expert][data-expert-id='{expert1.account_id}']")
    ).to_be_checked()
    when = (datetime.now() + timedelta(days=2)).replace(hour=9, minute=30, second=0)
    await page.get_by_test_id("decision-time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_test_id("decision-accept").click()
    decided = page.get_by_test_id("inbox-decided").locator(f"[data-case-id='{case_id}']")
    await expect(decided).to_have_attribute("data-status", "accepted")
    await expect(item).to_have_count(0)
    referral = await api_call(server, token, "GET", f"/api/referrals/{case_id}")
    assert referral["assigned_expert_ids"] == [expert1.account_id]
    assert referral["scheduled_at_ms"] == int(when.replace(microsecond=0).timestamp()) * 1000

    # The schedule lists it at its time under its day; the coordinator creates the call,
    # and entering it before the patient's consent is recorded is refused in words.
    await desk.goto("/schedule")
    row = page.locator(f"[data-testid=schedule-item][data-case-id='{case_id}']")
    await expect(row.get_by_test_id("schedule-time")).to_have_text("09:30")
    await expect(row).to_contain_text("李明")
    await expect(row).to_contain_text("60 分钟")
    day = page.locator(f"[data-testid=schedule-day][data-day='{when:%Y-%m-%d}']")
    await expect(day.locator(f"[data-case-id='{case_id}']")).to_have_count(1)
    await row.get_by_test_id("schedule-create").click()
    await expect(row).to_have_attribute("data-status", "in-consultation")
    await row.get_by_test_id("schedule-join").click()
    refused = row.get_by_test_id("schedule-refusal")
    await expect(refused).to_have_attribute("data-code", "consultation-consent-missing")
    await expect(refused).to_contain_text("知情同意")
    assert desk.page_errors == []
    await desk.close()


async def test_an_expert_saves_a_chinese_draft_signs_it_and_the_page_freezes_verified(
    browser: Browser, server: RunningServer, dev_accounts: Accounts
) -> None:
    case_id = await case_in_consultation(server, dev_accounts)
    desk = await DeskPage.log_in(browser, server, dev_accounts, "dev-expert1")
    page = desk.page
    await desk.goto(f"/cases/{case_id}/opinion")
    editor = page.get_by_test_id("opinion-editor")
    await expect(editor).to_have_attribute("data-state", "draft")
    saved_at = page.get_by_test_id("opinion-saved-at")
    await expect(saved_at).to_have_text("尚未保存")

    await page.get_by_test_id("opinion-summary").fill(SUMMARY)
    await page.get_by_test_id("opinion-diagnosis").fill(DIAGNOSIS)
    await page.get_by_test_id("opinion-recommendations").fill(RECOMMENDATIONS)
    await expect(saved_at).to_have_text("有未保存的修改")
    await page.get_by_test_id("opinion-save").click()
    await expect(saved_at).to_contain_text("已保存于")

    # A reload keeps the login and shows the saved draft.
    await page.reload()
    await expect(editor).to_have_attribute("data-state", "draft")
    await expect(page.get_by_test_id("opinion-diagnosis")).to_have_value(DIAGNOSIS)
    await expect(page.get_by_test_id("opinion-summary")).to_have_value(SUMMARY)
    await expect(saved_at).to_contain_text("已保存于")

    # Signing asks first, saying the text will be frozen; cancelling changes nothing.
    await page.get_by_test_id("opinion-sign").click()
    confirm = page.get_by_test_id("opinion-confirm")
    await expect(confirm).to_contain_text("冻结")
    await page.get_by_test_id("opinion-cancel-sign").click()
    await expect(confirm).to_be_hidden()
    await page.get_by_test_id("opinion-sign").click()
    await page.get_by_test_id("opinion-confirm-sign").click()

    await expect(editor).to_have_attribute("data-state", "signed")
    await expect(page.get_by_test_id("opinion-diagnosis")).not_to_be_editable()
    await expect(page.get_by_test_id("opinion-diagnosis")).to_have_value(DIAGNOSIS)
    await expect(page.get_by_test_id("opinion-save")).to_have_count(0)
    verification = page.get_by_test_id("opinion-verification")
    await expect(verification).to_have_attribute("data-ok", "true")
    await expect(verification).to_contain_text("签名验证通过")
    await expect(page.get_by_test_id("opinion-signer")).to_have_text("李明")
    await expect(page.get_by_test_id("opinion-signer-title")).to_have_text("主任医师")
    await expect(page.get_by_test_id("opinion-algorithm")).not_to_be_empty()
    await expect(page.get_by_test_id("opinion-manifests")).to_contain_text("没有录像")

    token = await access_token(server, dev_accounts["dev-expert1"])
    opinion = await api_call(server, token, "GET", f"/api/referrals/{case_id}/opinion")
    assert opinion["status"] == "signed"
    assert opinion["content"]["summary"] == SUMMARY
    assert opinion["content"]["diagnosis"] == DIAGNOSIS
    assert opinion["content"]["recommendations"] == RECOMMENDATIONS
    assert opinion["signature"]["signer_name"] == "李明"
    key_id = opinion["signature"]["key_id"]
    await expect(page.get_by_test_id("opinion-key-id")).to_have_text(key_id)
    assert desk.page_errors == []
    await desk.close()


async def test_an_expert_not_assigned_and_a_coordinator_get_a_refusal_and_no_text(
    browser: Browser, server: RunningServer, dev_accounts: Accounts
) -> None:
    case_id = await case_in_consultation(server, dev_accounts)
    token = await access_token(server, dev_accounts["dev-expert1"])
    draft = {"diagnosis": DIAGNOSIS, "recommendations": RECOMMENDATIONS}
    await api_call(server, token, "PUT", f"/api/referrals/{case_id}/opinion", draft)

    outsider = await DeskPage.log_in(browser, server, dev_accounts, "dev-expert2")
    await outsider.goto(f"/cases/{case_id}/opinion")
    page = outsider.page
    await expect(page.get_by_test_id("opinion-editor")).to_have_attribute("data-state", "refused")
    refusal = page.get_by_test_id("opinion-refusal")
    await expect(refusal).to_have_attribute("data-code", "referral-not-found")
    await expect(refusal).to_contain_text("不是此病例的会诊专家")
    await expect(page.locator("textarea")).to_have_count(0)
    assert DIAGNOSIS not in await page.content()

    coordinator = await DeskPage.log_in(browser, server, dev_accounts, "dev-coordinator")
    await coordinator.goto(f"/cases/{case_id}/opinion")
    refusal = coordinator.page.get_by_test_id("opinion-refusal")
    await expect(refusal).to_have_attribute("data-code", "not-expert")
    await expect(refusal).to_contain_text("只有会诊专家")
    assert DIAGNOSIS not in await coordinator.page.content()
    assert outsider.page_errors == coordinator.page_errors == []
    await outsider.close()
    await coordinator.close()


async def test_the_language_switch_turns_the_inbox_and_the_schedule_to_english(
    browser: Browser, server: RunningServer, dev_accounts: Accounts
) -> None:
    case_id = await refer(server, dev_accounts)
    desk = await DeskPage.log_in(browser, server, dev_accounts, "dev-coordinator")
    page = desk.page
    await desk.goto("/inbox")
    await page.locator(f"[data-testid=inbox-item][data-case-id='{case_id}']").click()
    await expect(page.get_by_test_id("decision-accept")).to_have_text("接受")
    await page.get_by_test_id("lang-toggle").click()
    inbox = page.get_by_test_id("inbox")
    await expect(inbox).to_contain_text("Referral inbox")
    await expect(page.get_by_test_id("decision-accept")).to_have_text("Accept")
    await expect(page.get_by_test_id("decision-decline")).to_have_text("Decline")
    await expect(page.get_by_test_id("inbox-detail")).to_contain_text("Chief complaint")
    await expect(page.get_by_test_id("inbox-detail")).to_contain_text("male")
    await expect(inbox).not_to_contain_text("待处理")
    await desk.goto("/schedule")
    await expect(page.get_by_test_id("schedule")).to_contain_text("Schedule")
    await expect(page.get_by_test_id("schedule-empty")).to_have_text("No consultations scheduled.")
    assert await desk.missing_strings() == []
    assert desk.page_errors == []
    await desk.close()
