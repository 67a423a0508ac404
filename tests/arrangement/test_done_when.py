"""Issue 13's done-when, as a person runs it from a fresh ARCHIVE_HOME (embedded defaults): ingest
two scans, `archive volume create`, `archive volume add`, `archive print contents VOLUME`; the
PDF embeds every font, shows both titles and the volume's 档号, and declares PDF/A-2b."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pikepdf

from tests.pipeline.conftest import archivist_env, small_scan

ARCHIVE = str(Path(sys.executable).parent / "archive")


def run(env, *args):
    done = subprocess.run([ARCHIVE, *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_two_scans_into_a_volume_and_its_contents_printed(tmp_path):
    env = dict(os.environ, ARCHIVE_HOME=str(tmp_path / "home"), ARCHIVE_LANG="en")
    for var in ("ARCHIVE_DATABASE_URL", "ARCHIVE_STORAGE_URL", "ARCHIVE_SEARCH_URL", "ARCHIVE_BROKER_URL",
                "ARCHIVE_CONFIG", "ARCHIVE_TOKEN"):
        env.pop(var, None)
    run(env, "init")
    env = archivist_env(env)
    scans = tmp_path / "in"
    scans.mkdir()
    for n, title in enumerate(["关于养老待遇核定的通知", "关于失业保险金发放的通知"], start=1):
        (scans / f"{n}.png").write_bytes(small_scan([f"吉人社发〔2022〕{n}号", title, "2022年3月15日"]))
    filed = [json.loads(line) for line in run(env, "ingest", str(scans), "--category", "SB", "--json").splitlines()]
    assert len(filed) == 2 and all(r["archival_code"] for r in filed)
    year = re.search(r"·(\d{4})-", filed[0]["archival_code"])[1]  # the year the pipeline read from the scan

    made = json.loads(run(env, "volume", "create", "--fonds", "J001", "--category", "SB", "--year", year,
                          "--retention", "D100", "--title", "2022年3月 养老保险 养老待遇", "--json"))
    code = made["volume"]["archival_code"]
    assert re.fullmatch(rf"J001-SB·{year}-D100-\d{{4}}", code)
    added = json.loads(run(env, "volume", "add", code, *[r["archival_code"] for r in filed], "--json"))
    assert [i["item_code"] for i in added["items"]] == [f"{code}-001", f"{code}-002"]
    titles = [i["title"] for i in added["items"]]
    shown = json.loads(run(env, "volume", "show", code, "--json"))
    assert [i["sequence"] for i in shown["items"]] == [1, 2]

    pdf = tmp_path / "c.pdf"
    run(env, "print", "contents", code, "--out", str(pdf))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", f) for f in fonts), fonts  # emb, sub
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert code in text
    for title in titles:
        assert title and re.sub(r"\s+", "", title) in text, (title, text[:500])
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        assert meta.pdfa_status == "2B"
    # `archive ingest --volume` files a scan straight into the volume, after the items there.
    (scans / "3.png").write_bytes(small_scan(["吉人社发〔2022〕3号", "关于工伤保险待遇的通知", "2022年3月20日"]))
    (third,) = [json.loads(line) for line in run(env, "ingest", str(scans / "3.png"), "--category", "SB",
                                                    "--volume", code, "--json").splitlines()]
    shown = json.loads(run(env, "volume", "show", code, "--json"))
    assert [i["id"] for i in shown["items"]][-1] == third["id"] and len(shown["items"]) == 3, (third, shown)
    xlsx = tmp_path / "c.xlsx"
    run(env, "print", "contents", code, "--out", str(xlsx), "--format", "xlsx")
    assert xlsx.read_bytes()[:2] == b"PK"
