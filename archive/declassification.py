"""Who may lower a record's secrecy level, and on whose decision (DOMAIN.md §4).

The model, the simplest that stays faithful to §4:

- raising a level is free; lowering one (declassifying to a non-secret level, or downgrading to
  a lower state-secret level) is the security officer's, and never of a record above their own
  clearance (such a record does not exist for them) or under a hold (a held record is not edited);
- **the organ that set the level decides its lowering**. The bureau set the level itself only
  where it may classify at all (a prefecture bureau: 秘密 and 机密; a county bureau: nothing, it
  holds copies classified by others) and the document is its own (no issuer, or the issuer is the
  fonds, the creating body). Then the bureau decides, through its security officer, and the
  change records the bureau as the deciding authority. Otherwise the level was set by another
  organ (the issuer, or an unknown original classifier: 派生定密), and the security officer may
  lower it only by recording that organ's decision (its declassification or downgrading notice)
  as the authority; without one the change is refused.

Every face and service that lowers a level (the secrecy review, a catalogue correction) asks
`lowering_authority` and records what it answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.codes import STATE_SECRET_LEVELS, Secrecy
from archive.errors import Forbidden, NotFound, ValidationError
from archive.policy import Viewer, can_see, may_lower_secrecy, rank

# Levels a bureau may classify itself (定密权限), by bureau level.
OWN_LEVELS = {"prefecture": frozenset({Secrecy.SECRET, Secrecy.CONFIDENTIAL}), "county": frozenset()}
UNKNOWN_ORGAN = "原定密机关"
AUTHORITY_MAX = 300


@dataclass(frozen=True)
class Decision:
    """Who decided a lowering: the bureau itself (`own`) or the organ that set the level."""

    organ: str
    own: bool
    authority: str  # what the change records: the bureau's name, or the organ's notice


def classifying_organ(level: Secrecy, issuer: str, fonds_name: str, bureau_level: str) -> tuple[str, bool]:
    """The organ that set `level` on a document of `issuer` filed in the fonds `fonds_name`, and
    whether that organ is this bureau."""
    issuer = (issuer or "").strip()
    own_document = not issuer or issuer == (fonds_name or "").strip()
    if own_document and level in OWN_LEVELS.get(bureau_level, frozenset()):
        return (fonds_name or "本单位"), True
    return (issuer if issuer and not own_document else UNKNOWN_ORGAN), False


def lowering_authority(viewer: Viewer, record, new_level: str | Secrecy, *, held: bool, authority: str = "",
                       fonds_name: str = "", bureau_level: str = "prefecture") -> Decision:
    """Check that `viewer` may lower `record` to `new_level` and say on whose decision; raise
    NotFound above the viewer's clearance, Forbidden without the authority §4 gives."""
    old, new = Secrecy(record.secrecy), Secrecy.parse(new_level)
    if not can_see(viewer, record):
        raise NotFound(f"record {record.id} does not exist")
    if rank(new) >= rank(old):
        raise ValidationError(f"{new.value} does not lower {old.value}")
    if not may_lower_secrecy(viewer):
        raise Forbidden("lowering a secrecy level needs the security officer")
    if held:
        raise Forbidden(f"record {record.archival_code or record.id} is under hold; its secrecy level cannot be lowered")
    origin, organ = origin_of(record, fonds_name, bureau_level)
    own = origin == ORIGINAL
    cited = " ".join((authority or "").split())[:AUTHORITY_MAX]
    if own:
        return Decision(organ, True, cited or organ)
    if not cited:
        raise Forbidden(f"the level {old.value} was set by {organ}; only its decision lowers it "
                        "(record that organ's notice as the authority)")
    return Decision(organ, False, cited)


# -- who set the level: original or derived classification (原定密 / 派生定密) -----------------------
ORIGINAL, DERIVED = "original", "derived"


def origin_of(record, fonds_name: str, bureau_level: str) -> tuple[str, str]:
    """(origin, organ) of `record`'s level: what the record carries, else what its issuer says
    (the bureau's own document at a level it may set: original; anything else: derived from its
    issuer, or from an unknown original classifier)."""
    stored = getattr(record, "secrecy_origin", "") or ""
    if stored in (ORIGINAL, DERIVED):
        return stored, getattr(record, "secrecy_classifier", "") or (fonds_name if stored == ORIGINAL
                                                                    else UNKNOWN_ORGAN)
    organ, own = classifying_organ(Secrecy(record.secrecy), record.issuer or "", fonds_name, bureau_level)
    return (ORIGINAL if own else DERIVED), organ


def classification(level: str | Secrecy, *, issuer: str, fonds_name: str, bureau_level: str,
                   classifier: str = "") -> tuple[str, str]:
    """(origin, organ) for a state-secret `level` set on a document of `issuer`: original when the
    bureau sets it on its own document, derived when the level comes from another organ
    (`classifier`, else the issuer). A prefecture bureau originally classifies only 机密 and 秘密;
    a county bureau only derives (DOMAIN.md §4), so an original 绝密 there, or any original
    level at a county bureau, is refused: name the organ that set it. The caller stamps the
    answer on the record (`secrecy_origin`, `secrecy_classifier`)."""
    new = Secrecy.parse(level)
    issuer = (issuer or "").strip()
    fonds_name = (fonds_name or "").strip()
    organ = " ".join((classifier or "").split())[:200]
    if not organ and issuer and issuer != fonds_name:
        organ = issuer
    if organ and organ != fonds_name:
        return DERIVED, organ
    allowed = OWN_LEVELS.get(bureau_level, frozenset())
    if new not in allowed:
        may = ", ".join(s.value for s in sorted(allowed, key=rank)) or "none (derived classification only)"
        raise Forbidden(f"a {bureau_level} bureau may not classify {new.value} originally (it may: {may}); "
                        "name the organ that set the level (its classification is derived)")
    return ORIGINAL, fonds_name or "本单位"


def extension_authority(record, *, authority: str = "", fonds_name: str = "", bureau_level: str = "prefecture") -> str:
    """Who decides an extension of the term (or 长期): the organ that set the level. The bureau
    itself for its original classification; otherwise that organ's decision, cited as
    `authority`, or the extension is refused."""
    origin, organ = origin_of(record, fonds_name, bureau_level)
    cited = " ".join((authority or "").split())[:AUTHORITY_MAX]
    if origin == ORIGINAL:
        return cited or organ
    if not cited:
        raise Forbidden(f"the level {record.secrecy} was set by {organ}; only its decision extends the term "
                        "(record that organ's decision as the authority)")
    return cited


def origin_json(session, record) -> dict | None:
    """Who set a state secret's level and how, for its page: as recorded, else as its issuer
    says (`recorded` false); None for a level that is no state secret."""
    from archive.models import Fonds
    from archive.unit_of_work import BUREAU_LEVEL

    if Secrecy(record.secrecy) not in STATE_SECRET_LEVELS:
        return None
    fonds = session.get(Fonds, record.fonds_id)
    origin, organ = origin_of(record, fonds.name if fonds else "", session.info.get(BUREAU_LEVEL, "prefecture"))
    return {"origin": origin, "organ": organ, "recorded": bool(getattr(record, "secrecy_origin", ""))}
