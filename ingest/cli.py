"""`archive ingest`, `archive watch`, `archive show`, `archive review`, `archive classifier`: the
pipeline from the command line.

Each acts as the person logged in (`archive login` or ARCHIVE_TOKEN): ingest and watch need the
right to file records (an archivist), show and review go through the same services as the web
pages (archive.records, ingest.corrections); `archive classifier train` too (ingest.retraining).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from archive import records
from archive.cli import Context, pass_ctx
from archive.codes import DEFAULT_CATEGORIES, review_reason_label
from archive.errors import ArchiveError
from archive.i18n import lang, secrecy_label
from archive.identity import Identity
from ingest import submission
from ingest.born_digital.sidecar import with_sidecars
from ingest.corrections import correct
from ingest.exactly_once import LeasedIngestService
from ingest.manifest import read_manifest
from ingest.pipeline import IngestService, Options, failed_result, record_result
from ingest.sources import sniff_format

SCAN_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf", ".jp2", ".ofd"}
MANIFEST_SUFFIXES = {".csv", ".xlsx"}
QUEUE_POLL = 1.0  # seconds between looks at the queued records' statuses


def collect(paths: tuple[str, ...]) -> list[tuple[list[Path], dict]]:
    """Expand folders recursively (sorted, so page order is stable); a manifest groups its files;
    a file's sidecar (same stem, .json or .xml) gives its metadata, one transaction one record."""
    groups: list[tuple[list[Path], dict]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            groups.append(([path], {"_error": f"{path}: no such file or folder"}))
        elif path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if f.suffix.lower() in SCAN_SUFFIXES:
                    groups.append(([f], {}))
        elif path.suffix.lower() in MANIFEST_SUFFIXES:
            groups.extend(read_manifest(path))
        else:
            groups.append(([path], {}))
    return with_sidecars(groups)  # foo.ofd + foo.json: the business system's metadata


def _service(ctx: Context, identity: Identity, fonds: str | None, category: str | None, engine: str,
             department: str) -> IngestService:
    # Under each record's lease: a second `archive ingest` of the same files waits for the first.
    options = Options(fonds=fonds or "J001", category=category, engine=engine, department=department)
    return LeasedIngestService(ctx.catalog, ctx.runtime.store, identity, options=options,
                               anchor_every=ctx.settings.audit_anchor_every,
                               lease_seconds=ctx.settings.ingest_lease_seconds, wait=True)


def _category(code: str | None) -> str:
    names = {c: (zh, en) for c, zh, en in DEFAULT_CATEGORIES}
    if code not in names:
        return code or ""
    return names[code][1 if lang() == "en" else 0]


@click.command("ingest", help="导入扫描件：OCR、分类、归档 / ingest scans into filed records")
@click.argument("paths", nargs=-1, required=True)
@click.option("--fonds", help="fonds code (全宗号), default J001")
@click.option("--category", type=click.Choice([c for c, _, _ in DEFAULT_CATEGORIES]), help="force the category")
@click.option("--engine", default="rapidocr", show_default=True,
              type=click.Choice(["rapidocr", "tesseract", "tesseract-chi_tra"]))
@click.option("--department", default="", help="owning department (scope)")
@click.option("--volume", default="", help="放入案卷（档号或本系列卷号）/ put the records into this volume")
@click.option("--box", default="", help="放入档案盒（盒号）/ put the records into this box")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per record on standard output")
@click.option("--queue", is_flag=True,
              help="交给后台 worker 处理（本机只接收）/ hand OCR and filing to the workers; this process only receives")
@click.option("--no-wait", is_flag=True, help="with --queue: return once submitted, do not follow the tasks")
@pass_ctx
def ingest_command(ctx: Context, paths, fonds, category, engine, department, volume, box, as_json, queue,
                   no_wait) -> None:
    # Fails early, with one line, when nobody is logged in, the catalog is not initialised or
    # the person may not file records.
    service = _service(ctx, ctx.identity(), fonds, category, engine, department)
    groups = collect(paths)
    if queue:
        _ingest_queued(ctx, groups, fonds=fonds, category=category, engine=engine, department=department,
                       placed={k: v for k, v in (("volume", volume), ("box", box)) if v}, as_json=as_json,
                       wait=not no_wait)
        return
    failures = 0
    label = "导入 / ingesting"
    with click.progressbar(length=len(groups), label=label, file=sys.stderr, show_eta=True, show_pos=True,
                           item_show_func=lambda s: s) as bar:
        pages_done = 0

        def progress(event: str, amount: int) -> None:
            nonlocal pages_done
            pages_done += amount
            bar.label = f"{label} ({pages_done} 页/pages)"
            bar.render_progress()

        for files, meta in groups:
            if "_error" in meta:
                result = failed_result(files, meta["_error"])
            else:
                bar.current_item = files[0].name
                # A manifest's own 卷/盒 columns win over the command line's.
                placed = {k: v for k, v in (("volume", volume), ("box", box)) if v}
                result = service.ingest_files(files, {**placed, **meta}, progress)
            failures += result["status"] == "failed"
            bar.update(1)
            _emit(result, as_json)
    if failures:
        click.echo(f"{failures} 个文件失败 / {failures} failed", err=True)
        raise click.exceptions.Exit(1)


def _ingest_queued(ctx: Context, groups, *, fonds, category, engine, department, placed, as_json,
                   wait: bool) -> None:
    """Receive here, process on the workers; the bar follows the records' statuses in the catalog."""
    who = ctx.identity()
    failures, queued = 0, []
    for files, meta in groups:
        if "_error" in meta:
            result = failed_result(files, meta["_error"])
        else:
            result = submission.enqueue(ctx.runtime, who, files, {**placed, **meta}, fonds=fonds, category=category,
                                        department=department, engine=engine)
        if result["status"] == "queued":
            queued.append(result["id"])
            if not wait:
                _emit_queued(result, as_json)
            continue
        failures += result["status"] == "failed"
        _emit(result, as_json)
    if wait and queued:
        label = "后台处理 / on the workers"
        done: set[int] = set()
        with click.progressbar(length=len(queued), label=label, file=sys.stderr, show_eta=True,
                               show_pos=True) as bar:
            while len(done) < len(queued):
                now = submission.statuses(ctx.runtime, who, [i for i in queued if i not in done])
                finished = [rid for rid, status in now.items() if status in submission.FINISHED]
                # A record filed above this person's clearance drops out of what they may see: it is done.
                finished += [rid for rid in queued if rid not in done and rid not in now]
                for rid in finished:
                    done.add(rid)
                    result = submission.outcome(ctx.runtime, who, rid)
                    failures += result["status"] == "failed"
                    bar.update(1)
                    _emit(result, as_json)
                if len(done) < len(queued):
                    time.sleep(QUEUE_POLL)
    if failures:
        click.echo(f"{failures} 个文件失败 / {failures} failed", err=True)
        raise click.exceptions.Exit(1)


def _emit_queued(result: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"→ {', '.join(result['files'])}: 已排队 / queued (record {result['id']})")


def _emit(result: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    status = result["status"]
    if status == "failed":
        click.echo(f"✗ {', '.join(result.get('files') or []) or result.get('id')}: {result['error']}")
    else:
        extra = f" ← {result['duplicate_of']}" if status == "duplicate" else ""
        said = [review_reason_label(r, lang()) for r in result.get("review_reasons") or []]
        reasons = f" [{'; '.join(said)}]" if said else ""
        click.echo(f"✓ {result['archival_code'] or result['id'] or ''} {status}{extra} {_category(result['category'])} "
                   f"{secrecy_label(result['secrecy']) if result['secrecy'] else ''} {result['title'] or ''}{reasons}")


@click.command("show", help="显示一件档案（按本人权限）/ show one record, as you may see it")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def show_command(ctx: Context, ref: str, as_json: bool) -> None:
    who = ctx.identity()
    with ctx.session(who) as session:
        seen = records.view(session, who, records.find(session, who, ref).id)
        record = seen.record
        out = record_result(record)
        out.update(
            fonds=record.fonds.code, department=record.department, addressees=record.addressees,
            secrecy_marking=record.secrecy_marking, declassify_on=_iso(record.declassify_on),
            retention_due=_iso(record.retention_due), person_id_valid=record.person_id_valid,
        )
        if seen.content:
            out["text"] = "\n\f".join(p["text"] or "" for p in seen.pages)
            out["page_list"] = [{k: v for k, v in p.items() if k not in ("text", "width", "height")}
                                for p in seen.pages]
            out["objects"] = seen.objects
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for key, value in out.items():
        if key not in ("text", "objects", "page_list"):
            click.echo(f"{key}: {secrecy_label(value) if key == 'secrecy' else value}")
    if "text" in out:
        click.echo("\n" + out["text"])


@click.command("watch", help="监视文件夹，导入扫描仪放入的文件 / ingest what a scanner drops into a folder")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@click.option("--interval", default=5.0, show_default=True, help="seconds between looks")
@click.option("--once", is_flag=True, help="look once and stop (for scripts and tests)")
@click.option("--engine", default="rapidocr", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--queue", is_flag=True,
              help="交给后台 worker 处理（本机只接收）/ hand OCR and filing to the workers; this process only receives")
@pass_ctx
def watch_command(ctx: Context, folder: str, interval: float, once: bool, engine: str, as_json: bool,
                  queue: bool) -> None:
    """A file is taken once its size has stayed the same for one interval (the scanner finished);
    it then moves to done/ or failed/ beside it, so nothing is read twice or lost. With --queue
    a received file moves to done/ at once (its original is stored) and the workers process it."""
    who = ctx.identity()
    service = _service(ctx, who, None, None, engine, "")
    root = Path(folder)
    done, failed = root / "done", root / "failed"
    done.mkdir(exist_ok=True)
    failed.mkdir(exist_ok=True)
    sizes: dict[Path, int] = {}
    while True:
        for f in sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")):
            size = f.stat().st_size
            if not once and sizes.get(f) != size:
                sizes[f] = size
                continue
            sizes.pop(f, None)
            with f.open("rb") as fh:
                known = sniff_format(fh.read(16)) is not None
            if not known:
                result = {"status": "failed", "error": f"{f.name}: not a scan"}
            elif queue:
                result = submission.enqueue(ctx.runtime, who, [f], {}, engine=engine)
            else:
                result = service.ingest_files([f])
            target = failed if result["status"] == "failed" else done
            f.replace(target / f.name)
            if result["status"] == "queued":
                _emit_queued({**result, "files": [f.name]}, as_json)
            else:
                _emit({**result, "files": [f.name]}, as_json)
        if once:
            return
        time.sleep(interval)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@click.command("review", help="更正并确认一件档案（离开待审队列）/ correct and confirm a record")
@click.argument("ref")
@click.option("--set", "pairs", multiple=True, metavar="FIELD=VALUE",
              help="e.g. category_code=RS personnel_class=3 title=... (repeatable)")
@click.option("--reason", default="", help="why the retention of a filed record changes (required for retention=)")
@click.option("--classifier", default="", help="the organ that set a state-secret level (derived classification)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def review_command(ctx: Context, ref: str, pairs: tuple[str, ...], reason: str, classifier: str,
                   as_json: bool) -> None:
    changes = {}
    for pair in pairs:
        if "=" not in pair:
            raise ArchiveError(f"--set {pair!r}: write FIELD=VALUE")
        key, value = pair.split("=", 1)
        changes[key.strip()] = value.strip()
    who = ctx.identity()
    with ctx.session(who) as session:
        record = correct(session, who, records.find(session, who, ref).id, changes, reason=reason,
                         classifier=classifier)
        result = record_result(record)
    _emit(result, as_json)


@click.group("classifier", help="分类模型 / the classifier")
def classifier_group() -> None:
    pass


@classifier_group.command("train", help="用合成样本和档案员的更正重新训练，报告留出集准确率（档案员）/ retrain and report accuracy (archivist)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def classifier_train(ctx: Context, as_json: bool) -> None:
    from ingest import retraining

    who = ctx.identity()
    with ctx.session(who) as session:
        report = retraining.retrain(session, who, ctx.settings)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, default=str))
        return
    click.echo(f"训练样本 {report['train_examples']}，留出 {report['test_examples']}，其中更正 {report['corrections']} 条")
    for target, accuracy in report["accuracy"].items():
        click.echo(f"  {target}: 留出集准确率 / held-out accuracy {accuracy:.3f}")
    click.echo(f"模型已保存 / saved: {report['model_path']}")
