"""Issue 19, done when: a generated year of 2,000 records across every category, run through the
catalog's schedule, gets the retention DOMAIN.md §3 and §15 prescribe for every kind listed
there. The table is printed (`pytest -s`) and is the assertion message when a kind goes wrong."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict

from archive.models import Record
from ingest.classify.retention_schedule import CatalogSchedule
from retention import schedule

YEAR = 2019
N = 2000
NAMES = ("王某某", "李某某", "张某某", "刘某某", "陈某某")
UNITS = ("某某科技有限公司", "某某市第一建筑公司", "某某商贸有限公司", "某某县人民医院")

# (DOMAIN.md section and kind, category, title patterns, 文种, business step, prescribed period)
KINDS: list[tuple[str, str, tuple[str, ...], str, str, str]] = [
    ("§3 本机关规章制度", "WS", ("某某市人力资源和社会保障局档案管理办法", "关于印发《机关财务管理规定》的通知"), "通知", "", "Y"),
    ("§3 重要会议纪要", "WS", ("{y}年第{n}次局长办公会议纪要", "中共某某市人社局党组会议纪要（{y}年第{n}次）"), "", "", "Y"),
    ("§3 任免", "WS", ("关于{p}同志任职的通知", "关于{p}同志免职的通知", "关于聘任{p}为科长的通知", "关于{p}等同志任免的通知"),
     "通知", "", "Y"),
    ("§3 机构设置与调整", "WS", ("关于调整局内设机构设置的通知", "关于成立档案工作领导小组的通知"), "通知", "", "Y"),
    ("§3 请示与批复", "WS", ("关于申请增加编制的请示", "关于同意调整社保经办机构的批复"), "", "", "Y"),
    ("§3 合同与产权", "WS", ("办公楼租赁合同（{y}）", "某某大楼房产证明材料"), "", "", "Y"),
    ("§3 一般业务文件", "WS", ("关于报送{y}年第{n}季度信息的函", "关于做好节日值班工作的函"), "函", "", "D30"),
    ("§3 一般人事事项", "WS", ("关于{y}年职工年休假安排的通知", "第{n}期业务培训签到表", "{y}年{n}月考勤表"), "", "", "D10"),
    ("§3 不予受理告知书（文书）", "WS", ("不予受理告知书（{p}）",), "", "", "D2"),
    ("§3 用人单位参保登记", "SB", ("{u}参保单位登记表", "用人单位参保信息变更登记表（{u}）"), "", "", "Y"),
    ("§3 个人参保", "SB", ("{p}个人参保登记表", "参保人员增减变动表（{u}）"), "", "", "D100"),
    ("§3 个人账户", "SB", ("{p}个人账户对账单",), "", "", "D100"),
    ("§3 社会保障卡", "SB", ("{p}社会保障卡申领表",), "", "", "D50"),
    ("§3 登记证", "SB", ("{u}社会保险登记证",), "", "", "D10"),
    ("§3 年度统计", "SB", ("{y}年度社会保险统计年报",), "", "", "Y"),
    ("§3 数据与分析报告", "SB", ("{y}年养老保险基金运行分析报告",), "", "", "D30"),
    ("§3 月度季度报表", "SB", ("{y}年{n}月社会保险基金月报", "{y}年第{n}季度征缴季报"), "", "", "D10"),
    ("§3 稽核监督内控", "SB", ("{u}社会保险稽核报告", "{y}年度内部控制检查记录"), "", "", "D30"),
    ("§15 不予受理告知书", "SB", ("不予受理{p}养老保险待遇申请告知书",), "", "养老待遇", "D2"),
    ("§15 不予核定告知书", "SB", ("不予核定{p}养老保险待遇告知书",), "", "养老待遇", "D2"),
    ("§15 不予核发告知书", "SB", ("不予核发{p}失业保险金告知书",), "", "失业待遇", "D2"),
    ("§15 不予支付告知书", "SB", ("不予支付{p}工伤医疗费用告知书",), "", "工伤待遇", "D2"),
    ("§15 不予更改告知书", "SB", ("不予更改{p}个人参保信息告知书",), "", "", "D2"),
    ("§15 不予重核告知书", "SB", ("不予重核{p}生育保险待遇告知书",), "", "生育待遇", "D2"),
    ("§3 案件合议记录", "AJ", ("{p}劳动争议案件合议记录",), "", "", "Y"),
    ("§3 不予受理告知书（案件）", "AJ", ("{p}仲裁申请不予受理通知书",), "", "", "D2"),
    ("§3 人事档案", "RS", ("{p}干部人事档案", "{p}职工履历表"), "", "", "Y"),
    *[(f"§3 销毁清册与鉴定报告（{c}）", c, (f"{{y}}年{name}档案销毁清册", f"{{y}}年{name}档案鉴定报告"), "", "", "Y")
      for c, name in (("WS", "文书"), ("SB", "社会保险业务"), ("RS", "人事"), ("AJ", "案件"), ("KJ", "会计"),
                      ("JJ", "基建"), ("SX", "声像"))],
]


def _title(rng: random.Random, pattern: str) -> str:
    return pattern.format(y=YEAR, n=rng.randint(1, 12), p=rng.choice(NAMES), u=rng.choice(UNITS))


def test_a_generated_year_gets_the_prescribed_retention(world):
    rng = random.Random(19)
    started = time.monotonic()
    with world["catalog"].session() as s:
        rules = schedule.active_rules(s)
        detached, differ = CatalogSchedule.of(rules), []
        made: list[tuple[str, Record]] = []
        for i in range(N):
            label, category, patterns, doc_type, step, _ = KINDS[i % len(KINDS)]
            record = Record(fonds_id=world["fonds_id"], category_code=category, year=YEAR, retention="",
                            title=_title(rng, rng.choice(patterns)), doc_type=doc_type, business_step=step,
                            status="filed")
            rule = schedule.governs(rules, record)
            record.retention = rule.retention if rule is not None else "D30"
            # ingest proposes from the same rules, detached from the catalog (it simplifies the title first)
            proposed = detached.propose(category, record.title, doc_type or None, step or None)[0].value
            if proposed != record.retention:
                differ.append(f"{record.title}: catalog {record.retention}, ingest {proposed}")
            made.append((label, record))
        s.add_all([r for _, r in made])
        s.flush()
        got: dict[str, Counter] = defaultdict(Counter)
        wrong: list[str] = []
        expected = {k[0]: k[5] for k in KINDS}
        for label, record in made:
            got[label][record.retention] += 1
            if record.retention != expected[label] and len(wrong) < 20:
                wrong.append(f"{record.title} → {record.retention}")
        dated_ok = all(r.retention_due is None if r.retention == "Y" else r.retention_due is not None for _, r in made)
    lines = [f"{'kind (DOMAIN.md)':<30} {'n':>4} {'prescribed':>10}  got", "-" * 64]
    for label, *_rest, period in KINDS:
        lines.append(f"{label:<30} {sum(got[label].values()):>4} {period:>10}  "
                     + ", ".join(f"{k}×{v}" for k, v in sorted(got[label].items()))
                     + ("" if set(got[label]) == {period} else "  ✗"))
    table = "\n".join(lines)
    print(f"\n{N} records of {YEAR} through the schedule ({time.monotonic() - started:.1f} s)\n{table}")
    assert sum(sum(c.values()) for c in got.values()) == N
    assert not wrong, table + "\n" + "\n".join(wrong)
    assert dated_ok
    assert not differ, differ[:10]
