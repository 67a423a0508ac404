"""A small synthetic holding for the search tests, with the relevance set over it.

Texts are written for these tests (not taken from the corpus): official-document pages,
social-insurance forms and personnel materials, some in traditional characters, some with
full-width digits, OCR-style bracket variants and one misread character.
"""

from __future__ import annotations

from search.model import PageText, SearchDocument


def _doc(id, title, pages, **kw) -> SearchDocument:
    kw.setdefault("category", "WS")
    kw.setdefault("year", (kw.get("doc_date") or "2019")[:4])
    kw.setdefault("retention", "D30")
    kw.setdefault("secrecy", "internal")
    kw.setdefault("fonds", "J001")
    kw.setdefault("status", "filed")
    kw.setdefault("archival_code", f"J001-{kw['category']}·{kw['year']}-{kw['retention']}-{id:04d}")
    return SearchDocument(
        id=id, title=title, pages=tuple(PageText(i + 1, t) for i, t in enumerate(pages)), **kw
    )


PEOPLE = [
    # id, name, identity number, business step, text
    (
        21,
        "王建国",
        "532621196203150017",
        "养老待遇",
        "王建国同志于2022年3月办理退休，经核定基本养老金每月3856元。",
    ),
    (
        22,
        "李秀英",
        "53262119900101002X",
        "工伤待遇",
        "李秀英在工作时间因工作原因受到事故伤害，认定为工伤，劳动能力鉴定为九级伤残。",
    ),
    (
        23,
        "刘洋",
        "532621198811230036",
        "失业待遇",
        "刘洋申领失业保险金，累计缴费年限六年，核定领取期限十二个月。",
    ),
    (24, "陈静", "532621197705060048", "医疗待遇", "陈静异地就医备案，住院医疗费用按规定由统筹基金支付。"),
    (25, "张伟", "53262119850315123X", "关系转移", "张伟养老保险关系由昆明市转入文山州，转移基金已到账。"),
    (26, "赵丽华", "532621199212120066", "参保登记", "赵丽华灵活就业人员参保登记，选择缴费档次百分之六十。"),
]

DOCS: list[SearchDocument] = [
    _doc(
        1,
        "关于加强基层人力资源社会保障公共服务平台建设的意见",
        [
            "吉林省人力资源和社会保障厅办公室文件\n吉人社办字〔2018〕56号\n关于加强基层人力资源社会保障公共服务平台建设的意见\n各市（州）人力资源和社会保障局：为推进基层公共服务平台标准化建设，现提出如下意见。",
            "一、明确服务事项。街道（乡镇）和社区（村）服务平台承担就业创业、社会保险、劳动关系等经办服务。\n二、加强队伍建设。\n— 2 —",
        ],
        doc_no="吉人社办字〔2018〕56号",
        issuer="吉林省人力资源和社会保障厅",
        doc_type="意见",
        doc_date="2018-08-15",
        department="办公室",
        retention="Y",
    ),
    _doc(
        2,
        "檔案管理辦法",
        [
            "第一條 為加強本局檔案管理工作，規範檔案的收集、整理、保管和利用，制定本辦法。",
            "第十條 檔案室應當做好防火、防盜、防潮工作。",
        ],
        doc_type="决定",
        doc_date="2016-05-20",
        department="办公室",
        retention="Y",
    ),
    _doc(
        3,
        "关于做好2019年度社会保险费征缴工作的通知",
        [
            "文人社发［2019］12号\n各县（市）人力资源和社会保障局：现就做好2019年度社会保险费征缴工作通知如下。",
            "各地要加强稽核监督，确保基金应收尽收。",
        ],
        doc_no="文人社发〔2019〕12号",
        issuer="文山州人力资源和社会保障局",
        doc_type="通知",
        doc_date="2019-02-11",
        department="养老保险科",
        retention="D30",
    ),
    _doc(
        4,
        "养老保险基金财务管理报告",
        ["2020年度养老保险基金收入合计５６７８万元，支出合计４３２１万元，累计结余稳步增长。"],
        category="SB",
        doc_type="报告",
        doc_date="2021-01-30",
        business_step="基金财务",
        department="养老保险科",
        secrecy="secret",
    ),
    _doc(
        5,
        "工作人员保密守则",
        ["第四十三条 工作人员应当严格遵守保密纪律，不得在非涉密计算机上处理涉密信息。", "秘密★5年"],
        doc_type="决定",
        doc_date="2019-01-22",
        department="办公室",
        secrecy="confidential",
    ),
    _doc(
        6,
        "",
        [],
        doc_date="2017-06-01",
        department="办公室",
        secrecy="top_secret",
        doc_type="通知",
    ),
    _doc(
        7,
        "关于社会保险基金监督检查情况的通报",
        ["经检查，部分经办机构存在社会保陰基金管理不规范的问题，现予通报。"],  # 险 misread as 陰 by OCR
        doc_type="通报",
        doc_date="2020-09-09",
        department="养老保险科",
    ),
    _doc(
        8,
        "ＡＢＣ科技有限公司劳动争议仲裁案",
        [
            "申请人陈静与被申请人ＡＢＣ科技有限公司劳动争议一案，本委于２０２０年７月受理。",
            "裁决如下：被申请人支付申请人经济补偿金。",
        ],
        category="AJ",
        doc_date="2020-11-03",
        department="仲裁院",
        person_name="陈静",
        retention="D30",
    ),
    _doc(
        9,
        "人事档案转递通知单",
        ["兹转去张伟同志人事档案一份，共计材料四十二份，请按规定查收并回执。"],
        category="RS",
        person_name="张伟",
        person_id="53262119850315123X",
        personnel_class="9-2",
        doc_date="2021-04-06",
        department="人事科",
    ),
    _doc(
        10,
        "关于公布2021年度机关事业单位工资调整方案的通知",
        ["根据国家统一部署，调整机关事业单位工作人员基本工资标准，自2021年1月1日起执行。"],
        doc_type="通知",
        doc_date="2021-06-18",
        department="工资福利科",
        secrecy="public",
    ),
    _doc(
        11,
        "局务会议纪要",
        ["二〇〇九年七月二十三日，局长主持召开局务会议，研究就业专项资金使用和农民工工资支付保障工作。"],
        doc_type="纪要",
        doc_date="2009-07-23",
        department="办公室",
        retention="Y",
    ),
    _doc(
        12,
        "劳动保障监察行政处罚决定书",
        ["当事人某建筑公司拖欠农民工工资，违反《保障农民工工资支付条例》，决定给予行政处罚。"],
        category="AJ",
        doc_type="决定",
        doc_date="2022-03-15",
        department="劳动监察大队",
    ),
    _doc(
        13,
        "政府信息公开指南",
        [
            "公民、法人或者其他组织可以向本机关申请获取相关政府信息。申请应当采用书面形式。",
            "（此件主动公开）",
        ],
        doc_type="公告",
        doc_date="2023-02-01",
        department="",
        secrecy="public",
    ),
    _doc(
        14,
        "关于做好高校毕业生就业创业工作的通知",
        ["各地要落实就业创业扶持政策，开展职业指导和职业技能培训，帮助高校毕业生尽早就业。"],
        doc_type="通知",
        doc_date="2022-05-10",
        department="就业促进科",
    ),
    _doc(
        15,
        "職業技能培訓補貼申領審核表",
        ["申請人參加職業技能培訓並取得證書，經審核符合補貼條件。"],
        category="SB",
        doc_date="2018-12-01",
        business_step="申报征缴",
        department="就业促进科",
    ),
]

for pid, name, idno, step, text in PEOPLE:
    DOCS.append(
        _doc(
            pid,
            f"{name}{step}审批表",
            [f"姓名：{name}  公民身份号码：{idno}\n{text}", "经办人签字：  审核人签字：  （盖章）"],
            category="SB",
            person_name=name,
            person_id=idno.upper(),
            business_step=step,
            doc_date=f"2022-0{pid - 20}-1{pid - 20}",
            department="养老保险科" if step == "养老待遇" else "",
            doc_type="",
        )
    )

# A personnel file with a class and a department scope, and a destroyed record's tombstone.
DOCS.append(
    _doc(
        30,
        "李秀英职称评审材料",
        ["李秀英同志取得社会保险经办中级职称，评审委员会评审通过。"],
        category="RS",
        person_name="李秀英",
        person_id="53262119900101002X",
        personnel_class="4-2",
        doc_date="2020-12-20",
        department="人事科",
    )
)
DOCS.append(_doc(31, "", [], doc_date="2005-01-01", status="destroyed", department="办公室", retention="D10"))

BY_ID = {d.id: d for d in DOCS}

# query -> records that must be among the first ten hits of a fully cleared viewer
RELEVANCE: list[tuple[str, set[int]]] = [
    ("基层公共服务平台", {1}),
    ("吉人社办字〔2018〕56号", {1}),
    ("吉人社办字[2018]56号", {1}),
    ("吉人社办字（2018）56号", {1}),
    ("吉人社办字【2018】56号", {1}),
    ("文人社发〔2019〕12号", {3}),
    ("档案管理办法", {2}),
    ("檔案管理", {2}),
    ("档案室 防火", {2}),
    ("社会保险费征缴", {3}),
    ("养老保险基金", {4}),
    ("保密守则", {5}),
    ("社会保险基金", {7}),  # found although OCR read 险 as 陰
    ("ABC科技有限公司", {8}),
    ("2020年7月", {8}),
    ("劳动争议仲裁", {8}),
    ("人事档案转递", {9}),
    ("张伟", {9, 25}),
    ("53262119850315123x", {9, 25}),
    ("53262119850315123X", {9, 25}),
    ("李秀英", {22, 30}),
    ("53262119900101002x", {22, 30}),
    ("王建国", {21}),
    ("基本养老金", {21}),
    ("工伤", {22}),
    ("劳动能力鉴定", {22}),
    ("失业保险金", {23}),
    ("异地就医", {24}),
    ("陈静", {24, 8}),
    ("灵活就业人员参保登记", {26}),
    ("养老保险关系", {25}),
    ("工资调整方案", {10}),
    ("二〇〇九年七月", {11}),
    ("农民工工资", {11, 12}),
    ("政府信息公开", {13}),
    ("高校毕业生就业", {14}),
    ("职业技能培训补贴", {15}),
    ("職業技能", {14, 15}),
    ("职称评审", {30}),
]
