"""`archive worker` and `archive beat`: operator commands that run the Celery worker and the
periodic scheduler with the settings in force. Their tasks act as `system`, channel task."""

from __future__ import annotations

import click


@click.command("worker", help="运行后台任务进程（以 system 身份）/ run a task worker (acts as system)")
@click.option("--concurrency", type=int, default=2, show_default=True)
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork", show_default=True)
@click.option("--loglevel", default="INFO", show_default=True)
def worker_command(concurrency: int, pool: str, loglevel: str) -> None:
    from archive.celery_app import app

    app.worker_main(["worker", f"--concurrency={concurrency}", f"--pool={pool}", f"--loglevel={loglevel}"])


@click.command("beat", help="运行定时任务调度（以 system 身份）/ run the periodic scheduler (acts as system)")
@click.option("--loglevel", default="INFO", show_default=True)
def beat_command(loglevel: str) -> None:
    from archive.celery_app import app

    app.start(["beat", f"--loglevel={loglevel}"])
