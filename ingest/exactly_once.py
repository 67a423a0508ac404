"""The pipeline run under a per-record lease (ingest.leases): what the workers, the CLI and the
web's in-process pool run, so that redelivered tasks and concurrent runs file each record once."""

from __future__ import annotations

import logging
import time

from ingest import leases
from ingest.pipeline import IngestService, Progress

log = logging.getLogger(__name__)
WAIT_STEP = 0.5  # seconds between looks while another run holds the record


class LeasedIngestService(IngestService):
    """IngestService whose `process` first claims the record. With `wait` (the CLI) a run that
    finds the record claimed waits for the other run to finish or its claim to lapse; without
    (a task) it stops at once: the other run files it, or the reaper requeues it if that run died."""

    def __init__(self, *args, lease_seconds: int = 120, wait: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lease_seconds, self.wait = lease_seconds, wait

    def process(self, record_id: int, progress: Progress | None = None) -> dict:
        owner = leases.new_owner()
        while True:
            got = leases.claim(self.catalog, record_id, owner, self.lease_seconds)
            if got is leases.Claim.CLAIMED:
                break
            if got is leases.Claim.FINISHED or not self.wait:
                return self._elsewhere(record_id, got)
            time.sleep(WAIT_STEP)
        try:
            with leases.held(self.catalog, record_id, owner, self.lease_seconds):
                return super().process(record_id, progress)
        except leases.LeaseLost:
            return self._elsewhere(record_id, leases.Claim.FINISHED)

    def _elsewhere(self, record_id: int, got: leases.Claim) -> dict:
        """The result of a run that did not process the record: another run did or does."""
        result = self.describe(record_id)
        if got is leases.Claim.HELD:
            log.info("record %s: claimed by another run; not processed here", record_id)
        if got is leases.Claim.FINISHED:
            result.update(status="duplicate",
                          duplicate_of=result["archival_code"] or result["id"] or "a record above your clearance")
        else:
            result["skipped"] = "processing elsewhere"
        return result
