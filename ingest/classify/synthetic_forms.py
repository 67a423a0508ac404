"""Synthetic forms: social-insurance business sheets (SB, by business step) and personnel-file
materials (RS, by the ten classes), with labels. Retention follows DOMAIN §3: employer
registration Y, personal enrolment and individual accounts D100, insurance cards D50,
registration certificates D10, annual statistics Y, analysis reports D30, monthly/quarterly
reports D10, inspection and internal control D30; personnel files Y.
"""

from __future__ import annotations

from archive.codes import Secrecy
from ingest.classify.synthetic_pools import CITIES, COMPANIES, COUNTIES, PROVINCES, WORK
from ingest.classify.synthetic_render import Page, Writer

# business step -> [(form title, retention, whose form: employer | person | report)]
SB_FORMS: dict[str, list[tuple[str, str, str]]] = {
    "参保登记": [("社会保险参保单位登记表", "Y", "employer"), ("参保单位信息变更登记表", "Y", "employer"),
                 ("城镇职工基本养老保险个人参保登记表", "D100", "person"), ("参保人员增减变动申报表", "D100", "person"),
                 ("社会保险登记证", "D10", "employer"), ("社会保障卡申领登记表", "D50", "person")],
    "申报征缴": [("社会保险费缴费申报表", "D30", "employer"), ("职工缴费工资基数核定表", "D30", "employer"),
                 ("社会保险费补缴审批表", "D30", "person"), ("基本养老保险个人账户明细表", "D100", "person")],
    "养老待遇": [("基本养老金待遇核定表", "D100", "person"), ("职工退休审批表", "D100", "person"),
                 ("丧葬补助金抚恤金核定表", "D100", "person"), ("城乡居民基本养老保险待遇领取审批表", "D100", "person")],
    "医疗待遇": [("医疗费用报销审核表", "D30", "person"), ("特殊慢性病门诊待遇审批表", "D30", "person"),
                 ("异地就医备案登记表", "D30", "person")],
    "失业待遇": [("失业保险金申领核定表", "D30", "person"), ("失业人员失业保险待遇审批表", "D30", "person"),
                 ("稳岗返还资金审核表", "D30", "employer")],
    "工伤待遇": [("工伤认定申请表", "D100", "person"), ("工伤保险待遇核定表", "D100", "person"),
                 ("一次性伤残补助金核定表", "D100", "person")],
    "生育待遇": [("生育保险待遇核定表", "D30", "person"), ("生育津贴申领表", "D30", "person")],
    "关系转移": [("基本养老保险关系转移接续申请表", "D100", "person"), ("基本养老保险参保缴费凭证", "D100", "person"),
                 ("基本医疗保险关系转移接续联系函", "D100", "person")],
    "稽核监督": [("社会保险稽核通知书", "D30", "employer"), ("社会保险稽核工作底稿", "D30", "employer"),
                 ("社会保险基金监督检查记录", "D30", "report")],
    "基金财务": [("社会保险基金年度决算报表", "Y", "report"), ("社会保险基金收支情况月报", "D10", "report"),
                 ("社会保险基金财务分析报告", "D30", "report")],
    "统计": [("社会保险统计年报", "Y", "report"), ("参保情况统计月报", "D10", "report"),
             ("社会保险待遇发放统计季报", "D10", "report"), ("社会保险数据分析报告", "D30", "report")],
    "复查内审": [("社会保险待遇复查报告", "D30", "report"), ("社会保险经办内部控制检查记录", "D30", "report"),
                 ("业务复核记录表", "D30", "report")],
}

_SB_ROWS: dict[str, list[str]] = {
    "参保登记": ["参保险种 养老 医疗 失业 工伤 生育", "参保日期 {year}年{m}月", "用工形式 合同制", "增减原因 新参保"],
    "申报征缴": ["缴费基数 {amount}元", "缴费月数 {n}个月", "应缴金额 {amount}元 其中单位缴纳 {amount}元",
                 "缴费所属期 {year}年01月至{year}年12月", "补缴原因 单位漏报"],
    "养老待遇": ["退休时间 {year}年{m}月", "累计缴费年限 {n}年", "基础养老金 {amount}元", "个人账户养老金 {amount}元",
                 "过渡性养老金 {amount}元", "月养老金合计 {amount}元"],
    "医疗待遇": ["就诊医院 {city}中心医院", "住院天数 {n}天", "医疗费用总额 {amount}元", "统筹基金支付 {amount}元",
                 "病种 高血压"],
    "失业待遇": ["失业前缴费年限 {n}年", "领取期限 {n}个月", "失业保险金标准 {amount}元/月", "终止劳动合同时间 {year}年{m}月"],
    "工伤待遇": ["受伤时间 {year}年{m}月", "伤残等级 {n}级", "停工留薪期 {n}个月", "一次性伤残补助金 {amount}元",
                 "认定结论 属于工伤"],
    "生育待遇": ["生育类型 顺产", "生育津贴 {amount}元", "产假天数 {n}天", "医疗费用 {amount}元"],
    "关系转移": ["转出地 {city}社会保险事业管理局", "转入地 {other}社会保险事业管理局", "转移基金 {amount}元",
                 "个人账户储存额 {amount}元", "缴费起止时间 {year}年{m}月"],
    "稽核监督": ["稽核时间 {year}年{m}月", "稽核内容 缴费基数申报情况", "少报缴费基数 {amount}元", "稽核结论 需补缴",
                 "被稽核单位 {company}"],
    "基金财务": ["基金收入 {amount}万元", "基金支出 {amount}万元", "累计结余 {amount}万元", "利息收入 {amount}万元",
                 "财政补贴 {amount}万元"],
    "统计": ["参保人数 {amount}人", "离退休人数 {amount}人", "征缴收入 {amount}万元", "待遇支出 {amount}万元",
             "同比增长 {n}%"],
    "复查内审": ["复查对象 待遇领取人员", "复查人数 {amount}人", "发现问题 {n}个", "整改情况 已整改",
                 "检查依据 社会保险经办机构内部控制暂行办法"],
}

# class -> [(title, body rows)]
RS_MATERIALS: dict[str, list[tuple[str, list[str]]]] = {
    "1": [("干部履历表", ["简历：", "{y1}.09—{y2}.07 {prov}大学经济管理专业学习", "{y2}.07—{y3}.12 {city}人力资源和社会保障局科员",
                       "家庭主要成员及重要社会关系"]),
          ("干部履历表（补充表）", ["简历补充：", "{y3}.12—{year}.06 {city}人力资源和社会保障局{dept}副科长"]),
          ("个人简历", ["学习和工作经历：", "{y1}年9月至{y2}年7月在{prov}师范大学学习", "{y2}年7月参加工作"])],
    "2": [("自传", ["本人{name}，{y1}年出生于{prov}{county}一个农民家庭。", "我自幼受到良好的家庭教育，学习刻苦。",
                  "参加工作以来，我认真学习政治理论，努力提高业务能力。"]),
          ("领导干部个人有关事项报告表", ["婚姻状况 已婚", "配偶、子女从业情况 无", "本人因私出入境证件持有情况 无",
                                   "房产情况 {city}住宅一套"]),
          ("思想汇报", ["敬爱的党组织：", "近期我认真学习了党的理论，思想认识有了新的提高。", "汇报人：{name}"])],
    "3": [("{year}年度公务员年度考核登记表", ["考核年度 {year}", "个人总结：一年来，本人认真履行岗位职责，较好完成了各项工作任务。",
                                        "主管领导评语：该同志工作认真负责", "考核等次 {grade}", "考核委员会意见 同意"]),
          ("事业单位工作人员年度考核登记表", ["考核年度 {year}", "个人总结：本人遵守纪律，团结同志。", "考核等次 {grade}"]),
          ("试用期满考核表", ["试用期 {y3}年{m}月至{year}年{m}月", "考核意见：试用期满考核合格，同意转正定级。"]),
          ("干部考察材料", ["民主推荐情况：", "该同志政治立场坚定，工作作风扎实，群众基础较好。", "主要不足：创新意识有待加强。"])],
    "4": [("专业技术职务任职资格评审表", ["现任专业技术职务 经济师", "申报资格 高级经济师", "评审结论 通过",
                                     "主要业绩：参与{work}课题研究"]),
          ("学历学位证明材料", ["毕业院校 {prov}大学", "所学专业 行政管理", "学历 大学本科 学位 管理学学士", "毕业时间 {y2}年7月"]),
          ("培训结业证书", ["参加{work}专题培训班学习，完成全部课程，准予结业。", "培训时间 {year}年{m}月", "学时 {n}学时"]),
          ("党校学习鉴定表", ["学习班次 中青年干部培训班", "学员自我鉴定：通过学习，理论水平明显提高。", "党校鉴定意见：学习成绩优秀"])],
    "5": [("干部人事档案专项审核认定表", ["认定出生日期 {y0}年{m}月", "认定参加工作时间 {y2}年7月", "认定依据：最早档案记载",
                                     "审核意见：经审核，同意认定"]),
          ("出生日期认定表", ["档案记载出生日期不一致情况", "认定出生日期 {y0}年{m}月", "组织人事部门意见 同意"]),
          ("政审意见表", ["政治审查情况：该同志政治立场坚定，无违法违纪记录。", "政审结论 合格"]),
          ("经济责任审计报告", ["审计对象 {name}同志任{dept}科长期间经济责任", "审计意见：未发现重大违规问题"])],
    "6": [("入党志愿书", ["入党介绍人 {name2}", "我志愿加入中国共产党，拥护党的纲领，遵守党的章程。", "支部大会决议：同意接收为预备党员"]),
          ("入党申请书", ["敬爱的党组织：", "我志愿加入中国共产党，愿意为共产主义事业奋斗终身。", "申请人：{name}"]),
          ("预备党员转正申请书", ["预备期 {y3}年{m}月至{year}年{m}月", "支部大会决议：同意按期转为正式党员"]),
          ("中国共产党党员登记表", ["入党时间 {y3}年{m}月", "转正时间 {year}年{m}月", "所在党支部 局机关第一党支部"]),
          ("入团志愿书", ["我志愿加入中国共产主义青年团", "团支部意见 同意"])],
    "7": [("嘉奖审批表", ["主要事迹：在{work}工作中成绩突出", "奖励种类 嘉奖", "审批机关意见 同意给予嘉奖"]),
          ("记功审批表", ["主要事迹：圆满完成{work}任务", "奖励种类 记三等功", "审批意见 同意"]),
          ("优秀公务员审批表", ["考核年度 {year}", "主要表现：工作业绩突出", "审批意见 同意评为优秀"]),
          ("先进工作者登记表", ["荣誉称号 全市{work}工作先进个人", "授予单位 {city}人民政府"])],
    "8": [("处分决定", ["违纪事实：{name}同志在{work}工作中违反工作纪律", "处分种类 {penalty}", "处分期间 {n}个月",
                       "本人对处分的意见：接受"]),
          ("行政警告处分决定书", ["经调查，{name}同志违反有关规定，造成不良影响。", "决定给予{name}同志警告处分。"]),
          ("诫勉谈话记录", ["谈话人 {name2}", "谈话对象 {name}", "谈话内容：对工作中存在的问题进行诫勉"]),
          ("违纪问题调查报告", ["调查对象 {name}", "违纪事实：违规发放补贴", "处理建议：给予{penalty}处分"])],
    "9": [("工资变动审批表", ["原工资 {amount}元", "现工资 {amount}元", "变动原因 正常晋升薪级", "执行时间 {year}年{m}月"]),
          ("干部任免审批表", ["拟任职务 {city}人力资源和社会保障局{dept}科长", "拟免职务 副科长", "任免理由 工作需要"]),
          ("因公出国（境）人员审批表", ["出访国家 新加坡", "出访任务 考察社会保障制度", "出访时间 {year}年{m}月"]),
          ("党代表大会代表登记表", ["当选 中国共产党{city}第{n}次代表大会代表", "代表团 机关代表团"])],
    "10": [("公务员录用审批表", ["报考职位 {dept}科员", "笔试成绩 {n}分", "体检结论 合格", "录用意见 同意录用"]),
           ("工作调动审批表", ["调出单位 {county}人力资源和社会保障局", "调入单位 {city}人力资源和社会保障局",
                               "调动原因 工作需要"]),
           ("干部健康检查表", ["体检项目 内科 外科 心电图", "体检结论 合格", "体检医院 {city}中心医院"]),
           ("干部档案转递通知单", ["转递原因 工作调动", "档案材料 {n}份", "请于收到后一个月内退回回执"]),
           ("事业单位聘用合同书", ["聘用期限 {year}年{m}月至{y4}年{m}月", "岗位 专业技术岗位"])],
}

# Rows any material of a class may carry besides its own: what the class is about, so a form the
# model has not seen still shares its class's words.
RS_CLASS_ROWS: dict[str, list[str]] = {
    "1": ["籍贯 {prov}", "出生地 {prov}{county}", "参加工作时间 {y2}年7月", "学历 大学本科", "家庭主要成员 父亲 母亲 配偶"],
    "2": ["本人成长经历和思想变化情况", "如实向组织报告个人有关事项", "本人对所报告内容的真实性负责", "思想认识和自我剖析"],
    "3": ["考核等次 {grade}", "德 能 勤 绩 廉 五个方面表现", "主管领导评语", "考核委员会意见", "民主测评结果 优秀率{n}%"],
    "4": ["毕业院校 {prov}大学", "专业技术资格", "培训学时 {n}学时", "学位 管理学学士", "继续教育考核 合格"],
    "5": ["审核认定意见", "档案记载情况 存在不一致", "组织人事部门审核", "核实依据 最早档案记载"],
    "6": ["入党介绍人 {name2}", "党支部意见 同意", "上级党组织审批意见", "预备期 一年", "中国共产党党员"],
    "7": ["主要事迹", "奖励种类 嘉奖", "授予 先进个人 荣誉称号", "奖励审批机关意见 同意"],
    "8": ["违纪事实", "处分种类 {penalty}", "处分决定机关", "本人对处分决定的意见", "影响期 {n}个月"],
    "9": ["工资标准 {amount}元", "职务 {dept}科长", "任免审批机关意见", "出国（境）任务", "代表资格"],
    "10": ["调入单位 {city}人力资源和社会保障局", "体检结论 合格", "档案转递", "聘用岗位 专业技术岗", "报到日期"],
}

_DEPTS = ["办公室", "就业促进科", "社会保险科", "劳动关系科", "人事管理科", "法规科", "职业能力建设科"]


def _fill(w: Writer, template: str, ctx: dict) -> str:
    values = dict(ctx, amount=w.rng.randint(300, 98000), n=w.rng.randint(1, 36), m=w.rng.randint(1, 12))
    return template.format(**values)


def _person_rows(w: Writer, name: str, number: str | None, with_id: bool) -> list[str]:
    label = w.pick(["姓名", "姓 名", "姓\u3000名"])
    shown = " ".join(name) if w.chance(0.15) else name
    rows = [f"{label} {shown} 性别 {w.pick(['男', '女'])} 出生年月 {w.rng.randint(1955, 2000)}.{w.rng.randint(1, 12):02d}"]
    if with_id and number:
        id_label = w.pick(["公民身份号码", "身份证号码", "社会保障号码", "公民身份号码："])
        rows.append(f"{id_label} {w.id_text(number)}")
    return rows


def sb_form(w: Writer, step: str, noise: float) -> Page:
    page = Page()
    city, _ = w.pick(CITIES)
    agency = w.pick([f"{city}社会保险事业管理局", f"{w.pick(COUNTIES)}社会保险事业管理局", f"{city}社会保险中心"])
    title, retention, whose = w.pick(SB_FORMS[step])
    year = w.rng.randint(2005, 2023)
    ctx = {"city": city, "other": w.pick(CITIES)[0], "company": w.pick(COMPANIES).format(city=city), "year": year}
    header = w.chance(0.7)
    if header:
        page.add(agency)
    page.add(title if w.chance(0.85) else " ".join(title))
    name = number = None
    if whose != "report":
        page.add(f"单位名称：{ctx['company']}    单位编号：{w.rng.randint(10000000, 99999999)}")
    if whose == "person":
        name, valid = w.name(), w.chance(0.95)
        number = w.person_id(valid)
        page.lines.extend((row, False) for row in _person_rows(w, name, number, True))
    elif whose == "employer":
        page.add(f"法定代表人：{w.name()}  统一社会信用代码：91{w.rng.randint(220101, 532699)}MA{w.rng.randint(10**6, 10**7 - 1)}X")
    else:
        page.add(f"填报单位：{agency}    统计期：{year}年")
    for row in w.rng.sample(_SB_ROWS[step], min(len(_SB_ROWS[step]), w.rng.randint(2, 4))):
        page.add(_fill(w, row, ctx), noisy=True)
    date = w.date(year, year)
    page.add(f"经办人：{w.name()}    复核人：{w.name()}")
    page.add(f"{w.pick(['经办日期', '核定日期', '审核日期', '填报日期'])}：{w.date_text(date, 0.05)}")
    issuer = agency if header or whose == "report" else None
    page.labels.update(category="SB", business_step=step, title=title, issuer=issuer, date=date.isoformat(),
                       person_name=name, person_id=number, retention=retention, secrecy=Secrecy.PUBLIC.value,
                       template=title)
    return page


def rs_material(w: Writer, klass: str, noise: float) -> Page:
    page = Page()
    city, _ = w.pick(CITIES)
    prov = w.pick(PROVINCES)[0]
    title_t, rows = w.pick(RS_MATERIALS[klass])
    name = w.name()
    birth = w.rng.randint(1955, 1998)
    y2 = birth + w.rng.randint(20, 25)
    y3 = y2 + w.rng.randint(1, 8)
    year = min(2023, y3 + w.rng.randint(1, 12))
    ctx = {"name": name, "name2": w.name(), "city": city, "prov": prov, "county": w.pick(COUNTIES), "work": w.pick(WORK),
           "dept": w.pick(_DEPTS), "year": year, "y0": birth, "y1": birth + 18, "y2": y2, "y3": y3, "y4": year + 5,
           "grade": w.pick(["优秀", "称职", "合格", "基本称职"]), "penalty": w.pick(["警告", "记过", "记大过", "降级"])}
    secrecy, term = Secrecy.PUBLIC, None
    if w.chance(0.05):
        secrecy = w.pick([Secrecy.SECRET, Secrecy.CONFIDENTIAL])
        text, term = w.marking(secrecy)
        page.add(text)
    title = _fill(w, title_t, ctx)
    page.add(title if w.chance(0.8) else " ".join(title))
    with_id = w.chance(0.5)
    number = w.person_id(w.chance(0.95)) if with_id else None
    page.lines.extend((row, False) for row in _person_rows(w, name, number, with_id))
    page.add(f"工作单位及职务 {city}人力资源和社会保障局{ctx['dept']}{w.pick(['科员', '副科长', '科长', '主任科员'])}")
    extra = w.rng.sample(RS_CLASS_ROWS[klass], w.rng.randint(1, 2))
    for row in w.rng.sample(rows + extra, len(rows) + len(extra)):
        page.add(_fill(w, row, ctx), noisy=True)
    date = w.date(year, year)
    page.add(f"{w.pick(['填表日期', '填表时间', '日期'])}：{w.date_text(date, 0.1)}")
    page.labels.update(category="RS", personnel_class=klass, title=title, date=date.isoformat(), person_name=name,
                       person_id=number, retention="Y", secrecy=secrecy.value,
                       secrecy_term_months=term if secrecy is not Secrecy.PUBLIC else None, template=title_t)
    return page

