"""OCR result types and reading order, shared by every engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.ocr.script import normalise_page


@dataclass
class OcrLine:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels
    confidence: float  # 0-1


@dataclass
class OcrPage:
    text: str  # reading order, one line per text line
    lines: list[OcrLine] = field(default_factory=list)
    mean_confidence: float = 0.0  # character-weighted over lines; 0 when nothing was read
    engine: str = ""
    raw_text: str = ""  # what the engine read, before script normalisation (ingest.ocr.script)
    script: str = ""  # simplified / traditional as judged for the page; "" when it did not say

    @classmethod
    def from_lines(cls, lines: list[OcrLine], engine: str, normalise: bool = True) -> OcrPage:
        """The page in reading order; with `normalise`, stray characters of the other script and
        `○` in Chinese numerals are corrected (the engine's reading stays in raw_text)."""
        ordered = order_lines(lines)
        chars = sum(len(line.text) for line in ordered)
        mean = sum(line.confidence * len(line.text) for line in ordered) / chars if chars else 0.0
        raw = "\n".join(line.text for line in ordered)
        script = ""
        if normalise:
            texts, script = normalise_page([line.text for line in ordered])
            ordered = [OcrLine(t, line.box, line.confidence) for t, line in zip(texts, ordered, strict=True)]
        return cls("\n".join(line.text for line in ordered), ordered, round(mean, 4), engine, raw, script)


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


def join_fragments(left: str, right: str, gap: float, height: float) -> str:
    """Join two pieces of one text line: a wide gap (a form's columns) keeps a space, so does Latin."""
    if not left or not right:
        return left + right
    if gap > height * 1.2:
        return f"{left} {right}"
    if _is_cjk(left[-1]) or _is_cjk(right[0]):
        return left + right
    return f"{left} {right}" if gap > height * 0.25 else left + right


def order_lines(fragments: list[OcrLine]) -> list[OcrLine]:
    """Top-to-bottom, then left-to-right; fragments that share a text line are merged into one."""
    rows: list[list[OcrLine]] = []
    for frag in sorted(fragments, key=lambda f: ((f.box[1] + f.box[3]) / 2, f.box[0])):
        y0, y1 = frag.box[1], frag.box[3]
        placed = False
        for row in reversed(rows[-3:]):  # only the last few rows can still overlap
            r0 = min(f.box[1] for f in row)
            r1 = max(f.box[3] for f in row)
            overlap = min(y1, r1) - max(y0, r0)
            if overlap > 0.5 * min(y1 - y0, r1 - r0):
                row.append(frag)
                placed = True
                break
        if not placed:
            rows.append([frag])
    merged = []
    for row in rows:
        row.sort(key=lambda f: f.box[0])
        text, box, weight, score = row[0].text, list(row[0].box), len(row[0].text), row[0].confidence * len(row[0].text)
        for frag in row[1:]:
            height = max(box[3] - box[1], frag.box[3] - frag.box[1])
            text = join_fragments(text, frag.text, frag.box[0] - box[2], height)
            box = [min(box[0], frag.box[0]), min(box[1], frag.box[1]), max(box[2], frag.box[2]), max(box[3], frag.box[3])]
            weight += len(frag.text)
            score += frag.confidence * len(frag.text)
        merged.append(OcrLine(text, tuple(box), round(score / weight, 4) if weight else 0.0))
    merged.sort(key=lambda line: (line.box[1] + line.box[3]) / 2)
    return merged
