"""Words of utilization, Chinese first; English with ARCHIVE_LANG=en (pattern of archive.i18n)."""

from __future__ import annotations

from archive.i18n import lang

MESSAGES: dict[str, tuple[str, str]] = {
    "id_shape": ("{what}须为18位（末位可为X）", "{what} must have 18 characters (the last may be X)"),
    "id_check": ("{what}校验位或出生日期不正确", "{what}: wrong check digit or birth date"),
    "name_needed": ("请填写利用者姓名", "the requester's name is missing"),
    "unit_papers": ("外单位查档须登记单位名称和介绍信编号", "an outside unit's request needs the unit and the letter number"),
    "purpose_unknown": ("利用目的“{purpose}”不在目的清单中", "purpose {purpose!r} is not in the list of purposes"),
    "purpose_personal": ("不得将档案内容用于个人目的（摘抄、引用作私人用途），不予办理",
                         "archives' content is not used for personal purposes (DOMAIN.md §15): refused"),
    "outcome_unknown": ("利用结果“{outcome}”无效", "outcome {outcome!r} is not one of the outcomes"),
    "closed": ("查档登记 {number} 已办结", "request {number} is closed already"),
    "pages": ("页码“{pages}”无效（例如 1-3,5）", "pages {pages!r} are not valid (e.g. 1-3,5)"),
    "no_page": ("档案 {code} 没有第 {page} 页", "record {code} has no page {page}"),
    "copies": ("份数须在 1 到 {most} 之间", "copies must be between 1 and {most}"),
    "top_secret": ("绝密档案不得复制", "top-secret records are never copied"),
    "needs_approval": ("复制{what}须登记批准（批准文号或批准人）", "copying {what} needs an approval on record"),
    "seal": ("档案专用章图片无法读取：{path}", "the archive seal image cannot be read: {path}"),
    "self_off": ("本人自助查询未开通", "self-service is not enabled"),
    "self_refused": ("身份信息或查询码不正确，或查询码已失效", "identity or code not accepted, or the code has expired"),
    "self_locked": ("尝试次数过多，请向档案员重新领取查询码", "too many attempts: ask the archivist for a new code"),
    "self_none": ("未找到您本人所选类别的社会保险档案", "no social-insurance records of yours of the chosen kinds"),
    "choose_types": ("请选择业务类别", "choose at least one kind of record"),
    "digest": ("摘要须为64位十六进制 SHA-256", "the digest must be a 64-character hexadecimal SHA-256"),
}

# Words for the codes utilization shows people (CLI, printouts; the web uses these too).
OUTCOMES: dict[str, tuple[str, str]] = {
    "open": ("办理中", "open"),
    "provided": ("已提供查阅", "consulted"),
    "certified": ("已出具证明/复制件", "certificate or copy issued"),
    "not_found": ("未查到", "nothing found"),
    "refused": ("不予提供", "refused"),
}
KINDS: dict[str, tuple[str, str]] = {
    "walk_in": ("个人来查", "walk-in person"),
    "outside_unit": ("外单位来查", "outside unit"),
    "self_service": ("本人自助查询", "self-service"),
}
FORMS: dict[str, tuple[str, str]] = {"electronic": ("电子", "electronic"), "printed": ("纸质", "printed")}


def msg(message_key: str, /, **kwargs: object) -> str:
    zh, en = MESSAGES[message_key]
    return (en if lang() == "en" else zh).format(**kwargs)


def label(table: dict[str, tuple[str, str]], code: str, language: str | None = None) -> str:
    pair = table.get(code)
    if pair is None:
        return code
    return pair[1] if (language or lang()) == "en" else pair[0]
