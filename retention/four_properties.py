"""Four-property check (四性检测, DA/T 70): the check itself is archive.four_properties, shared with
ingest, which runs it for every record at filing; retention runs it at transfer and on demand."""

from archive.four_properties import (
    MANDATORY,
    OUTCOMES,
    Scanner,
    authenticity,
    check_batch,
    check_record,
    clamav_scan,
    integrity,
    latest,
    outcome,
    security,
    summary,
    usability,
)

__all__ = ["MANDATORY", "OUTCOMES", "Scanner", "authenticity", "check_batch", "check_record", "clamav_scan",
           "integrity", "latest", "outcome", "security", "summary", "usability"]
