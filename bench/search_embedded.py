"""Benchmark of the embedded search backends (SQLite FTS5 or tantivy, over the same bigrams).

Builds N records with OCR-length pages cut from the corpus (read from --corpus, never copied
into the repository), bulk-indexes them, and times searches as a staff member cleared for
`internal` (the clearance filter) asking for three facets:

    .venv/bin/python bench/search_embedded.py --corpus ../shared/corpus --records 100000

    .venv/bin/python bench/search_embedded.py --backend tantivy --corpus ../shared/corpus --records 100000

Writes bench/results/search_embedded.json (SQLite) or search_tantivy.json (one entry per record count).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path

from archive.codes import Role, Secrecy
from archive.policy import Viewer
from search.embedded import EmbeddedIndex
from search.model import PageText, SearchDocument, SearchIndex, SearchQuery
from search.tantivy_index import TantivyIndex

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红玉梅志文斌鹏宇浩凯晨欣怡婷雪琳"
CATS = ["WS", "SB", "RS", "AJ", "KJ"]
SECRECY = ["public"] * 30 + ["internal"] * 55 + ["secret"] * 10 + ["confidential"] * 4 + ["top_secret"]
DEPTS = ["", "办公室", "养老保险科", "就业促进科", "人事科", "劳动监察大队"]
TYPES = ["通知", "意见", "报告", "决定", "函", "纪要", ""]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(rng: random.Random) -> str:
    body = f"5326{rng.randint(10, 29)}{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def load_corpus(path: Path) -> str:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(path.glob("*.txt")))
    return re.sub(r"[ \t]+", " ", text)


def make_docs(corpus: str, n: int, seed: int = 7):
    rng = random.Random(seed)
    people = [
        (rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))), id_number(rng))
        for _ in range(20_000)
    ]
    for i in range(1, n + 1):
        secrecy = rng.choice(SECRECY)
        cat = rng.choice(CATS)
        name, idno = rng.choice(people) if cat in ("RS", "SB") else ("", "")
        pages = []
        if secrecy != "top_secret":
            for p in range(rng.choice((1, 1, 2, 2, 3))):
                start = rng.randrange(0, len(corpus) - 1200)
                text = corpus[start : start + rng.randint(500, 1100)]
                if name and p == 0:
                    text = f"姓名：{name} 公民身份号码：{idno}\n" + text
                pages.append(PageText(p + 1, text))
        year = rng.randint(1995, 2024)
        yield (
            SearchDocument(
                id=i,
                archival_code=f"J001-{cat}·{year}-D30-{i:07d}",
                title=""
                if secrecy == "top_secret"
                else corpus[(s := rng.randrange(0, len(corpus) - 40)) : s + rng.randint(8, 30)].replace(
                    "\n", ""
                ),
                person_name="" if secrecy == "top_secret" else name,
                person_id="" if secrecy == "top_secret" else idno,
                category=cat,
                year=str(year),
                retention=rng.choice(["Y", "D30", "D10"]),
                secrecy=secrecy,
                fonds="J001",
                doc_type=rng.choice(TYPES),
                department=rng.choice(DEPTS),
                status="filed",
                doc_date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                pages=tuple(pages),
            ),
            (name, idno),
        )


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the analysis pool), all cores."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def time_queries(index: SearchIndex, texts: list[str], who: Viewer, repeat: int = 2) -> dict:
    """Each list twice: p50/p95 over both runs, and the second (warm) run on its own, since
    the first touch of a term's postings reads them from disk when the index is larger than
    the page cache."""
    runs: list[list[float]] = []
    totals = []
    for _ in range(repeat):
        times = []
        for text in texts:
            q = SearchQuery(who, text, facets=("category", "year", "secrecy"), size=10)
            t0 = time.perf_counter()
            res = index.search(q)
            times.append((time.perf_counter() - t0) * 1000)
            totals.append(res.total)
        runs.append(times)
    every = sorted(t for times in runs for t in times)
    warm = sorted(runs[-1])
    return {
        "queries": texts[:5] + (["…"] if len(texts) > 5 else []),
        "runs": len(every),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(_p95(every), 1),
        "max_ms": round(every[-1], 1),
        "warm_p50_ms": round(statistics.median(warm), 1),
        "warm_p95_ms": round(_p95(warm), 1),
        "median_total": int(statistics.median(totals)),
    }


def _p95(sorted_times: list[float]) -> float:
    return sorted_times[max(0, int(len(sorted_times) * 0.95) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, help="index directory (default: a temporary one)")
    ap.add_argument("--backend", choices=("embedded", "tantivy"), default="embedded")
    ap.add_argument("--out", type=Path, help="default: bench/results/search_<backend>.json")
    ap.add_argument(
        "--query-only", action="store_true", help="reuse the index in --dir; time the queries again"
    )
    args = ap.parse_args()

    corpus = load_corpus(args.corpus)
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="search-bench-"))
    index: SearchIndex = EmbeddedIndex(workdir) if args.backend == "embedded" else TantivyIndex(workdir)
    args.out = args.out or Path(__file__).parent / "results" / f"search_{args.backend}.json"
    people: list[tuple[str, str]] = []
    chars = 0

    def docs():
        nonlocal chars
        for doc, person in make_docs(corpus, args.records):
            chars += sum(len(p.text) for p in doc.pages)
            if person[0] and len(people) < 2000:
                people.append(person)
            yield doc

    previous = json.loads(args.out.read_text()).get(str(args.records), {}) if args.out.exists() else {}
    if args.query_only:
        for _ in docs():
            pass
        n, build_s, size, bulk_rate = (
            args.records,
            previous["build_seconds"],
            dir_size(workdir),
            previous["bulk_docs_per_s"],
        )
    else:
        t0, cpu0 = time.perf_counter(), cpu_seconds()
        n = index.rebuild(docs())
        build_s = time.perf_counter() - t0
        cpu_ms_per_doc = (cpu_seconds() - cpu0) * 1000 / max(n, 1)
        size = dir_size(workdir)
        print(
            f"indexed {n} records in {build_s:.0f} s ({n / build_s:.0f} docs/s, "
            f"{cpu_ms_per_doc:.2f} CPU ms per record), {size / 1e9:.2f} GB",
            flush=True,
        )

        # an incremental bulk of fresh documents through the drain's path (committed, WAL)
        extra = [d for d, _ in make_docs(corpus, 2000, seed=99)]
        extra = [SearchDocument(**{**d.__dict__, "id": d.id + args.records}) for d in extra]
        t1 = time.perf_counter()
        index.bulk(extra)
        bulk_rate = len(extra) / (time.perf_counter() - t1)

    who = Viewer("bench", Role.STAFF, Secrecy.INTERNAL)
    # One untimed query (a word in none of the lists below) opens the index and maps the facet
    # columns, as the first request to a freshly started server would; every timed query is a
    # first and a second run of its own words.
    index.search(SearchQuery(who, "通知", facets=("category", "year", "secrecy"), size=10))
    rng = random.Random(3)
    two = [
        "档案",
        "工资",
        "仲裁",
        "保密",
        "工伤",
        "失业",
        "就业",
        "培训",
        "审计",
        "信访",
        "医疗",
        "调解",
        "考核",
        "招聘",
        "公示",
        "退休",
        "补贴",
        "监察",
        "会议",
        "印章",
    ]
    four = [
        "社会保险",
        "劳动关系",
        "人事人才",
        "工作人员",
        "公共服务",
        "信息公开",
        "养老保险",
        "职业技能",
        "劳动监察",
        "档案管理",
        "安全生产",
        "绩效考核",
        "依法行政",
        "财务管理",
        "工伤保险",
        "军转安置",
        "调解仲裁",
        "人才引进",
        "机关作风",
        "请示报告",
    ]
    names = [p[0] for p in rng.sample(people, 20)]
    ids = [p[1] for p in rng.sample(people, 20)]
    latency = {
        "two_char_term": time_queries(index, two, who),
        "four_char_phrase": time_queries(index, four, who),
        "person_name": time_queries(index, names, who),
        "identity_number": time_queries(index, ids, who),
    }
    result = {
        "records": n,
        "avg_text_chars": round(chars / max(n, 1)),
        "rebuild_docs_per_s": previous.get("rebuild_docs_per_s") if args.query_only else round(n / build_s),
        "bulk_docs_per_s": round(bulk_rate),
        "build_seconds": round(build_s),
        "cpu_ms_per_doc": previous.get("cpu_ms_per_doc") if args.query_only else round(cpu_ms_per_doc, 2),
        "cores": os.cpu_count(),
        "index_bytes": size,
        "peak_rss_mb": previous.get("peak_rss_mb")
        if args.query_only
        else round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "viewer": "staff, clearance internal; facets category, year, secrecy; 10 hits with snippets",
        "latency": latency,
        "backend": args.backend,
        "engine": __import__("sqlite3").sqlite_version
        if args.backend == "embedded"
        else "tantivy " + __import__("importlib.metadata").metadata.version("tantivy"),
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    existing[str(n)] = result
    args.out.write_text(json.dumps(existing, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
