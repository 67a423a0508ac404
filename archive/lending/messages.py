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
    "fixity_alert": ("对象 {key} 完整性检查失败：{kind}", "fixity check failed for object {key}: {kind}"),
}


def msg(message_key: str, /, **kwargs: object) -> str:
    zh, en = MESSAGES[message_key]
    return (en if lang() == "en" else zh).format(**kwargs)
