"""What `archive retention …`, `archive check`, `archive fixity` and `archive audit` say: words,
not codes, Chinese first; English with ARCHIVE_LANG=en (archive.i18n.lang)."""

from __future__ import annotations

from archive.codes import RETENTION_ZH, Retention
from archive.i18n import lang, role_label

MESSAGES: dict[str, tuple[str, str]] = {
    "schedule.version": ("保管期限表第 {version} 版", "retention schedule, version {version}"),
    "schedule.pending": ("待批准的修改：", "changes waiting for approval:"),
    "schedule.proposed": ("已提交修改 {id}：条目 {rule}，{old} → {new}；须由局长、分管领导或办公室主任在本人账户批准："
                          "archive retention schedule approve {id}",
                          "proposed change {id}: rule {rule}, {old} -> {new}; a director, leader or office director "
                          "approves it in their own session: archive retention schedule approve {id}"),
    "schedule.entry_proposed": ("已提交新增条目 {id}：{category} {kind}，{new}；须经批准：archive retention schedule approve {id}",
                                "proposed new entry {id}: {category} {kind}, {new}; to be approved: "
                                "archive retention schedule approve {id}"),
    "schedule.approved": ("已批准修改 {id}：保管期限表第 {version} 版，重新计算了 {n} 件档案的到期日",
                          "approved change {id}: schedule version {version}, due dates of {n} records recomputed"),
    "schedule.rejected": ("已驳回修改 {id}：{reason}", "rejected change {id}: {reason}"),
    "extend.done": ("档案 {id}：到期日 {old} → {new}", "record {id}: due {old} -> {new}"),
    "hold.placed": ("已冻结（冻结 {id}）：{scope} {target}", "hold {id} placed on {scope} {target}"),
    "hold.released": ("已解除冻结 {id}", "hold {id} released"),
    "appraisal.opened": ("鉴定批次 {id} 已建立，共 {n} 件档案", "appraisal {id} opened with {n} records"),
    "appraisal.decided": ("档案 {record}：{decision}", "record {record}: {decision}"),
    "appraisal.signed": ("{username} 已在鉴定批次 {id} 签字", "{username} signed appraisal {id}"),
    "appraisal.concluded": ("鉴定批次 {id} 已完成；鉴定报告已归档为档案 {record}",
                            "appraisal {id} concluded; its report is filed as record {record}"),
    "register.drafted": ("销毁清册 {id} 已建立；须批准：{roles}", "register {id} drafted; approvals needed: {roles}"),
    "register.approved": ("销毁清册 {id}：{username} 已批准（{status}）", "register {id}: approved by {username} ({status})"),
    "register.witnessed": ("销毁清册 {id}：{username} 已监销签字", "register {id}: witnessed by {username}"),
    "register.executed": ("销毁清册 {id} 已执行；清册已归档为档案 {record}",
                          "register {id} executed; the register is filed as record {record}"),
    "register.header": ("销毁清册 {id} {title}（{status}）", "register {id} {title} ({status})"),
    "register.pdf": ("已写入 {path}", "written to {path}"),
    "secrecy.reviewed": ("档案 {id}：{outcome}", "record {id}: {outcome}"),
    "record_change.line": ("{id}：档案 {record}，{old} → {new}，{proposed_by}：{reason}",
                           "{id}: record {record}, {old} -> {new}, {proposed_by}: {reason}"),
    "record_change.none": ("没有待批准的单件保管期限修改", "no retention change of a single record is waiting"),
    "record_change.approved": ("已批准 {id}：档案 {record} 保管期限 {new}，到期日 {due}",
                               "approved {id}: record {record} kept {new}, due {due}"),
    "record_change.rejected": ("已驳回 {id}：{reason}", "rejected {id}: {reason}"),
    "report.written": ("已写入 {path}（{fmt}，摘要 {digest}）", "written to {path} ({fmt}, digest {digest})"),
    "report.needs_output": ("{fmt} 格式须用 --output 文件", "--format {fmt} needs --output FILE"),
    "check.summary": ("已检测 {checked} 件，通过 {passed} 件，未通过 {failed} 件",
                      "checked {checked}, passed {passed}, failed {failed}"),
    "check.failed": ("  档案 {id}：{checks}", "  record {id}: {checks}"),
    "setting.set": ("{name} 已设为 {value}", "{name} is now {value}"),
    "hold.one_target": ("请给出且只给出 --record、--volume、--category、--query 之一",
                        "give exactly one of --record, --volume, --category, --query"),
    "hold.bad_query": ("--query 不是 JSON：{error}", "--query is not JSON: {error}"),
}

WORDS: dict[str, tuple[str, str]] = {
    # statuses and decisions
    "proposed": ("待批准", "waiting for approval"), "approved": ("已批准", "approved"), "rejected": ("已驳回", "rejected"),
    "draft": ("待审批", "waiting for approval"), "executing": ("销毁中", "being destroyed"),
    "executed": ("已销毁", "destroyed"), "open": ("进行中", "open"), "concluded": ("已完成", "concluded"),
    "pending": ("待销毁", "pending"), "destroying": ("销毁中", "being destroyed"), "destroyed": ("已销毁", "destroyed"),
    "destroy": ("销毁", "destroy"), "extend": ("延长保管", "keep longer"), "keep_permanent": ("永久保存", "keep permanently"),
    "declassify": ("解密", "declassified"), "downgrade": ("降低密级", "downgraded"), "keep": ("继续保密", "kept secret"),
    # hold scopes
    "record": ("档案", "record"), "volume": ("案卷", "volume"), "category": ("门类", "category"),
    "query": ("检索条件", "saved query"),
    # the sweep's lists
    "due_for_appraisal": ("到期待鉴定", "due for appraisal"),
    "declassification_review": ("保密期限届满待审查", "secrecy term ending"),
    "yearly_secrecy_review": ("年度定密审查", "yearly secrecy review"),
    "due_for_transfer": ("到期待移交进馆", "due for transfer"), "filing_overdue": ("逾期未归档", "filing overdue"),
    "secrecy_term_open": ("保密期限长期或不明待审查", "secrecy term long-term or unknown: review"),
}


def t(key: str, **kwargs: object) -> str:
    zh, en = MESSAGES[key]
    return (en if lang() == "en" else zh).format(**kwargs)


def word(code: str | None) -> str:
    if not code:
        return "-"
    zh, en = WORDS.get(code, (code, code))
    return en if lang() == "en" else zh


def retention_words(code: str | None) -> str:
    try:
        period = Retention.parse(code or "")
    except ValueError:
        return code or "-"
    if lang() == "en":
        return "permanent" if period.years is None else f"{period.years} years"
    return RETENTION_ZH.get(period, period.value)


def roles_words(codes: list[str]) -> str:
    return "、".join(role_label(c) for c in codes) if lang() != "en" else ", ".join(role_label(c) for c in codes)
