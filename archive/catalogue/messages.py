"""What the import says about a row or a file, Chinese first and English, by key.

The service reports keys with parameters; each face tells them in its reader's language (the
CLI's ARCHIVE_LANG, the web page's locale), so the words live here once."""

from __future__ import annotations

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "archival_code": ("档号", "archival code"),
    "volume_code": ("案卷档号", "volume code"),
    "fonds": ("全宗号", "fonds"),
    "category": ("门类", "category"),
    "year": ("年度", "year"),
    "retention": ("保管期限", "retention"),
    "legacy_retention": ("原保管期限", "original retention term"),
    "org_code": ("机构(问题)", "organisation"),
    "item_no": ("件号", "item number"),
    "volume_no": ("案卷号", "volume number"),
    "sequence": ("序号", "sequence"),
    "doc_no": ("文号", "document number"),
    "issuer": ("责任者", "responsible body"),
    "title": ("题名", "title"),
    "doc_date": ("日期", "date"),
    "date_range": ("起止日期", "date range"),
    "secrecy": ("密级", "secrecy"),
    "pages": ("页数", "pages"),
    "page_ref": ("页号", "page numbers"),
    "notes": ("备注", "notes"),
    "department": ("部门", "department"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少{field}", "{field} is missing"),
    "bad_code": ("档号“{value}”不可用（空白、过长或含控制字符）", "archival code {value!r} is unusable (blank, too long or with control characters)"),
    "bad_date": ("日期“{value}”无法识别", "date {value!r} is not a date"),
    "bad_secrecy": ("密级“{value}”无法识别", "secrecy {value!r} is not a level"),
    "bad_secrecy_term": ("保密期限“{value}”无法识别", "secrecy term {value!r} is not a term"),
    "secrecy_term_too_long": ("保密期限“{value}”超过该密级最长{years}年", "secrecy term {value!r} exceeds the level's maximum of {years} years"),
    "bad_retention": ("保管期限“{value}”无法识别", "retention {value!r} is not a period"),
    "bad_number": ("{field}“{value}”不是有效数字", "{field} {value!r} is not a valid number"),
    "bad_pages": ("页数/页号“{value}”无法识别", "pages {value!r} is not a count or range"),
    "bad_year": ("年度“{value}”无法识别", "year {value!r} is not a year"),
    "unknown_fonds": ("全宗“{value}”不存在（请先建立全宗）", "fonds {value!r} does not exist (create it first)"),
    "unknown_category": ("门类“{value}”不存在", "category {value!r} does not exist"),
    "duplicate_in_file": ("档号“{value}”重复（首次出现于 {first}）", "archival code {value!r} repeats (first at {first})"),
    "unknown_volume": ("所属案卷“{value}”不存在", "volume {value!r} does not exist"),
    "above_clearance": ("密级高于本人可处理的范围", "the row's secrecy is above your clearance"),
    "out_of_scope": ("不在本人的门类/部门范围内", "outside your categories or departments"),
    "exists_differs": ("档号“{value}”已存在且内容不同，未覆盖", "archival code {value!r} exists with different fields; not overwritten"),
    "code_is_volume": ("档号“{value}”已用于案卷", "archival code {value!r} is already a volume's"),
    "too_long": ("{field}过长（最多{limit}字）", "{field} is too long (at most {limit} characters)"),
    "unreadable_file": ("文件无法读取：{reason}", "the file cannot be read: {reason}"),
    "unknown_type": ("只能导入 .xlsx 或 .csv 文件", "only .xlsx or .csv files can be imported"),
    "no_header": ("未找到表头（需含“档号”与“题名”）", "no header row found (it needs 档号 and 题名 columns)"),
    "bad_encoding": ("文件编码无法识别（支持 UTF-8、GBK、GB18030）", "unknown text encoding (UTF-8, GBK and GB18030 are read)"),
    "bad_mapping": ("映射文件有误：{reason}", "the mapping file is wrong: {reason}"),
    # what the faces print
    "report.dry_run": ("试导入（未写入任何内容）", "dry run (nothing written)"),
    "report.sheet": ("{file} 〔{sheet}〕{layout}：{rows} 行（表头在第 {header} 行）",
                     "{file} [{sheet}] {layout}: {rows} rows (header on row {header})"),
    "report.ignored": ("  未识别的列（未导入）：{columns}", "  columns not recognised (not imported): {columns}"),
    "report.created": ("新建：案卷 {volumes}，归档文件 {items}，卷内文件 {volume_items}",
                       "new: {volumes} volumes, {items} items, {volume_items} in-volume items"),
    "report.would_create": ("将新建：案卷 {volumes}，归档文件 {items}，卷内文件 {volume_items}",
                            "would create: {volumes} volumes, {items} items, {volume_items} in-volume items"),
    "report.unchanged": ("已存在且相同（未改动）：{count}", "already there and identical (unchanged): {count}"),
    "report.problems": ("有问题的行（未导入）：{count}", "rows with problems (not imported): {count}"),
    "report.problem": ("  {where} 第 {row} 行：{reason}", "  {where} row {row}: {reason}"),
    "report.file_problem": ("  {where}：{reason}", "  {where}: {reason}"),
    "attach.attached": ("已挂接 {code}：{pages} 页{review}", "attached {code}: {pages} pages{review}"),
    "attach.review": ("（识别结果与目录不同，待审：{fields}）", " (OCR reads differently, to review: {fields})"),
    "attach.unchanged": ("已挂接过（未改动）：{code}", "attached before (unchanged): {code}"),
    "attach.refused": ("未挂接 {code}：{reason}", "not attached {code}: {reason}"),
    "attach.unmatched": ("未匹配的文件：{name}", "file matching no record: {name}"),
    "export.written": ("已导出 {rows} 行到 {path}", "exported {rows} rows to {path}"),
    "export.csv_one_layout": ("CSV 每个文件只能放一种目录：请用 --layout 选一种", "a CSV holds one layout: choose one with --layout"),
}

LAYOUT_NAMES: dict[str, tuple[str, str]] = {
    "items": ("归档文件目录", "item list"),
    "volumes": ("案卷目录", "volume list"),
    "volume_items": ("卷内目录", "in-volume item list"),
}


def say(key: str, lang: str = "zh", /, **params: object) -> str:
    zh, en = MESSAGES[key]
    english = lang.startswith("en")
    if "field" in params and str(params["field"]) in FIELD_NAMES:
        params = {**params, "field": FIELD_NAMES[str(params["field"])][english]}
    return (en if english else zh).format(**params)


def layout_name(layout: str, lang: str = "zh") -> str:
    return LAYOUT_NAMES.get(layout, (layout, layout))[lang.startswith("en")]
