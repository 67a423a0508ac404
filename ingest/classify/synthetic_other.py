"""Synthetic case files (AJ), accounting records (KJ), construction and technical files (JJ) and
audio-visual descriptions (SX), with labels. Retention: case deliberation minutes Y, refusal
notices D2, other case documents D30; accounting per the accounting-archives rules (vouchers and
ledgers D30, annual reports Y, monthly/quarterly reports and bank statements D10).
"""

from __future__ import annotations

from archive.codes import Secrecy
from ingest.classify.synthetic_pools import CITIES, COMPANIES, COUNTIES, WORK
from ingest.classify.synthetic_render import Page, Writer

_CAUSES = ["追索劳动报酬争议", "确认劳动关系争议", "经济补偿金争议", "工伤保险待遇争议", "解除劳动合同争议", "社会保险争议"]


def case_file(w: Writer, noise: float) -> Page:
    page = Page()
    city, abbr = w.pick(CITIES)
    date = w.date(2008, 2023)
    applicant, company = w.name(), w.pick(COMPANIES).format(city=city)
    kind = w.pick(["award", "award", "mediation", "refusal", "penalty", "review", "petition", "minutes"])
    committee = f"{city}劳动人事争议仲裁委员会"
    bureau = f"{city}人力资源和社会保障局"
    number = w.rng.randint(1, 400)
    spec = {
        "award": (committee, "仲裁裁决书", f"{abbr}劳人仲案字", "D30"),
        "mediation": (committee, "仲裁调解书", f"{abbr}劳人仲案字", "D30"),
        "refusal": (committee, "不予受理通知书", f"{abbr}劳人仲不字", "D2"),
        "penalty": (bureau, "劳动保障监察行政处罚决定书", f"{abbr}人社监罚字", "D30"),
        "review": (bureau, "行政复议决定书", f"{abbr}人社复决字", "D30"),
        "petition": (bureau, "信访事项处理意见书", f"{abbr}人社信字", "D30"),
        "minutes": (committee, "案件合议记录", f"{abbr}劳人仲案字", "Y"),
    }
    issuer, title, prefix, retention = spec[kind]
    page.add(issuer)
    page.add(title if w.chance(0.7) else " ".join(title))
    number_text, doc_no = w.doc_no(prefix, date.year, number)
    page.add(f"案号：{number_text}" if kind == "minutes" else number_text)
    person = applicant
    if kind == "penalty":
        person = None
        page.add(f"被处罚单位：{company}")
        page.add(f"法定代表人：{w.name()}    地址：{city}{w.pick(COUNTIES)}")
        body = ["经调查，你单位存在未按时足额支付劳动者工资的违法行为。",
                f"依据《劳动保障监察条例》第二十六条的规定，决定对你单位处以罚款{w.rng.randint(2, 50)}000元。",
                "如不服本处罚决定，可在收到本决定书之日起六十日内申请行政复议。"]
    elif kind == "petition":
        page.add(f"信访人：{applicant}，{w.pick(['男', '女'])}，住{city}{w.pick(COUNTIES)}。")
        body = ["你反映的关于养老保险待遇核定有关问题，我局已受理。", "经调查核实，现答复如下。",
                "如对本处理意见不服，可在收到本意见书之日起30日内向上一级行政机关请求复查。"]
    else:
        page.add(f"申请人：{applicant}，{w.pick(['男', '女'])}，{w.rng.randint(1960, 2000)}年出生，住{city}。")
        page.add(f"被申请人：{company}")
        page.add(f"案由：{w.pick(_CAUSES)}")
        body = {
            "award": ["申请人向本委申请仲裁，本委依法受理并组成仲裁庭公开开庭审理了本案。",
                      "经审理查明，申请人于入职后未签订书面劳动合同。", "裁决如下：被申请人支付申请人工资差额。",
                      "本裁决为终局裁决，自作出之日起发生法律效力。"],
            "mediation": ["经本委主持调解，双方当事人自愿达成如下协议。", "被申请人一次性支付申请人经济补偿金。",
                          "本调解书经双方当事人签收后发生法律效力。"],
            "refusal": ["你提出的仲裁申请不符合受理条件。", "根据《劳动人事争议仲裁办案规则》的规定，决定不予受理。",
                        "你可以就该争议事项向人民法院提起诉讼。"],
            "review": ["申请人不服被申请人作出的工伤认定决定，向本机关申请行政复议。", "本机关依法受理并进行了审查。",
                       "决定维持被申请人作出的具体行政行为。"],
            "minutes": ["合议庭成员：首席仲裁员、仲裁员二名", "合议意见：经合议，多数意见认为应支持申请人的请求。",
                        "少数意见：无", "记录人："],
        }[kind]
    for sentence in body:
        page.add(sentence, noisy=True)
    page.add("")
    page.add(issuer)
    page.add(w.date_text(date, 0.4))
    page.labels.update(category="AJ", title=title, doc_no=doc_no, issuer=issuer, date=date.isoformat(),
                       person_name=person, retention=retention, secrecy=Secrecy.PUBLIC.value, template=kind)
    return page


_KJ = [("记账凭证", "D30", "voucher"), ("收款凭证", "D30", "voucher"), ("付款凭证", "D30", "voucher"),
       ("总分类账", "D30", "ledger"), ("现金日记账", "D30", "ledger"), ("银行存款日记账", "D30", "ledger"),
       ("明细分类账", "D30", "ledger"), ("{year}年度财务决算报告", "Y", "report"), ("{year}年{m}月会计报表", "D10", "report"),
       ("{year}年第{q}季度财务报表", "D10", "report"), ("银行存款余额调节表", "D10", "report"), ("银行对账单", "D10", "report")]
_ACCOUNTS = ["银行存款", "库存现金", "社会保险基金支出—基本养老金", "应付职工薪酬", "事业支出—办公费", "其他应收款",
             "零余额账户用款额度", "财政拨款收入", "固定资产", "暂存款"]


def accounting_record(w: Writer, noise: float) -> Page:
    page = Page()
    city, _ = w.pick(CITIES)
    org = w.pick([f"{city}人力资源和社会保障局", f"{city}社会保险事业管理局", f"{city}就业服务局"])
    title_t, retention, kind = w.pick(_KJ)
    date = w.date(2005, 2023)
    title = title_t.format(year=date.year, m=date.month, q=(date.month - 1) // 3 + 1)
    page.add(title if w.chance(0.8) else " ".join(title))
    page.add(f"{w.pick(['核算单位', '编制单位'])}：{org}")
    if kind == "voucher":
        page.add(f"{w.date_text(date, 0.0)}    凭证号：记字第{w.rng.randint(1, 300)}号")
        page.add("摘要 会计科目 明细科目 借方金额 贷方金额")
        for _ in range(w.rng.randint(2, 4)):
            page.add(f"拨付{date.month}月{w.pick(_ACCOUNTS)} {w.rng.randint(100, 999999)}.{w.rng.randint(0, 99):02d}", noisy=True)
        page.add(f"附单据 {w.rng.randint(1, 12)} 张")
        page.add(f"会计主管：{w.name()} 记账：{w.name()} 审核：{w.name()} 制单：{w.name()}")
    elif kind == "ledger":
        page.add(f"会计科目：{w.pick(_ACCOUNTS)}    {date.year}年度")
        page.add("月 日 凭证号数 摘要 借方 贷方 借或贷 余额")
        for _ in range(w.rng.randint(3, 6)):
            page.add(f"{w.rng.randint(1, 12)} {w.rng.randint(1, 28)} 记{w.rng.randint(1, 300)} {w.pick(['上年结转', '本月合计', '本年累计', '收到拨款', '支付费用'])} "
                     f"{w.rng.randint(100, 999999)}.00", noisy=True)
        page.add(f"记账：{w.name()}")
        page.add(f"日期：{w.date_text(date, 0.0)}")
    else:
        for item in w.rng.sample(["资产总额", "负债总额", "净资产", "本期收入", "本期支出", "财政拨款", "基金结余"], 4):
            page.add(f"{item} {w.rng.randint(10, 99999)}.{w.rng.randint(0, 99):02d}万元", noisy=True)
        page.add(f"单位负责人：{w.name()}  会计机构负责人：{w.name()}")
        page.add(f"报送日期：{w.date_text(date, 0.0)}")
    page.labels.update(category="KJ", title=title, issuer=org, date=date.isoformat(), retention=retention,
                       secrecy=Secrecy.PUBLIC.value, template=title_t)
    return page


_JJ = [("{org}业务用房维修改造工程招标文件", "D30"), ("{org}档案库房改造工程施工合同", "Y"),
       ("{org}社会保险信息系统建设项目竣工验收报告", "Y"), ("{org}办公楼建设工程监理日志", "D30"),
       ("{org}服务大厅装修工程设计图纸", "Y"), ("{org}业务用房维修改造工程投标文件", "D30"),
       ("{org}就业服务中心建设项目可行性研究报告", "Y"), ("{org}机房建设工程决算审计报告", "Y")]


def construction_record(w: Writer, noise: float) -> Page:
    page = Page()
    city, _ = w.pick(CITIES)
    org = f"{city}人力资源和社会保障局"
    title_t, retention = w.pick(_JJ)
    title = title_t.format(org=org)
    date = w.date(2005, 2023)
    page.add(title)
    rows = [f"工程名称：{title[len(org):].split('工程')[0]}工程", f"建设单位：{org}",
            f"施工单位：{city}{w.pick(['第一建筑工程有限公司', '建工集团有限公司', '鑫达建设有限公司'])}",
            f"监理单位：{city}{w.pick(['建设监理有限公司', '工程咨询有限公司'])}",
            f"合同价款：{w.rng.randint(20, 900)}万元", f"建筑面积：{w.rng.randint(200, 9000)}平方米",
            "质量等级：合格", "验收意见：工程质量符合设计和规范要求，同意验收。",
            "招标方式：公开招标", "施工工期：180日历天", "主要设备：服务器、存储设备、网络交换机"]
    for row in w.rng.sample(rows, 5):
        page.add(row, noisy=True)
    page.add("")
    page.add(org)
    page.add(w.date_text(date, 0.05))
    page.labels.update(category="JJ", title=title, issuer=org, date=date.isoformat(), retention=retention,
                       secrecy=Secrecy.PUBLIC.value, template=title_t)
    return page


def audiovisual_record(w: Writer, noise: float) -> Page:
    page = Page()
    city, _ = w.pick(CITIES)
    date = w.date(2005, 2023)
    events = [(f"{date.year}年全市人力资源和社会保障工作会议", "Y"), (f"省人社厅领导到{city}调研{w.pick(WORK)}工作", "Y"),
              (f"{w.pick(WORK)}政策宣传活动", "D30"), (f"{date.year}年春风行动招聘会", "D30")]
    index = w.rng.randrange(len(events))
    event, retention = events[index]
    medium, unit = w.pick([("照片档案", "张"), ("录像档案", "分钟"), ("录音档案", "分钟")])
    title = f"{event}{medium}"
    page.add(title)
    page.add(f"档号：ZP·{date.year}-{w.rng.randint(1, 500):04d}" if medium == "照片档案" else f"载体：{w.pick(['DVD光盘', '移动硬盘', '磁带'])}")
    page.add(f"拍摄时间：{w.date_text(date, 0.0)}")
    for row in w.rng.sample([f"拍摄地点：{city}人力资源和社会保障局会议室", f"摄影者：{w.name()}",
                             "人物：局领导班子成员及各科室负责人", f"数量：{w.rng.randint(3, 120)}{unit}",
                             "格式：JPEG" if medium == "照片档案" else "格式：MP4", "背景：会议主席台",
                             f"文字说明：{event}现场"], 4):
        page.add(row, noisy=True)
    page.labels.update(category="SX", title=title, date=date.isoformat(), retention=retention,
                       secrecy=Secrecy.PUBLIC.value, template=f"{medium}{index}")
    return page
