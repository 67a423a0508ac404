"""Generate the shipped synthetic sample scans and their expected labels.

    python -m ingest.samples.generate OUTDIR      (the shipped set lives in ingest/samples/scans)

Thirteen files: official documents (public, secret, confidential, top secret, a rotated one, a
traditional-character one, a 3-page G4 TIFF, a 2-page scanned PDF), personnel forms, social-
insurance sheets and an arbitration award. Fixed seeds make the output deterministic.
`render_page` builds a plain degraded page from any text (the OCR benchmark uses it).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

from opencc import OpenCC
from PIL import Image

from ingest.samples.documents import OfficialDoc, form_page, make_id, official_document
from ingest.samples.render import DPI, Page, degrade, to_bitonal

JPEG_QUALITY = 66  # with the mild noise below, keeps a colour A4 page near 400 KB
_S2T = OpenCC("s2tw")  # Taiwan standard forms (為, not the rarer 爲): what OCR models know

CITY = "青禾市"
BUREAU = f"{CITY}人力资源和社会保障局"


def render_page(text_lines: list[str], *, seed: int, script: str = "sc", size_pt: float = 16, color: bool = False,
                skew: float | None = None, title: str | None = None,
                jpeg_quality: int | None = 68) -> tuple[Image.Image, str]:
    """A degraded 300-dpi page of `text_lines` (paragraphs); returns it with the text that fit on it.

    The page goes through a JPEG round trip (unless jpeg_quality is None) for real compression artefacts.
    """
    page = Page(color, script)
    if title:
        page.text(title, size_pt=22, align="center", bold=True, gap=0.6)
    for para in text_lines:
        if not page.paragraph(para, size_pt=size_pt):
            break
    angle = skew if skew is not None else ((seed * 7919) % 21 - 10) / 10.0  # -1.0 .. +1.0 degrees
    image = degrade(page.img, seed, skew=angle, color=color)
    if jpeg_quality:
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=jpeg_quality)
        image = Image.open(io.BytesIO(buf.getvalue()))
        image.load()
    return image, "\n".join(page.lines)


def _labels(**fields) -> dict:
    base = dict.fromkeys(
        ("category", "secrecy", "secrecy_term_months", "doc_no", "issuer", "title", "date", "doc_type",
         "person_name", "person_id", "personnel_class", "business_step", "retention", "disclosure"))
    base.update(fields)
    return base


def _samples() -> list[dict]:
    """Sample specs: a page builder (called only when the file is generated) plus labels."""
    s = []

    s.append({"file": "ws_notice_2018.jpg", "seed": 11, "skew": 0.8, "pages": lambda: official_document(OfficialDoc(
        masthead=f"{BUREAU}文件", doc_no="青人社发〔2018〕56号",
        title="关于进一步规范基层服务平台档案管理工作的通知",
        addressee="各县（市、区）人力资源和社会保障局，局属各单位：",
        paragraphs=[
            "为加强基层人力资源社会保障服务平台档案管理，规范业务档案的收集、整理、归档和利用，现就有关事项通知如下。",
            "一、各单位应当指定专人负责档案工作，业务材料办结后三十日内完成预立卷，并按年度向局档案室移交。",
            "二、移交档案应当填写移交登记表，由移交人和部门负责人签字，档案室核对无误后接收。",
            "三、各单位要严格执行保密规定，涉密材料不得通过互联网传输，不得擅自复制。",
        ],
        signer=BUREAU, date_text="2018年8月15日",
        disclosure_note="（此件主动公开）", cc="抄送：市档案局，市人民政府办公室。",
        printed_by=f"{BUREAU}办公室　　　　2018年8月16日印发")),
        "labels": _labels(category="WS", secrecy="public", doc_no="青人社发〔2018〕56号", issuer=BUREAU,
                          title="关于进一步规范基层服务平台档案管理工作的通知", date="2018-08-15", doc_type="通知",
                          retention="D30", disclosure="主动公开"),
        "evidence": ["red_masthead", "red_seal"]})

    s.append({"file": "ws_secret_opinion_2009.jpg", "seed": 12, "skew": -0.6, "pages": lambda: official_document(OfficialDoc(
        masthead=f"{BUREAU}文件", doc_no="青人社字〔2009〕12号", copy_no="000127", secrecy_mark="秘密★5年",
        title="关于加强人事档案保密管理的意见",
        addressee="局机关各科室，局属各单位：",
        paragraphs=[
            "为切实做好人事档案保密工作，防止档案信息泄露，根据有关保密法律法规，结合我局实际，提出如下意见。",
            "一、人事档案实行专人管理，查阅人事档案须经分管局领导批准，并由两名以上工作人员共同查阅。",
            "二、严禁查阅本人及亲属档案，严禁涂改、抽取、伪造档案材料。",
            "三、档案室应当建立查阅登记簿，如实记录查阅人、查阅时间和查阅内容。",
        ],
        signer=BUREAU, date_text="二〇〇九年七月二十三日", cc="抄送：市委组织部。",
        printed_by=f"{BUREAU}办公室　　　　二〇〇九年七月二十四日印发")),
        "labels": _labels(category="WS", secrecy="secret", secrecy_term_months=60, doc_no="青人社字〔2009〕12号",
                          issuer=BUREAU, title="关于加强人事档案保密管理的意见", date="2009-07-23", doc_type="意见",
                          retention="Y"),
        "evidence": ["red_masthead", "red_seal"]})

    s.append({"file": "ws_confidential_bulletin_2016.jpg", "seed": 13, "skew": 1.0, "pages": lambda: official_document(OfficialDoc(
        masthead=f"{BUREAU}文件", doc_no="青人社发〔2016〕88号", copy_no="000031", secrecy_mark="机密★10年",
        urgency="加急", title="关于社会保险基金专项检查情况的通报",
        addressee="各县（市、区）人力资源和社会保障局：",
        paragraphs=[
            "根据全市社会保险基金安全专项检查工作安排，市局组成检查组，对各地基金管理情况进行了检查，现将有关情况通报如下。",
            "检查发现，个别经办机构存在内控制度执行不到位、待遇复核不及时等问题，已责令限期整改。",
            "各地要举一反三，健全基金风险防控机制，确保基金安全运行。",
        ],
        signer=BUREAU, date_text="2016年11月3日")),
        "labels": _labels(category="WS", secrecy="confidential", secrecy_term_months=120, doc_no="青人社发〔2016〕88号",
                          issuer=BUREAU, title="关于社会保险基金专项检查情况的通报", date="2016-11-03", doc_type="通报",
                          retention="D30"),
        "evidence": ["red_masthead", "red_seal"]})

    dept = "云岭省人力资源和社会保障厅"
    s.append({"file": "ws_top_secret_decision_2020.jpg", "seed": 14, "skew": -0.9, "pages": lambda: official_document(OfficialDoc(
        masthead=f"{dept}文件", doc_no="云人社发〔2020〕7号", copy_no="000009", secrecy_mark="绝密★长期",
        title="关于调整重要信息系统安全管理职责的决定",
        addressee="厅机关各处室，各市（州）人力资源和社会保障局：",
        paragraphs=[
            "为进一步明确重要信息系统的安全管理职责，经厅党组研究，决定对相关职责作如下调整。",
            "一、信息中心负责系统运行维护和安全监测，各业务处室负责本业务数据的使用管理。",
            "二、本决定自印发之日起施行，各单位应当严格控制知悉范围。",
        ],
        signer=dept, date_text="2020年4月9日")),
        "labels": _labels(category="WS", secrecy="top_secret", secrecy_term_months=None, doc_no="云人社发〔2020〕7号",
                          issuer=dept, title="关于调整重要信息系统安全管理职责的决定", date="2020-04-09", doc_type="决定",
                          retention="Y", secrecy_term="长期"),
        "evidence": ["red_masthead", "red_seal"]})

    s.append({"file": "ws_reply_rotated_2017.jpg", "seed": 15, "skew": 0.5, "rotate": 90, "pages": lambda: official_document(OfficialDoc(
        masthead=f"{BUREAU}文件", doc_no="青人社函〔2017〕21号",
        title="关于同意设立劳动保障监察大队的批复",
        addressee="市劳动保障监察支队：",
        paragraphs=[
            "你队《关于设立劳动保障监察大队的请示》收悉。经研究，同意在南城区设立劳动保障监察大队，人员在现有编制内调剂解决。",
            "请按照有关规定做好人员配备和制度建设工作。",
        ],
        signer=BUREAU, date_text="2017年5月22日", disclosure_note="（此件依申请公开）")),
        "labels": _labels(category="WS", secrecy="internal", doc_no="青人社函〔2017〕21号", issuer=BUREAU,
                          title="关于同意设立劳动保障监察大队的批复", date="2017-05-22", doc_type="批复",
                          retention="Y", disclosure="依申请公开", rotation=90),
        "evidence": ["red_masthead", "red_seal"]})

    county = "青禾縣人民委員會勞動科"
    s.append({"file": "ws_traditional_1955.jpg", "seed": 16, "skew": 0.7, "pages": lambda: official_document(OfficialDoc(
        masthead=county, doc_no="青勞字第四十二號", script="tc",
        title=_S2T.convert("关于做好失业人员登记工作的通知"),
        addressee=_S2T.convert("各区公所，各乡人民委员会："),
        paragraphs=[_S2T.convert(t) for t in (
            "为了妥善安置失业人员，保障他们的基本生活，根据上级指示，决定在全县范围内开展失业人员登记工作。",
            "各区公所接到通知后，应当指定专人负责，逐户调查登记，于本月底以前将登记表报送本科。",
        )],
        signer=county, date_text="一九五五年三月十日")),
        "labels": _labels(category="WS", secrecy="internal", doc_no="青勞字第四十二號", issuer=county,
                          title=_S2T.convert("关于做好失业人员登记工作的通知"), date="1955-03-10", doc_type="通知",
                          retention="Y", script="traditional"),
        "evidence": ["red_masthead", "red_seal"]})

    s.append({"file": "ws_minutes_2021.tif", "seed": 17, "skew": 0.4, "bitonal": True, "pages": lambda: official_document(OfficialDoc(
        masthead=f"{BUREAU}文件", doc_no="青人社纪〔2021〕3号", color=False, seal=False,
        title="关于档案数字化工作推进会议的纪要",
        addressee="局机关各科室，局属各单位：",
        paragraphs=[
            "2021年6月10日，局分管领导主持召开档案数字化工作推进会议，办公室、社会保险经办中心、劳动人事争议仲裁院、信息中心有关负责同志参加会议。会议听取了档案数字化工作进展情况汇报，研究了下一步工作安排。纪要如下。",
            "一、会议认为，今年以来各单位按照年度计划推进档案数字化，完成文书档案扫描十二万页、社会保险业务档案扫描四十万页，数字化成果质量总体良好。",
            "二、会议指出，部分单位存在扫描分辨率不足、页面倾斜、漏扫重扫等问题，档案室要加强质量检查，不合格的一律返工。",
            "三、会议要求，扫描图像分辨率不低于三百点每英寸，有红头和印章的页面采用彩色扫描，原件保持原貌，不得拆改。",
            "四、会议要求，数字化成果应当同时生成可检索的文本，文字识别结果要经过人工抽检，抽检比例不低于百分之五。",
            "五、会议明确，信息中心负责系统建设和数据备份，办公室负责统筹协调，各业务单位负责本单位档案的整理和移交。",
            "六、会议要求，涉密档案不得进行外包数字化，数字化工作应当在局内专用场所进行，工作人员应当签订保密承诺书。",
            "七、会议决定，十月底前完成二〇二〇年度以前形成档案的数字化，年底前组织验收，验收结果纳入年度考核。",
            "八、会议强调，各单位要高度重视档案工作，主要负责同志要亲自过问，确保人员、经费和设备落实到位。",
            "九、会议还研究了档案库房改造、档案利用服务、电子文件归档等事项，要求办公室会同有关单位提出具体方案，报局党组研究。",
        ],
        signer=f"{BUREAU}办公室", date_text="2021年6月11日", cc="抄送：市档案局。",
        printed_by=f"{BUREAU}办公室　　　　2021年6月11日印发")),
        "labels": _labels(category="WS", secrecy="internal", doc_no="青人社纪〔2021〕3号", issuer=BUREAU,
                          title="关于档案数字化工作推进会议的纪要", date="2021-06-11", doc_type="纪要", retention="Y"),
        "evidence": []})

    s.append({"file": "ws_request_2019.pdf", "seed": 18, "skew": -0.5, "bitonal": True, "pages": lambda: official_document(OfficialDoc(
        masthead=f"{BUREAU}文件", doc_no="青人社呈〔2019〕9号",
        title="关于申请档案库房改造经费的请示",
        addressee="市财政局：",
        paragraphs=[
            "我局档案库房建于一九九八年，面积三百二十平方米，现存文书档案、社会保险业务档案和人事档案共计二万六千余卷。",
            "由于建成时间较长，库房存在防潮、防火设施老化，温湿度控制设备缺失，密集架容量不足等问题，已不能满足档案安全保管的需要。",
            "根据《机关档案管理规定》和档案库房建设标准，我局拟对档案库房进行改造，主要内容包括：更换防火门窗和消防设施，安装温湿度自动监控系统，增加密集架一百二十组，建设数字化加工用房。",
            "经测算，改造所需经费共计八十六万元。其中，消防和安防设施二十四万元，温湿度控制系统十八万元，密集架三十六万元，数字化用房改造八万元。",
            "改造完成后，库房可容纳档案四万卷，能够满足今后十年档案增长的需要，档案保管条件将达到国家标准。",
            "为保障档案安全，恳请贵局将上述经费列入二〇一九年度追加预算予以安排。",
            "妥否，请批示。",
        ],
        attachments=["档案库房改造经费预算表", "档案库房现状照片"],
        signer=BUREAU, date_text="2019年3月18日", cc="抄送：市档案局。",
        printed_by=f"{BUREAU}办公室　　　　2019年3月19日印发")),
        "labels": _labels(category="WS", secrecy="internal", doc_no="青人社呈〔2019〕9号", issuer=BUREAU,
                          title="关于申请档案库房改造经费的请示", date="2019-03-18", doc_type="请示", retention="Y"),
        "evidence": []})

    pid = make_id("220102", "19780312", "341")
    s.append({"file": "rs_cadre_resume.jpg", "seed": 19, "skew": 0.6, "pages": lambda: [form_page(
        "干部履历表",
        [["姓名", "林秋实", "性别", "男", "民族", "汉族"],
         ["出生年月", "1978年3月", "籍贯", "云岭省青禾市", "政治面貌", "中共党员"],
         ["身份证号", pid],
         ["参加工作时间", "1999年7月", "学历", "大学本科", "职称", "经济师"],
         ["工作单位及职务", f"{BUREAU}社会保险科副科长"],
         ["1995.09—1999.07", "云岭大学经济学院劳动经济专业学习"],
         ["1999.07—2008.12", f"{BUREAU}就业科科员"],
         ["2008.12—2016.05", f"{BUREAU}社会保险科主任科员"],
         ["2016.05—", f"{BUREAU}社会保险科副科长"]],
        [1.8, 1.2, 1.0, 1.3, 1.2, 1.2],
        header=["填表日期：2017年4月6日"],
        footer=["填表人：林秋实　　　　组织审核：（盖章）"],
        seal=BUREAU, color=True)],
        "labels": _labels(category="RS", secrecy="internal", title="干部履历表", date="2017-04-06", doc_type="履历表",
                          person_name="林秋实", person_id=pid, personnel_class="1", retention="Y"),
        "evidence": ["red_seal"]})

    pid2 = make_id("220104", "19850921", "526")
    s.append({"file": "rs_assessment_2022.png", "seed": 20, "skew": -0.3, "bitonal": True, "pages": lambda: [form_page(
        "年度考核登记表（2022年度）",
        [["姓名", "沈若岚", "性别", "女", "出生年月", "1985年9月"],
         ["身份证号", pid2],
         ["单位及职务", f"{BUREAU}就业促进科科员"],
         ["个人总结", "本年度认真履行岗位职责，完成就业登记、创业补贴审核等工作。"],
         ["主管领导评语", "工作认真负责，业务熟练，完成任务较好。"],
         ["考核等次", "优秀"]],
        [1.3, 1.2, 0.9, 0.9, 1.3, 1.3],
        header=["考核年度：2022年"],
        footer=["考核委员会审核意见：同意　　　　2023年1月12日"])],
        "labels": _labels(category="RS", secrecy="internal", title="年度考核登记表（2022年度）", date="2023-01-12",
                          doc_type="考核登记表", person_name="沈若岚", person_id=pid2, personnel_class="3", retention="Y"),
        "evidence": []})

    pid3 = make_id("220102", "19600114", "287")
    s.append({"file": "sb_pension_approval_2020.jpg", "seed": 21, "skew": 0.9, "pages": lambda: [form_page(
        "基本养老保险待遇核定表",
        [["单位名称", "青禾市第二机械厂"],
         ["姓名", "赵守诚", "性别", "男", "出生年月", "1960年1月"],
         ["公民身份号码", pid3],
         ["社会保障号码", pid3],
         ["参加工作时间", "1978年9月", "退休时间", "2020年1月", "缴费年限", "41年4个月"],
         ["基础养老金", "1862.40元", "个人账户养老金", "1124.75元", "过渡性养老金", "936.00元"],
         ["月养老金合计", "3923.15元"],
         ["经办人", "周晓", "复核人", "韩立新", "审批人", "孟庆和"]],
        [1.5, 1.2, 1.5, 1.2, 1.5, 1.2],
        header=["业务类型：养老待遇　　核定日期：2020年1月20日"],
        footer=["经办机构（盖章）：青禾市社会保险事业管理局"],
        seal="青禾市社会保险事业管理局", color=True)],
        "labels": _labels(category="SB", secrecy="internal", title="基本养老保险待遇核定表", date="2020-01-20",
                          doc_type="核定表", person_name="赵守诚", person_id=pid3, business_step="养老待遇",
                          retention="D100", issuer="青禾市社会保险事业管理局"),
        "evidence": ["red_seal"]})

    pid4 = make_id("220106", "19920705", "118")
    s.append({"file": "sb_enrolment_2019.jpg", "seed": 22, "skew": -0.8, "pages": lambda: [form_page(
        "社会保险个人参保登记表",
        [["姓名", "许嘉禾", "性别", "女", "民族", "汉族"],
         ["公民身份号码", pid4],
         ["户籍所在地", "云岭省青禾市南城区"],
         ["参保单位", "青禾市云河商贸有限公司"],
         ["参保险种", "企业职工基本养老保险　失业保险　工伤保险"],
         ["参保日期", "2019年6月1日", "缴费基数", "4200元", "联系电话", "略"]],
        [1.5, 1.2, 1.0, 1.0, 1.2, 1.2],
        header=["业务类型：参保登记　　登记日期：2019年6月3日"],
        footer=["经办人：周晓　　　　申报人签字：许嘉禾"], color=False)],
        "labels": _labels(category="SB", secrecy="internal", title="社会保险个人参保登记表", date="2019-06-03",
                          doc_type="登记表", person_name="许嘉禾", person_id=pid4, business_step="参保登记",
                          retention="D100"),
        "evidence": []})

    pid5 = make_id("220105", "19880430", "219")
    s.append({"file": "aj_arbitration_award_2019.jpg", "seed": 23, "skew": 0.7, "pages": lambda: official_document(OfficialDoc(
        masthead="青禾市劳动人事争议仲裁委员会", doc_no="青劳人仲案字〔2019〕123号",
        title="仲裁裁决书",
        addressee=f"申请人：马骁，男，汉族，1988年4月30日出生，公民身份号码{pid5}。",
        paragraphs=[
            "被申请人：青禾市云河商贸有限公司，住所地青禾市南城区建设路18号。",
            "申请人因与被申请人劳动报酬争议一案，于2019年5月6日向本委申请仲裁。本委受理后，依法组成仲裁庭公开开庭进行了审理，本案现已审理终结。",
            "经审理查明，申请人于2017年3月入职被申请人处，被申请人拖欠申请人2019年1月至3月工资共计一万二千元。",
            "裁决如下：被申请人于本裁决生效之日起十日内支付申请人工资一万二千元。",
        ],
        signer="仲裁员：吴文静", date_text="2019年7月8日")),
        "labels": _labels(category="AJ", secrecy="internal", doc_no="青劳人仲案字〔2019〕123号",
                          issuer="青禾市劳动人事争议仲裁委员会", title="仲裁裁决书", date="2019-07-08", doc_type="裁决书",
                          person_name="马骁", person_id=pid5, retention="D30"),
        "evidence": ["red_masthead", "red_seal"]})
    return s


def _degrade_pages(spec: dict, pages: list[Page]) -> list[Image.Image]:
    images = []
    for n, page in enumerate(pages):
        seed = spec["seed"] * 100 + n
        color = page.color and not spec.get("bitonal")
        img = degrade(page.img, seed, skew=spec.get("skew", 0.0), color=color, mottle=4.0, noise=1.0)
        if spec.get("rotate"):
            img = img.rotate(spec["rotate"], expand=True)  # counter-clockwise: the page lies on its side
        images.append(to_bitonal(img) if spec.get("bitonal") else img)
    return images


def _encode(name: str, images: list[Image.Image]) -> bytes:
    buf = io.BytesIO()
    suffix = Path(name).suffix
    if suffix == ".jpg":
        images[0].save(buf, "JPEG", quality=JPEG_QUALITY, dpi=(DPI, DPI), optimize=True)
    elif suffix == ".png":
        images[0].save(buf, "PNG", dpi=(DPI, DPI), optimize=True)
    elif suffix == ".tif":
        images[0].save(buf, "TIFF", compression="group4", dpi=(DPI, DPI), save_all=True, append_images=images[1:])
    elif suffix == ".pdf":
        fixed = time.strptime("2019-03-20 09:00:00", "%Y-%m-%d %H:%M:%S")  # fixed dates: deterministic bytes
        # Bitonal pages go in as CCITT G4, as a document scanner's PDF carries them.
        images[0].save(buf, "PDF", resolution=DPI, save_all=True, append_images=images[1:],
                       title="scan", producer="scanner", creationDate=fixed, modDate=fixed)
    return buf.getvalue()


def generate(outdir: Path, only: set[str] | None = None) -> dict:
    """Write the samples (or the named subset) and labels.json into outdir; returns the labels."""
    outdir.mkdir(parents=True, exist_ok=True)
    labels = {}
    for spec in _samples():
        if only is not None and spec["file"] not in only:
            continue
        pages = spec["pages"]()
        images = _degrade_pages(spec, pages)
        (outdir / spec["file"]).write_bytes(_encode(spec["file"], images))
        page_texts = ["\n".join(page.lines) for page in pages]
        labels[spec["file"]] = {**spec["labels"], "pages": len(images), "evidence": spec["evidence"],
                                "text": "\n".join(page_texts), "page_texts": page_texts}
    (outdir / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.samples.generate", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder to write the sample scans and labels.json into")
    args = parser.parse_args(argv)
    labels = generate(args.outdir)
    for name in labels:
        print(f"{name}\t{(args.outdir / name).stat().st_size // 1024} KB\t{labels[name]['pages']} page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

