"""A legacy catalogue as archive rooms keep them, generated: a workbook with 归档文件目录 (items),
案卷目录 (volumes) and 卷内目录 (rows under a volume), each under a caption row, plus a GBK CSV
beside it, with deliberately bad rows whose places are known. The benchmark uses it too."""

from __future__ import annotations

import csv
import dataclasses
import random
from pathlib import Path

from openpyxl import Workbook

ITEM_HEADERS = ["件号", "档号", "文号", "责任者", "题名", "日期", "页数", "密级", "保管期限", "备注"]
VOLUME_HEADERS = ["案卷号", "档号", "案卷题名", "起止日期", "页数", "保管期限", "密级"]
IN_VOLUME_HEADERS = ["案卷档号", "序号", "档号", "文号", "责任者", "题名", "日期", "页号", "备注"]
CSV_HEADERS = ["档号", "全宗号", "年度", "保管期限", "文号", "责任者", "题名", "日期", "页数", "密级", "备注"]
SEARCHABLE_TITLE = "关于荔枝湾街道社保经办窗口延时服务的通知"
RETENTIONS = [("永久", "Y"), ("长期", "C"), ("短期", "D"), ("30年", "D30"), ("10年", "D10")]
SECRECY = ["", "", "", "内部", "公开", "秘密★5年", "机密", "秘密"]
SUBJECTS = ["养老保险待遇核定", "失业保险金申领", "工伤认定", "劳动保障监察", "社会保障卡发放", "就业援助", "职称评审"]


def chinese_year(year: int) -> str:
    digits = "〇一二三四五六七八九"
    return "".join(digits[int(c)] for c in str(year))


def written_date(rng: random.Random, year: int) -> tuple[str, str]:
    """A date as old catalogues write it, and its eight-digit form (unknown parts 00)."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    months = "一二三四五六七八九十"
    month_cn = months[month - 1] if month <= 10 else "十" + months[month - 11]
    forms = [
        (f"{chinese_year(year)}年{month_cn}月", f"{year}{month:02d}00"),
        (f"{year}.{month}", f"{year}{month:02d}00"),
        (f"{year}{month:02d}{day:02d}", f"{year}{month:02d}{day:02d}"),
        (f"{year}年{month}月{day}日", f"{year}{month:02d}{day:02d}"),
    ]
    return rng.choice(forms)


@dataclasses.dataclass
class Legacy:
    workbook: Path
    csv: Path
    good_codes: set[str]
    volume_codes: set[str]
    bad_rows: set[tuple[str, str, int]]  # (file, sheet, row)
    searchable_title: str = SEARCHABLE_TITLE


def make_legacy(folder: Path, *, items: int = 1150, volumes: int = 50, per_volume: int = 16, csv_rows: int = 200,
                seed: int = 14, bad: bool = True) -> Legacy:
    """items + volumes + volumes*per_volume rows in the workbook (default 2,000), csv_rows in the CSV."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    good: set[str] = set()
    bad_rows: set[tuple[str, str, int]] = set()
    book = Workbook(write_only=True)
    name = "legacy.xlsx"

    sheet = book.create_sheet("归档文件目录")
    sheet.append(["归档文件目录"])
    sheet.append(ITEM_HEADERS)
    for n in range(1, items + 1):
        year = 1990 + n % 20
        term, letter = RETENTIONS[n % len(RETENTIONS)]
        code = f"J001-WS·{year}-{letter}-{n:04d}"
        written, _ = written_date(rng, year)
        title = SEARCHABLE_TITLE if n == 1 else f"关于{rng.choice(SUBJECTS)}有关问题的通知（{n}）"
        row = [n, code, f"人社发〔{year}〕{n}号", "市劳动和社会保障局", title, written, rng.randint(1, 30),
               rng.choice(SECRECY), term, ""]
        good.add(code)
        sheet.append(row)

    volume_sheet = book.create_sheet("案卷目录")
    volume_sheet.append(["案卷目录"])
    volume_sheet.append(VOLUME_HEADERS)
    inner = book.create_sheet("卷内目录")
    inner.append(["卷内文件目录"])
    inner.append(IN_VOLUME_HEADERS)
    volume_codes = set()
    for v in range(1, volumes + 1):
        year = 2000 + v % 15
        vcode = f"J001-SB·{year}-D100-{v:03d}"
        volume_codes.add(vcode)
        volume_sheet.append([v, vcode, f"{year}年{rng.choice(SUBJECTS)}业务档案（第{v}卷）",
                             f"{year}0101-{year}1231", per_volume * 3, "100年", ""])
        for s in range(1, per_volume + 1):
            code = f"{vcode}-{s:04d}"
            written, _ = written_date(rng, year)
            inner.append([vcode, s, code, "", "市社会保险事业管理局", f"参保人员待遇核定表（{v}-{s}）", written,
                          f"{3 * s - 2}-{3 * s}", ""])
            good.add(code)

    # Deliberately bad rows of the workbook: (sheet, row that a spreadsheet shows, the row).
    if bad:
        wrong = [
            ("归档文件目录", [9001, "J001-WS·1999-Y-9001", "", "市局", "", "19990101", 1, "", "永久", ""]),  # no title
            ("归档文件目录", [9002, "J001-WS·1999-Y-9002", "", "市局", "坏日期", "1999.13.45", 1, "", "永久", ""]),
            ("归档文件目录", [9003, "J001-WS·1999-Y-9003", "", "市局", "坏密级", "19990101", 1, "超级机密", "永久", ""]),
            ("归档文件目录", [9004, "J001-WS·1999-Y-9004", "", "市局", "坏期限", "19990101", 1, "", "中期", ""]),
            ("归档文件目录", [1, "J001-WS·1991-C-0001", "", "市局", "重号", "19910101", 1, "", "长期", ""]),  # repeats
            ("卷内目录", ["J001-SB·2001-D100-999", 1, "J001-SB·2001-D100-999-0001", "", "社保局", "无此卷",
                      "20010101", "1-2", ""]),
            ("归档文件目录", [9007, "J009-WS·1999-Y-9007", "", "市局", "无此全宗", "19990101", 1, "", "永久", ""]),
        ]
        sheets = {"归档文件目录": sheet, "卷内目录": inner}
        counts = {"归档文件目录": 2 + items, "卷内目录": 2 + volumes * per_volume}
        for sheet_name, row in wrong:
            sheets[sheet_name].append(row)
            counts[sheet_name] += 1
            bad_rows.add((name, sheet_name, counts[sheet_name]))
    book.save(folder / name)

    csv_name = "归档文件目录-补录.csv"
    with (folder / csv_name).open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["归档文件目录（补录）"])
        writer.writerow(CSV_HEADERS)
        for n in range(1, csv_rows + 1):
            year = 2010 + n % 5
            code = f"J001-WS·{year}-Y-BGS-{5000 + n:04d}"
            written, _ = written_date(rng, year)
            writer.writerow([code, "J001", year, "永久", f"办字〔{year}〕{n}号", "局办公室",
                             f"关于{rng.choice(SUBJECTS)}的请示（补{n}）", written, 2, "", ""])
            good.add(code)
        if bad:
            for row in ([f"J001-WS·2011-Y-BGS-{9100:04d}", "J001", "二〇一一", "永久", "", "局办公室", "坏年度",
                         "20110101", 2, "", ""],
                        [f"J001-WS·2011-Y-BGS-{9101:04d}", "J001", 2011, "永久", "", "局办公室", "保密期限过长",
                         "20110101", 2, "秘密★30年", ""],
                        [f"J001-XX·2011-Y-BGS-{9102:04d}", "J001", 2011, "永久", "", "局办公室", "无此门类",
                         "20110101", 2, "", ""]):
                writer.writerow(row)
            for k in range(3):
                bad_rows.add((csv_name, csv_name, 2 + csv_rows + 1 + k))
    return Legacy(folder / name, folder / csv_name, good, volume_codes, bad_rows)
