"""User-facing messages of lending, Chinese first; English with ARCHIVE_LANG=en (pattern of archive.i18n)."""

from __future__ import annotations

from archive.i18n import lang

MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": ("{what} 不存在", "{what} does not exist"),
    "own_request": ("不能审批本人提出的申请", "nobody approves their own request"),
    "not_your_step": ("当前审批环节需要 {roles}", "this approval step needs {roles}"),
    "not_pending": ("申请 {number} 当前状态为 {status}，不能执行此操作", "request {number} is {status}; not possible now"),
    "reason_required": ("驳回必须说明理由", "a rejection needs a reason"),
    "outside_papers": ("外单位查借阅须附介绍信和身份证件", "outside borrowers must attach a letter of introduction and an ID"),
    "personnel_two": ("查阅人事档案须两人以上", "personnel files are read by at least two readers"),
    "personnel_room": ("人事档案只能在阅档室查阅", "personnel files are read in the reading room only"),
    "personnel_self": ("不得查阅本人或亲属的人事档案", "nobody reads their own or a relative's personnel file"),
    "top_secret_form": ("绝密档案只能在阅档室查阅，不得摘抄复制", "top-secret records are read in the reading room only, no extracts"),
    "loan_needs_volume": ("实物借出须以案卷为单位", "a physical loan is of volumes"),
    "volume_on_loan": ("案卷 {code} 已借出，一卷同时只能有一笔借出", "volume {code} is already on loan"),
    "pages_mismatch": ("归还页数 {returned} 与卷内目录 {expected} 不符", "returned {returned} pages, contents list has {expected}"),
    "accompany": ("绝密档案查阅须记录陪同档案员", "top-secret reading needs the accompanying archivist recorded"),
    "no_grant": ("没有有效的查阅授权", "no current viewing grant"),
    "no_download": ("秘密及以上档案不得下载", "no download at secret or above"),
    "reading_room_only": ("绝密档案只能在阅档室查看", "top-secret content is shown in the reading room only"),
    "two_carriers": ("绝密载体须两人以上携带", "top-secret carriers move only with two people"),
    "notice_once": ("缺件告知已于 {at} 一次性发出，不得重复", "the missing-materials notice was issued once already ({at})"),
    "carrier_self": ("人事档案不得由本人转递", "a personnel file is never carried by the person concerned"),
    "check_closed": ("盘点 {id} 已结束", "inventory check {id} is closed"),
    "overdue_reminder": ("您借阅的案卷 {code}（借阅单 {number}）已于 {due} 到期，请尽快归还。",
                         "volume {code} (loan {number}) was due on {due}; please return it."),
    "person_only": ("{name} 是系统进程，借阅与收进由本人办理", "{name} is a system process; lending is done by people"),
    "outside_desk": ("外单位查借阅由档案员登记", "requests of outside borrowers are registered by an archivist"),
    "outside_form": ("外单位人员在阅档室查阅或借出案卷，不开通在线查阅",
                     "outside borrowers read in the reading room or borrow volumes; no electronic viewing"),
    "reader_inactive": ("查阅人 {reader} 的账户已停用，不能办理申请 {number}",
                        "reader {reader} of {number} has no active account"),
    "extract_request": ("摘抄、复制须经批准的摘抄申请", "extracts and copies need an approved extract request"),
    "transfer_own_department": ("只能移交本部门（{department}）的档案", "you hand over records of your own department only ({department})"),
    "transfer_head": ("移交登记表由 {department} 部门负责人签字", "the head of {department} signs the transfer register"),
    "transfer_state": ("移交登记表 {id} 当前状态为 {status}，不能执行此操作",
                       "transfer register {id} is {status}; not possible now"),
    "transfer_decided": ("移交登记表 {id} 已开始逐件接收，不能重新核对",
                         "items of transfer register {id} were decided already; it cannot be checked again"),
    "transfer_item_decided": ("{code} 已处理（{decision}）", "{code} was decided already ({decision})"),
    "personnel_keeper": ("人事档案由管理人事档案的档案员办理", "personnel files are handled by archivists whose scope includes them"),
    "no_notice": ("尚未发出缺件告知，无承诺可签", "no missing-materials notice was issued to sign"),
    "undertaking_once": ("承诺书已于 {at} 签署", "the undertaking was signed already ({at})"),
    "receipt_once": ("转递通知单 {number} 的回执已于 {at} 收回", "the receipt of notice {number} came back already ({at})"),
    "receipt_not_due": ("转递通知单 {number} 的回执 {due} 才到期", "the receipt of notice {number} is not due before {due}"),
    "consultation_needed": ("档案 {id} 的内容须经批准的查阅申请方可查阅（可检索其目录）",
                            "record {id}: its content is read through an approved consultation request "
                            "(its catalogue entry stays searchable)"),
    "fixity_alert": ("对象 {key} 完整性检查失败：{kind}", "fixity check failed for object {key}: {kind}"),
}


def msg(message_key: str, /, **kwargs: object) -> str:
    zh, en = MESSAGES[message_key]
    return (en if lang() == "en" else zh).format(**kwargs)


# Words for the codes lending shows people (the CLI; the web has its own gettext labels).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "status": {
        "pending": ("待审批", "pending"), "approved": ("已批准", "approved"), "rejected": ("已驳回", "rejected"),
        "issued": ("已出借/查阅中", "issued"), "closed": ("已结束", "closed"), "cancelled": ("已撤销", "cancelled"),
    },
    "form": {"reading_room": ("阅档室查阅", "reading room"), "electronic": ("在线查阅", "electronic viewing"),
             "loan": ("实物借出", "physical loan")},
    "transfer": {"unsigned": ("待部门负责人签字", "awaiting the department head"),
                 "submitted": ("待核对", "submitted"), "checked": ("已核对", "checked"),
                 "closed": ("已接收完毕", "closed")},
    "decision": {"accept": ("接收", "accepted"), "reject": ("退回/驳回", "rejected"), "approve": ("批准", "approved"),
                 "": ("未处理", "undecided")},
    "relation": {"self": ("本人", "self"), "spouse": ("配偶", "spouse"), "parent": ("父母", "parent"),
                 "child": ("子女", "child"), "sibling": ("兄弟姐妹", "sibling"), "in_law": ("姻亲", "in-law"),
                 "other_close": ("其他近亲属", "other close relative")},
    "carrier": {"courier": ("机要交通", "confidential courier"), "messenger": ("专人送取", "messenger")},
    "kind": {"extract": ("摘抄", "extract"), "copy": ("复制", "copy")},
    "rule": {"top_secret": ("绝密档案", "top secret"), "state_secret": ("秘密、机密档案", "state secret"),
             "extract": ("摘抄", "extract"), "personnel_file": ("人事档案", "personnel file"),
             "internal_use": ("内部利用（人事、社保及含个人信息的档案）", "internal use (RS, SB, personal data)"),
             "other_department": ("跨部门", "another department"), "own_department": ("本部门", "own department")},
    "flag": {"same_surname": ("查阅人与档案当事人同姓", "reader shares the person's surname"),
             "same_surname_region": ("查阅人与档案当事人同姓且籍贯地码相同",
                                     "reader shares the person's surname and birthplace code")},
}


def label(group: str, code: str) -> str:
    """The word for a lending code, in the CLI's language; unknown codes are shown as they are."""
    words = LABELS.get(group, {}).get(code)
    if words is None:
        return code
    return words[1] if lang() == "en" else words[0]
