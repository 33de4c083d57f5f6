"""The inviting clinic's pages and the case view in Chromium: the referral form (required
hints, a server refusal shown at its field), attachments and both consents, the case
list; joining an accepted case's consultation, the signed opinion arriving live with its
verification, the PDF export; a case out of reach reads as not found; both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, expect

from rooms import Role
from tests.browser.desk_page import DeskPage
from tests.imaging.phantom import make_phantom, write_series, zipped
from tests.support.accounts import DevAccount, access_token, api_call, refer_from_dev_doctor
from tests.support.server import RunningServer

CONSENT_FORM = b"%PDF-1.4\n% scanned consent form\n1 0 obj <<>> endobj\n%%EOF\n"


def field(page: Page, name: str) -> Any:
    """The control of the form field ``name`` (the server's field path)."""
    return page.locator(f'[data-field="{name}"]').locator("input, select, textarea").first


async def accepted_referral(
    server: RunningServer, accounts: dict[str, DevAccount]
) -> tuple[str, dict[str, str]]:
    """A case from dev-doctor with the patient's consent to the consultation, accepted for
    dev-expert1: its id and the access tokens used."""
    doctor, coordinator = accounts["dev-doctor"], accounts["dev-coordinator"]
    expert = accounts["dev-expert1"]
    tokens = {a.login: await access_token(server, a) for a in (doctor, coordinator, expert)}
    created = await refer_from_dev_doctor(server, accounts)
    base = f"/api/referrals/{created['id']}"
    consent = {
        "kind": "consultation",
        "given_by": "patient",
        "giver_name": "张三",
        "method": "written-form",
        "obtained_at": "2026-03-02T15:30:00+08:00",
    }
    await api_call(server, tokens["dev-doctor"], "POST", f"{base}/consents", consent)
    await api_call(
        server,
        tokens["dev-coordinator"],
        "POST",
        f"{base}/accept",
        {"expert_ids": [expert.account_id], "scheduled_at": "2026-12-03T09:00:00+08:00"},
    )
    return created["id"], tokens


async def test_the_doctor_refers_a_patient_adds_a_pdf_and_both_consents(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    desk = await DeskPage.log_in(browser, server, dev_accounts, "dev-doctor")
    page = desk.page
    # The inviting doctor's desk opens on the (empty) case list.
    await expect(page.get_by_test_id("case-list-empty")).to_have_text("暂无会诊病例。")
    await page.get_by_test_id("new-referral").click()
    form = page.get_by_test_id("referral-form")
    await form.wait_for()

    # Nothing filled: every required field says so, and nothing is sent.
    await page.get_by_test_id("referral-submit").click()
    await expect(page.get_by_test_id("field-error-patient.name")).to_have_text("此项为必填项。")
    await expect(page.get_by_test_id("field-error-requested_specialties")).to_be_visible()
    await expect(page.get_by_test_id("referral-error")).to_contain_text("还有必填项未填写")

    # Only other institutions may be invited; the hospital's experts appear once chosen.
    institution = field(page, "to_institution_id")
    options = await institution.locator("option").all_inner_texts()
    assert "青山村卫生室" not in options and "省第一人民医院" in options
    await institution.select_option(label="省第一人民医院")
    expert = page.get_by_test_id("expert-choices").locator("label", has_text="李明")
    await expert.locator("input").check()
    await page.get_by_test_id("specialty-choices").locator("label", has_text="医学影像科").click()
    await field(page, "patient.name").fill("赵小红")
    await field(page, "patient.sex").select_option("female")
    await field(page, "patient.birth_date").fill("2099-01-01")  # the server refuses this
    await field(page, "patient.id_number").fill("110101196203150026")
    await field(page, "chief_complaint").fill("反复胸闷气短3月")
    await field(page, "summary").fill("女，63岁，胸闷气短3月，胸部CT示双肺磨玻璃影。")
    await field(page, "history").fill("糖尿病5年")
    await field(page, "reason").fill("双肺病变性质待定")
    await field(page, "purpose").fill("明确诊断，指导治疗")
    await field(page, "requested_title").select_option("主任医师")
    await field(page, "proposed_at").fill("2026-12-03T09:30")
    await page.get_by_test_id("referral-submit").click()
    birth_error = page.get_by_test_id("field-error-patient.birth_date")
    await expect(birth_error).to_have_text("出生日期晚于今天")
    await expect(page.locator('[data-field="patient.name"]')).not_to_have_attribute(
        "data-invalid", "true"
    )
    await expect(page.get_by_test_id("referral-error")).to_contain_text("请修改标红的项目")

    await field(page, "patient.birth_date").fill("1962-03-15")
    await page.get_by_test_id("referral-submit").click()
    view = page.get_by_test_id("case-view")
    await view.wait_for()
    case_id = await view.get_attribute("data-case-id")
    assert case_id and page.url.endswith(f"/#/cases/{case_id}")
    await expect(page.get_by_test_id("case-title")).to_contain_text("赵小红")
    await expect(page.get_by_test_id("case-status").first).to_have_text("待受理")
    clinical = page.get_by_test_id("case-clinical")
    await expect(clinical).to_contain_text("反复胸闷气短3月")
    await expect(clinical).to_contain_text("李明（主任医师 · 呼吸内科）")
    await expect(clinical).to_contain_text("医学影像科")
    await expect(page.get_by_test_id("case-patient")).to_contain_text("110101196203150026")
    await expect(page.get_by_test_id("case-history")).to_contain_text("王建国")
    # Nothing to join yet; the doctor may not create the consultation.
    assert await page.get_by_test_id("join-consultation").count() == 0
    assert await page.get_by_test_id("create-consultation").count() == 0

    # A PDF attachment.
    await page.get_by_test_id("attachment-file").set_input_files(
        files=[{"name": "知情同意书.pdf", "mimeType": "application/pdf", "buffer": CONSENT_FORM}]
    )
    await page.get_by_test_id("attachment-upload").click()
    attachment = page.get_by_test_id("attachment")
    await expect(attachment).to_have_attribute("data-kind", "pdf")
    await expect(attachment).to_contain_text("知情同意书.pdf")

    # Both consents, separately; the first with the scanned form.
    await page.get_by_test_id("consent-toggle-consultation").click()
    consent_form = page.get_by_test_id("consent-form-consultation")
    await consent_form.locator('[data-field="giver_name"] input').fill("赵小红")
    await consent_form.locator('[data-field="method"] select').select_option("written-form")
    await consent_form.locator('[data-field="form_attachment_id"] select').select_option(
        label="知情同意书.pdf"
    )
    await consent_form.get_by_test_id("consent-submit").click()
    recorded = page.locator('[data-testid="consent"][data-kind="consultation"]')
    await expect(recorded).to_have_attribute("data-recorded", "true")
    await expect(recorded).to_contain_text("书面签字")
    await expect(recorded).to_contain_text("知情同意书.pdf")
    await expect(consent_form).to_be_hidden()

    await page.get_by_test_id("consent-toggle-recording").click()
    recording_form = page.get_by_test_id("consent-form-recording")
    await recording_form.locator('[data-field="given_by"] select').select_option("close-relative")
    await recording_form.locator('[data-field="giver_name"] input').fill("李大军")
    await recording_form.locator('[data-field="method"] select').select_option("verbal-witnessed")
    await recording_form.locator('[data-field="note"] textarea').fill("见证人：护士周丽")
    await recording_form.get_by_test_id("consent-submit").click()
    second = page.locator('[data-testid="consent"][data-kind="recording"]')
    await expect(second).to_have_attribute("data-recorded", "true")
    await expect(second).to_contain_text("近亲属 李大军")
    consents = await desk.api("GET", f"/api/referrals/{case_id}/consents")
    assert sorted(c["kind"] for c in consents["consents"]) == ["consultation", "recording"]

    # The list shows the case; a row opens it.
    await page.get_by_test_id("nav-cases").click()
    row = page.locator(f'[data-testid="case-row"][data-case-id="{case_id}"]')
    await expect(row).to_contain_text("赵小红")
    await expect(row).to_contain_text("待受理")
    await expect(row).to_contain_text("省第一人民医院")
    await row.click()
    await expect(page.get_by_test_id("case-title")).to_contain_text("赵小红")

    # English, without a reload.
    await page.get_by_test_id("lang-toggle").click()
    await expect(page.get_by_test_id("case-status").first).to_have_text("Awaiting decision")
    await expect(page.get_by_test_id("attachments")).to_contain_text("Attachments")
    await expect(recorded).to_contain_text("Signed paper form")
    await page.get_by_test_id("nav-cases").click()
    await expect(row).to_contain_text("Awaiting decision")
    # Every string of these pages in both languages, none redefining another page's.
    assert await desk.missing_strings() == []
    assert desk.page_errors == []
    await desk.close()


async def test_join_then_the_signed_opinion_arrives_verified_and_the_pdf_downloads(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    case_id, tokens = await accepted_referral(server, dev_accounts)
    doctor = dev_accounts["dev-doctor"]
    desk = await DeskPage.log_in(browser, server, dev_accounts, "dev-doctor")
    page = desk.page
    row = page.locator(f'[data-testid="case-row"][data-case-id="{case_id}"]')
    await expect(row).to_contain_text("已接受")

    # The coordinator creates the consultation from the case view; the doctor's list
    # follows live.
    hospital = await DeskPage.log_in(browser, server, dev_accounts, "dev-coordinator")
    await hospital.goto(f"/cases/{case_id}")
    await hospital.page.get_by_test_id("create-consultation").click()
    await expect(hospital.page.get_by_test_id("case-status").first).to_have_text("会诊中")
    assert hospital.page_errors == []
    await hospital.close()
    await expect(row).to_contain_text("会诊中")
    await row.click()
    await expect(page.get_by_test_id("case-status").first).to_have_text("会诊中")
    history = page.get_by_test_id("case-history")
    await expect(page.get_by_test_id("assigned-experts")).to_have_text(
        "李明（主任医师 · 呼吸内科）"
    )
    await expect(history).to_contain_text("刘敏")
    await expect(history).to_contain_text("会诊已创建")
    await expect(page.get_by_test_id("opinion-state")).to_have_attribute("data-state", "none")

    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    await page.get_by_test_id("join-consultation").click()
    await page.wait_for_url(f"{server.url}/join**")
    links = [url for url in visited if "/join#token=" in url]
    assert links, visited
    grant = server.authority.verify(links[0].split("#token=", 1)[1])
    referral = await api_call(server, tokens["dev-doctor"], "GET", f"/api/referrals/{case_id}")
    assert (grant.consultation_id, grant.participant_id, grant.role) == (
        referral["consultation_id"],
        doctor.account_id,
        Role.INVITING,
    )

    # Back at the desk (the login lasts in this tab), the expert signs: it arrives live.
    await page.goto(f"{server.url}/#/cases/{case_id}")
    await expect(page.get_by_test_id("case-status").first).to_have_text("会诊中")
    await page.locator('[data-testid="live-state"][data-connected="true"]').wait_for()
    base = f"/api/referrals/{case_id}"
    opinion = {
        "summary": "多学科讨论右肺上叶结节。",
        "imaging_review": "右肺上叶见1.8cm实性结节，边缘毛刺。",
        "diagnosis": "右肺上叶结节，考虑周围型肺癌可能。",
        "recommendations": "建议CT引导下穿刺活检，明确病理后制定治疗方案。",
    }
    await api_call(server, tokens["dev-expert1"], "PUT", f"{base}/opinion", opinion)
    await api_call(server, tokens["dev-expert1"], "POST", f"{base}/opinion/sign")
    signed = page.get_by_test_id("opinion")
    await expect(signed).to_contain_text("考虑周围型肺癌可能")
    await expect(signed).to_contain_text("李明")
    verification = page.get_by_test_id("opinion-verification")
    await expect(verification).to_have_attribute("data-ok", "true")
    await expect(verification).to_have_text("签名有效，意见未被改动")
    await expect(page.get_by_test_id("case-status").first).to_have_text("已完成")
    assert await page.get_by_test_id("join-consultation").count() == 0

    async with page.expect_download() as started:
        await page.get_by_test_id("export-pdf").click()
    download = await started.value
    assert download.suggested_filename == f"case-{case_id}.pdf"
    path = await download.path()
    assert path.read_bytes().startswith(b"%PDF")

    # The call is over; its record is not: a read-only review link opens the review page.
    await page.get_by_test_id("review-consultation").click()
    await page.wait_for_url(f"{server.url}/review**")
    await expect(page.get_by_test_id("review-empty")).to_have_text("本次会诊还没有录像。")
    reviewed = [url for url in visited if "/review#token=" in url]
    review_grant = server.authority.verify(reviewed[0].split("#token=", 1)[1], review_allowed=True)
    assert review_grant.review_only and review_grant.participant_id == doctor.account_id
    assert desk.page_errors == []
    await desk.close()


async def test_another_institutions_doctor_sees_not_found_in_either_language(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount]
) -> None:
    doctor = dev_accounts["dev-doctor"]
    created = await refer_from_dev_doctor(server, dev_accounts)
    admin_token = await access_token(server, dev_accounts["dev-admin"])
    institutions = await api_call(server, admin_token, "GET", "/api/institutions")
    county = next(i for i in institutions["institutions"] if i["level"] == "county-hospital")
    password = "county-doctor-password-1"
    other = await api_call(
        server,
        admin_token,
        "POST",
        "/api/accounts",
        {
            "login": "county-doctor",
            "password": password,
            "real_name": "周平",
            "role": "inviting-doctor",
            "title": "主治医师",
            "specialty": "内科",
            "institution_id": county["id"],
        },
    )
    accounts = {
        "county-doctor": DevAccount(
            "county-doctor",
            password,
            doctor.role,
            "周平",
            other["id"],
            county["id"],
        )
    }
    desk = await DeskPage.log_in(browser, server, accounts, "county-doctor")
    page = desk.page
    await expect(page.get_by_test_id("case-list-empty")).to_be_visible()
    await desk.goto(f"/cases/{created['id']}")
    missing = page.get_by_test_id("case-not-found")
    await expect(missing).to_contain_text("未找到该病例")
    await expect(page.get_by_test_id("desk-main")).not_to_contain_text("张三")
    assert await page.get_by_test_id("case-view").count() == 0
    await page.get_by_test_id("lang-toggle").click()
    await expect(missing).to_contain_text("Case not found")
    await expect(missing).to_contain_text("not one you may read")
    assert desk.page_errors == []
    await desk.close()


async def test_the_doctor_uploads_a_ct_series_as_a_zip_and_it_is_listed_as_a_ct_study(
    browser: Browser, server: RunningServer, dev_accounts: dict[str, DevAccount], tmp_path: Path
) -> None:
    phantom = make_phantom()
    series = zipped(write_series(tmp_path / "ct", phantom))
    case_id = (await refer_from_dev_doctor(server, dev_accounts))["id"]
    desk = await DeskPage.log_in(browser, server, dev_accounts, "dev-doctor")
    page = desk.page
    await desk.goto(f"/cases/{case_id}")
    await page.get_by_test_id("study-toggle").click()

    # A file that is not DICOM is refused in words, and nothing is attached.
    await page.get_by_test_id("study-file").set_input_files(
        files=[{"name": "胸部CT.dcm", "mimeType": "application/dicom", "buffer": CONSENT_FORM}]
    )
    await page.get_by_test_id("study-description").fill("胸部CT平扫")
    await page.get_by_test_id("study-upload").click()
    refusal = page.get_by_test_id("attachment-error")
    await expect(refusal).to_have_attribute("data-code", "not-dicom")
    await expect(refusal).to_contain_text("不是可读取的一组 CT 影像")
    await expect(page.get_by_test_id("attachment")).to_have_count(0)

    # The series as a zip: uploaded with its progress shown, then listed with its size.
    await page.get_by_test_id("study-file").set_input_files(
        files=[{"name": "胸部CT.zip", "mimeType": "application/zip", "buffer": series}]
    )
    await page.get_by_test_id("study-upload").click()
    study = page.get_by_test_id("attachment")
    await expect(study).to_have_attribute("data-kind", "ct-study")
    await expect(study).to_contain_text("CT 检查")
    await expect(study).to_contain_text("胸部CT平扫")
    await expect(study.get_by_test_id("attachment-meta")).to_contain_text("KB")
    await expect(study.get_by_test_id("attachment-download")).to_have_count(0)
    await expect(refusal).to_be_hidden()
    await expect(page.get_by_test_id("study-progress")).to_be_hidden()
    listed = await desk.api("GET", f"/api/referrals/{case_id}/attachments")
    (attachment,) = listed["attachments"]
    assert attachment["kind"] == "ct-study"
    assert attachment["study_id"] == phantom.series_uid
    assert attachment["size_bytes"] == len(series)
    assert desk.page_errors == []
    await desk.close()
