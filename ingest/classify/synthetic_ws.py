"""Synthetic official documents (文书, category WS) laid out as GB/T 9704 pages, with labels.

The expected retention of each title follows the default schedule of DOMAIN §3: rules, policy
opinions and decisions, requests and replies, meeting minutes, appointments and
reorganisations → Y; forwarded documents → D10; general business → D30.
"""

from __future__ import annotations

import datetime as dt

from archive.codes import Disclosure, Secrecy
from ingest.classify.synthetic_pools import (
    BENEFITS,
    BODY,
    CITIES,
    COUNTIES,
    GROUPS,
    PROVINCES,
    RULE_NAMES,
    UNITS,
    WORK,
)
from ingest.classify.synthetic_render import Page, Writer

# 文种 and how often a bureau writes each.
DOC_TYPE_WEIGHTS = {"通知": 28, "意见": 8, "决定": 8, "通报": 8, "报告": 10, "请示": 8, "批复": 6, "函": 8,
                    "纪要": 6, "公告": 3, "通告": 2, "公报": 2, "决议": 1, "命令": 1, "议案": 1}
# Characters a title line may not end with when it is split, or the first half would look whole.
_TITLE_SAFE_SPLIT = set("议定令报告见知示复函要则法度案划点结南程例表书单册簿证卡录料明账")


def _title(w: Writer, doc_type: str, place: str, this_year: int) -> tuple[str, str, str]:
    """(title, expected retention code, template key)"""
    year = w.pick([this_year, this_year, this_year - 1, this_year + 1])
    work, rule = w.pick(WORK), w.pick(RULE_NAMES)
    county, unit, group = w.pick(COUNTIES), w.pick(UNITS), w.pick(GROUPS)
    options: dict[str, list[tuple[str, str]]] = {
        "通知": [(f"关于做好{year}年度{work}工作的通知", "D30"),
                 (f"关于印发《{place}人力资源和社会保障局{rule}》的通知", "Y"),
                 (f"关于转发《省人力资源和社会保障厅关于{work}有关问题的通知》的通知", "D10"),
                 (f"关于开展{year}年{work}专项检查的通知", "D30"),
                 (f"关于调整{place}{w.pick(BENEFITS)}标准的通知", "D30"),
                 (f"关于召开{year}年全市{work}工作会议的通知", "D30")],
        "意见": [(f"关于进一步加强{work}工作的意见", "Y"), (f"关于推进{work}高质量发展的实施意见", "Y"),
                 (f"关于加强和改进{work}的指导意见", "Y")],
        "决定": [(f"关于表彰{year}年度{work}工作先进集体和先进个人的决定", "Y"),
                 (f"关于成立{place}{group}领导小组的决定", "Y"), (f"关于调整{group}领导小组成员的决定", "Y"),
                 (f"关于撤销{place}{unit}的决定", "Y"), (f"关于{w.name()}等同志职务任免的决定", "Y")],
        "通报": [(f"关于{year}年度{work}工作情况的通报", "D30"), (f"关于{year}年{work}专项检查情况的通报", "D30"),
                 (f"关于表扬{work}工作中表现突出单位的通报", "D30")],
        "报告": [(f"关于{year}年{work}工作情况的报告", "D30"), (f"关于{year}年度政府信息公开工作情况的报告", "D30"),
                 (f"关于{work}专项整治情况的报告", "D30"), (f"关于{year}年度到期档案鉴定情况的报告", "Y")],
        "请示": [(f"关于申请{year}年{work}专项经费的请示", "Y"), (f"关于增设{place}{unit}的请示", "Y"),
                 (f"关于{work}有关问题的请示", "Y")],
        "批复": [(f"关于同意{county}调整{w.pick(BENEFITS)}标准的批复", "Y"),
                 (f"关于{county}人力资源和社会保障局{work}有关问题的批复", "Y"),
                 (f"关于同意设立{county}{unit}的批复", "Y")],
        "函": [(f"关于商请协助做好{work}工作的函", "D30"),
               (f"关于征求《{place}{rule}（征求意见稿）》意见的函", "D30"), (f"关于{work}有关问题的复函", "D30")],
        "纪要": [(f"{year}年第{w.rng.randint(1, 30)}次局长办公会议纪要", "Y"),
                 (f"局党组{year}年第{w.rng.randint(1, 20)}次会议纪要", "Y"), (f"{work}工作协调会议纪要", "Y")],
        "公告": [(f"{place}{year}年事业单位公开招聘工作人员公告", "D30"),
                 (f"关于{year}年度社会保险缴费基数调整的公告", "D30")],
        "通告": [(f"关于开展{year}年{work}集中宣传活动的通告", "D30")],
        "公报": [(f"{year}年度{place}人力资源和社会保障事业发展统计公报", "Y")],
        "决议": [(f"关于通过《{place}人力资源和社会保障局{rule}》的决议", "Y")],
        "命令": [(f"关于嘉奖{place}{unit}的命令", "Y")],
        "议案": [(f"关于提请审议《{place}{rule}（草案）》的议案", "D30")],
    }
    index = w.rng.randrange(len(options[doc_type]))
    return (*options[doc_type][index], f"{doc_type}{index}")


def _split_title(w: Writer, title: str) -> list[str]:
    if len(title) <= 20 or w.chance(0.5):
        return [title]
    cuts = [k for k in range(8, len(title) - 3) if title[k - 1] not in _TITLE_SAFE_SPLIT]
    if not cuts:
        return [title]
    k = w.pick(cuts)
    return [title[:k], title[k:]]


def official_document(w: Writer, noise: float) -> Page:
    page = Page()
    province = w.chance(0.15)
    place, abbr = w.pick(PROVINCES if province else CITIES)
    level_word = "厅" if province else "局"
    issuer = f"{place}人力资源和社会保障{level_word}"
    prefix_base = f"{abbr}人社"
    if not province and w.chance(0.12):
        issuer, prefix_base = f"{place}社会保险事业管理局", f"{abbr}社保"
    doc_type = w.rng.choices(list(DOC_TYPE_WEIGHTS), weights=list(DOC_TYPE_WEIGHTS.values()))[0]
    date = w.date()
    title, retention, template = _title(w, doc_type, place, date.year)
    if doc_type == "通知" and w.chance(0.04):
        title, retention, doc_type, template = f"{place}人力资源和社会保障局档案销毁清册", "Y", None, "销毁清册"
    public_kind = doc_type in ("公告", "通告", "公报")

    web = w.chance(0.08)
    if web:
        page.add(f"当前位置：首页 > 政务公开 > {w.pick(['通知公告', '政策文件', '工作动态'])}")
        posted = dt.date.fromordinal(date.toordinal() + w.rng.randint(1, 40))
        page.add(f"发布时间：{posted:%Y-%m-%d} {w.rng.randint(8, 18):02d}:{w.rng.randint(0, 59):02d}:00")
        page.add(f"来源：{issuer}")

    secrecy, term = Secrecy.PUBLIC, None
    if not web and w.chance(0.12):
        page.add(f"{w.rng.randint(1, 999999):06d}")  # copy number
    if not web and not public_kind:
        roll = w.rng.random()
        if roll < 0.15:
            secrecy = w.rng.choices([Secrecy.SECRET, Secrecy.CONFIDENTIAL, Secrecy.TOP_SECRET], weights=[55, 35, 10])[0]
            text, term = w.marking(secrecy)
            page.add(text)
        elif roll < 0.22:
            secrecy = Secrecy.INTERNAL
            page.add(w.pick(["内部", "内部资料 注意保存", "工作秘密", "内部文件"]))
    if not web and w.chance(0.1):
        page.add(w.pick(["特急", "加急"]))

    masthead = not web and doc_type != "纪要" and w.chance(0.85)
    if masthead:
        page.add(f"{issuer}文件" if w.chance(0.8) else " ".join(f"{issuer}文件"))
    elif doc_type == "纪要":
        page.add(issuer)

    upward = doc_type in ("请示", "报告")
    kind = {"请示": "请", "报告": "报", "函": "函", "批复": "复"}.get(doc_type or "", w.pick(["发", "办发", "字", "办字", "通"]))
    number_text = doc_no = None
    if doc_type != "纪要" and w.chance(0.9):
        number_text, doc_no = w.doc_no(prefix_base + kind, date.year, w.rng.randint(1, 320))
        if upward:
            number_text += f"{w.pick(['    ', '        '])}签发人：{w.name()}"
    if number_text and not web:
        page.add(number_text)
    for part in _split_title(w, title):
        page.add(part)
    if number_text and web:
        page.add(number_text)
    if doc_type == "纪要":
        page.add(f"（{w.date_text(date, 0.2)}）")

    addressees = _addressees(w, doc_type, place, province)
    if addressees:
        page.add(f"{addressees}：")
    for sentence in w.rng.sample(BODY, w.rng.randint(3, 7)):
        page.add("    " + sentence.replace("{n:04d}", f"{w.rng.randint(0, 9999):04d}"), noisy=True)
    if w.chance(0.3):
        page.add(f"附件：1．{place}{w.pick(WORK)}工作任务分解表")

    disclosure = None
    signed = doc_type != "纪要"
    if signed:
        page.add("")
        page.add(issuer)
        page.add(w.date_text(date, 0.2))
        roll = w.rng.random()
        if secrecy in (Secrecy.SECRET, Secrecy.CONFIDENTIAL, Secrecy.TOP_SECRET):
            disclosure = Disclosure.NOT_DISCLOSED.value if roll < 0.3 else None
        elif roll < 0.4:
            disclosure = Disclosure.PROACTIVE.value
        elif roll < 0.5:
            disclosure = Disclosure.ON_REQUEST.value
        elif roll < 0.6:
            disclosure = Disclosure.NOT_DISCLOSED.value
        note = {"proactive": "（此件主动公开）", "on_request": "（此件依申请公开）", "not_disclosed": "（此件不予公开）"}
        if disclosure:
            page.add(note[disclosure])
    if signed and w.chance(0.5):
        page.add(f"抄送：{w.pick(PROVINCES)[0]}人力资源和社会保障厅，{place}人民政府办公室。")
        printed = dt.date.fromordinal(date.toordinal() + w.rng.randint(0, 3))
        page.add(f"{issuer}办公室        {w.date_text(printed, 0.0)}印发")
    if w.chance(0.3):
        page.add("— 1 —")

    page.labels.update(
        category="WS", doc_type=doc_type, title=title, doc_no=doc_no,
        issuer=issuer if (masthead or signed or doc_type == "纪要") else None,
        date=date.isoformat(), secrecy=secrecy.value,
        secrecy_term_months=term if secrecy.rank >= Secrecy.SECRET.rank else None,
        addressees=addressees, disclosure=disclosure, retention=retention, template=template,
    )
    return page


def _addressees(w: Writer, doc_type: str | None, place: str, province: bool) -> str | None:
    if doc_type in (None, "公告", "通告", "公报", "纪要", "决议", "命令") or (doc_type == "决定" and w.chance(0.5)):
        return None
    if doc_type in ("请示", "报告"):
        return w.pick(["人力资源和社会保障部"] if province else [f"{place}人民政府", "省人力资源和社会保障厅"])
    if doc_type == "批复":
        return f"{w.pick(COUNTIES)}人力资源和社会保障局"
    if doc_type == "函":
        return w.pick([f"{place}财政局", f"{place}卫生健康委员会", f"{place}市场监督管理局", f"{place}税务局"])
    if doc_type == "议案":
        return f"{place}人民代表大会常务委员会"
    if province:
        return w.pick(["各市（州）人力资源和社会保障局，厅机关各处室、直属各单位", "各市（州）、县（市、区）人力资源和社会保障局"])
    return w.pick(["各县（市、区）人力资源和社会保障局，局属各单位", "局机关各科室、直属各单位", "各有关单位",
                   "各县（市、区）人力资源和社会保障局、财政局", "各科室、各直属单位"])
