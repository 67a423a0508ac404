"""tesseract through pytesseract: chi_sim, chi_tra and eng, with word boxes and confidences."""

from __future__ import annotations

import os

from PIL import Image

from archive.errors import ValidationError
from ingest.ocr.model import OcrLine, OcrPage, join_fragments

_LANGS: set[str] | None = None  # installed traineddata, read once per process


def _installed_langs() -> set[str]:
    global _LANGS
    if _LANGS is None:
        import pytesseract

        try:
            _LANGS = set(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            raise ValidationError(f"tesseract is not installed ({exc}); install tesseract-ocr") from None
    return _LANGS


class TesseractEngine:
    def __init__(self, lang: str = "chi_sim+eng", name: str = "tesseract", psm: int = 3) -> None:
        self.lang, self.name, self.psm = lang, name, psm

    def load(self) -> None:
        missing = [lang for lang in self.lang.split("+") if lang not in _installed_langs()]
        if missing:
            raise ValidationError(f"tesseract language data missing: {', '.join(missing)} (install tesseract-ocr-{missing[0].replace('_', '-')})")

    def recognize(self, image: Image.Image) -> OcrPage:
        import pytesseract

        self.load()
        if image.mode not in ("L", "RGB"):
            image = image.convert("L")
        threads = os.environ.get("ARCHIVE_OCR_THREADS")
        if threads and int(threads) > 0:
            os.environ["OMP_THREAD_LIMIT"] = threads  # tesseract's OpenMP, inherited by its process
        data = pytesseract.image_to_data(
            image, lang=self.lang, config=f"--psm {self.psm} -c preserve_interword_spaces=1",
            output_type=pytesseract.Output.DICT,
        )
        grouped: dict[tuple[int, int, int], list[tuple[str, tuple[int, int, int, int], float]]] = {}
        for i, word in enumerate(data["text"]):
            word = (word or "").strip()
            conf = float(data["conf"][i])
            if not word or conf < 0:
                continue
            box = (data["left"][i], data["top"][i], data["left"][i] + data["width"][i], data["top"][i] + data["height"][i])
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            grouped.setdefault(key, []).append((word, box, conf / 100.0))
        lines = [_line(words) for words in grouped.values()]
        return OcrPage.from_lines(lines, self.name)


def _line(words: list[tuple[str, tuple[int, int, int, int], float]]) -> OcrLine:
    words.sort(key=lambda w: w[1][0])
    text, box = words[0][0], list(words[0][1])
    for word, wbox, _ in words[1:]:
        height = max(box[3] - box[1], wbox[3] - wbox[1])
        text = join_fragments(text, word, wbox[0] - box[2], height)
        box = [min(box[0], wbox[0]), min(box[1], wbox[1]), max(box[2], wbox[2]), max(box[3], wbox[3])]
    chars = sum(len(w[0]) for w in words)
    conf = sum(w[2] * len(w[0]) for w in words) / chars
    return OcrLine(text, tuple(box), round(conf, 4))
