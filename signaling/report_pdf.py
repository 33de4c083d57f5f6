"""The printable case report: one PDF with the referral, decision, consents and the
signed opinion, in Chinese, for the paper record each party archives.

reportlab embeds a TrueType font subset, so the PDF shows (and yields back as text)
the Chinese whatever the reader has installed. reportlab reads TrueType outlines
only: Noto Sans CJK (CFF outlines) does not work; WenQuanYi Micro Hei (Debian
``fonts-wqy-microhei``) does, and is looked for first.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from rooms.case_record import CaseRecord
from rooms.consent import ConsentKind
from rooms.opinion import OpinionVerification
from rooms.recording import Manifest

from .errors import ConfigError

#: TrueType CJK fonts, by Debian package, in order of preference.
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # fonts-wqy-microhei
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # fonts-wqy-zenhei
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),  # fonts-arphic-uming
)
FONT_NAME = "MdtCjk"
#: The report shows times in China Standard Time, where both parties are.
CHINA_TIME = timezone(timedelta(hours=8), "CST")

_CONSENT_TITLES = {
    ConsentKind.CONSULTATION: "会诊知情同意 Consent to the consultation",
    ConsentKind.RECORDING: "录音录像知情同意 Consent to recording",
}


def find_cjk_font(candidates: Sequence[Path] = CJK_FONTS) -> Path:
    """The first installed CJK TrueType font, or :class:`ConfigError` naming the packages."""
    for path in candidates:
        if path.is_file():
            return path
    raise ConfigError(
        "no TrueType CJK font for PDF reports: install the Debian package fonts-wqy-microhei"
    )


def _register(font: Path) -> None:
    # A TTC holds several faces; the first is the regular one in each of CJK_FONTS.
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font), subfontIndex=0))


def _time(ms: int | None) -> str:
    if ms is None:
        return "—"
    return (
        datetime.fromtimestamp(ms / 1000, UTC)
        .astimezone(CHINA_TIME)
        .strftime("%Y-%m-%d %H:%M (UTC+8)")
    )


def _verdict(verification: OpinionVerification | None) -> str:
    if verification is None:
        return "未验证 not verified"
    if verification.ok:
        return "验证通过 verified"
    return "验证失败 FAILED: " + "; ".join(verification.problems)


class _Report:
    """The flowables of one report, with its styles."""

    def __init__(self) -> None:
        self.body = ParagraphStyle(
            "body", fontName=FONT_NAME, fontSize=10, leading=15, wordWrap="CJK"
        )
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4
        )
        self.title = ParagraphStyle(
            "title", parent=self.body, fontSize=18, leading=26, alignment=1, spaceAfter=8
        )
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7, leading=10)
        self.flow: list[Flowable] = []

    def para(self, text: str, style: ParagraphStyle | None = None) -> None:
        self.flow.append(Paragraph(escape(text).replace("\n", "<br/>"), style or self.body))

    def section(self, title: str) -> None:
        self.para(title, self.heading)

    def fields(self, rows: Sequence[tuple[str, str]]) -> None:
        table = Table(
            [
                [
                    Paragraph(escape(k), self.body),
                    Paragraph(escape(v).replace("\n", "<br/>"), self.body),
                ]
                for k, v in rows
            ],
            colWidths=[52 * mm, 118 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ]
            )
        )
        self.flow.append(table)
        self.flow.append(Spacer(1, 3 * mm))


def case_report_pdf(
    record: CaseRecord,
    manifests: Sequence[Manifest],
    verification: OpinionVerification | None,
    *,
    generated_at_ms: int,
    font: Path | None = None,
) -> bytes:
    """The case report as PDF bytes."""
    _register(font or find_cjk_font())
    referral, request = record.referral, record.referral.request
    patient = request.patient
    accounts = record.accounts

    def person(account_id: str | None) -> str:
        if account_id is None or account_id not in accounts:
            return "—"
        account = accounts[account_id]
        details = " ".join(x for x in (account.title, account.specialty) if x)
        return f"{account.real_name}（{details}）" if details else account.real_name

    report = _Report()
    report.para("远程会诊报告", report.title)
    report.para("Remote multidisciplinary consultation report", report.body)
    report.fields(
        [
            ("病例号 Case", referral.id),
            ("状态 Status", referral.status.value),
            ("生成时间 Generated", _time(generated_at_ms)),
            (
                "邀请方 Inviting",
                f"{record.from_institution.name}（{record.from_institution.level}）",
            ),
            ("受邀方 Invited", f"{record.to_institution.name}（{record.to_institution.level}）"),
        ]
    )
    report.section("患者信息 Patient")
    report.fields(
        [
            ("姓名 Name", patient.name),
            ("性别 Sex", patient.sex.value),
            ("出生日期 Birth date", patient.birth_date),
            ("证件号码 ID number", patient.id_number),
        ]
    )
    report.section("会诊邀请 Referral")
    asked = [*request.requested_specialties, *(person(e) for e in request.requested_expert_ids)]
    report.fields(
        [
            ("邀请医师 Referred by", person(referral.requested_by)),
            ("提交时间 Submitted", _time(referral.created_at_ms)),
            ("邀请事由 Reason", request.reason),
            ("会诊目的 Purpose", request.purpose),
            ("主诉 Chief complaint", request.chief_complaint),
            ("病历摘要 Summary", request.summary),
            ("病史 History", request.history or "—"),
            ("拟邀专业/专家 Requested", "、".join(asked) or "—"),
            ("拟邀职称 Title", request.requested_title or "—"),
            ("拟定时间 Proposed", _time(request.proposed_at_ms)),
        ]
    )
    report.section("受邀方决定 Decision")
    decision = [
        ("决定人 Decided by", person(referral.decided_by)),
        ("决定时间 Decided", _time(referral.decided_at_ms)),
    ]
    if referral.decline_reason:
        decision.append(("拒绝理由 Reason for declining", referral.decline_reason))
    else:
        decision += [
            ("会诊专家 Experts", "\n".join(person(e) for e in referral.assigned_expert_ids) or "—"),
            ("会诊时间 Scheduled", _time(referral.scheduled_at_ms)),
            ("会诊编号 Consultation", referral.consultation_id or "—"),
        ]
    report.fields(decision)
    report.section("知情同意 Informed consent")
    for kind, title in _CONSENT_TITLES.items():
        consent = record.consent(kind)
        if consent is None:
            report.fields([(title, "未记录 not recorded")])
            continue
        given = consent.request
        report.fields(
            [
                (title, f"{given.giver_name}（{given.given_by.value}），{given.method.value}"),
                ("签署时间 Obtained", _time(given.obtained_at_ms)),
                (
                    "记录人 Recorded by",
                    f"{person(consent.recorded_by)}，{_time(consent.recorded_at_ms)}",
                ),
            ]
        )
    if record.attachments:
        report.section("附件 Attachments")
        report.fields(
            [
                (a.kind.value, f"{a.description}  {a.size_bytes} B  {a.sha256 or a.study_id}")
                for a in record.attachments
            ]
        )
    if manifests:
        report.section("会诊录像 Recordings")
        report.fields(
            [
                (
                    m.recording_id,
                    f"{_time(m.started_at_ms)} – {_time(m.ended_at_ms)}，"
                    f"{m.status.value}\nmanifest SHA-256 {m.sha256()}",
                )
                for m in manifests
            ]
        )
    opinion = record.opinion
    report.section("会诊意见 Consultation opinion")
    if opinion is None:
        report.para("尚无会诊意见 No opinion yet.")
    else:
        content = opinion.content
        report.fields(
            [
                ("病情摘要与讨论 Summary", content.summary or "—"),
                ("影像学意见 Imaging review", content.imaging_review or "—"),
                ("会诊诊断意见 Diagnosis", content.diagnosis or "—"),
                ("诊疗建议 Recommendations", content.recommendations or "—"),
            ]
        )
        signature = opinion.signature
        if signature is None:
            report.para(f"草稿（第{opinion.revision}稿），未签署 Draft, not signed.")
        else:
            report.fields(
                [
                    ("签署专家 Signed by", f"{signature.signer_name} {signature.signer_title}"),
                    ("签署时间 Signed", _time(signature.signed_at_ms)),
                    ("签名 Signature", f"{signature.algorithm}, key {signature.key_id}"),
                    ("签名校验 Verification", _verdict(verification)),
                ]
            )
            report.para(f"signature: {signature.signature}", report.small)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"远程会诊报告 {referral.id}",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(report.flow)
    return buffer.getvalue()
