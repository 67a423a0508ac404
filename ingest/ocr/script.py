"""Script normalisation of OCR output, per page (issue 18 §1).

The recogniser sometimes returns a traditional form for a handwritten character on a simplified
page (学 read as 學, 动 as 動) and `○`/`O`/`0` for `〇` in dates written in Chinese numerals. A page
is judged by the characters that exist in only one script; its stray characters of the other
script are converted with a character-level table built from OpenCC's character data that keeps
only unambiguous pairs:

- traditional → simplified: the character has exactly one simplification and is not itself a
  simplified character. So 學→学, 參→参, 動→动, 黨→党, 萬→万 convert (many-to-one merges such as
  後→后, 髮→发, 臺→台 too, unless MERGES is off); 乾 (干/乾), 於 (于/於), 著 (着/著), 藉 (藉/借),
  麵 (面/麺), 鍾 (钟/锺), 餘 (余/馀) never do.
- simplified → traditional (a traditional page): the character has exactly one traditional form,
  is not itself a traditional character, that form simplifies only back to it and is written one
  way in every region (爲/為). So 学→學; 干, 后, 发, 台, 面, 余, 钟, 于, 着, 借, 为 never convert.

The raw reading is kept on the page (`OcrPage.raw_text`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
# Share of one-script characters a page needs before the other script counts as stray.
MAJORITY = 0.55
MIN_EVIDENCE = 3  # fewer one-script characters than this say nothing about the page
# Traditional characters that simplify to a character shared with others (後/后→后, 髮/發→发,
# 臺/檯/颱→台, 萬→万, 種→种, 黨→党: 161 in OpenCC's data) still have exactly one simplification, so
# a simplified page gets them converted. False keeps only pairs that are one-to-one both ways.
MERGES = True


def _read(name: str) -> dict[str, list[str]]:
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / name
    table: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values:
            table[key] = values.split()
    return table


@lru_cache(maxsize=1)
def tables() -> tuple[dict[str, str], dict[str, str]]:
    """(traditional→simplified, simplified→traditional): only characters with a single candidate
    in the direction of conversion (module docstring)."""
    ts, st = _read("TSCharacters.txt"), _read("STCharacters.txt")
    # Regional forms of one traditional character (爲/為, 衆/眾): either may stand on a page.
    variants: dict[str, set[str]] = {}
    for name in ("TWVariants.txt", "HKVariants.txt"):
        for key, values in _read(name).items():
            variants.setdefault(key, set()).update(values)
    t2s: dict[str, str] = {}
    for trad, simps in ts.items():
        if len(simps) != 1 or len(trad) != 1:
            continue  # 乾→干/乾, 於→于/於, 著→着/著: ambiguous
        simp = simps[0]
        if simp == trad or trad in st:
            continue  # the same in both scripts, or also a simplified character in its own right
        back = st.get(simp, [])
        if not MERGES and (simp in back or (back and back[0] != trad and trad not in variants.get(back[0], ()))):
            continue
        t2s[trad] = simp
    s2t: dict[str, str] = {}
    for simp, trads in st.items():
        if len(trads) != 1 or len(simp) != 1:
            continue  # 发→發/髮, 干→幹/乾/干, 台→臺/檯/颱/台
        trad = trads[0]
        if trad == simp or simp in ts or trad in variants:
            continue  # also traditional, or written two ways in traditional text (为→爲/為)
        if ts.get(trad) != [simp]:
            continue
        s2t[simp] = trad
    return t2s, s2t


@lru_cache(maxsize=1)
def _only_in() -> tuple[frozenset[str], frozenset[str]]:
    """Characters that exist only in traditional text, and only in simplified text."""
    ts, st = _read("TSCharacters.txt"), _read("STCharacters.txt")
    trad_only = frozenset(t for t, s in ts.items() if len(t) == 1 and t not in s and t not in st)
    simp_only = frozenset(s for s, t in st.items() if len(s) == 1 and s not in t and s not in ts)
    return trad_only, simp_only


def page_script(text: str) -> str:
    """`simplified`, `traditional`, or "" when the page does not say (too few telling characters,
    or no clear majority)."""
    trad_only, simp_only = _only_in()
    trad = sum(1 for ch in text if ch in trad_only)
    simp = sum(1 for ch in text if ch in simp_only)
    if trad + simp < MIN_EVIDENCE:
        return ""
    if simp >= MAJORITY * (trad + simp):
        return SIMPLIFIED
    if trad >= MAJORITY * (trad + simp):
        return TRADITIONAL
    return ""


def convert_script(text: str, script: str) -> str:
    """Stray characters of the other script converted into `script`, unambiguous ones only."""
    t2s, s2t = tables()
    table = t2s if script == SIMPLIFIED else s2t if script == TRADITIONAL else {}
    if not table:
        return text
    return "".join(table.get(ch, ch) for ch in text)


# Chinese numerals as written in dates and counts: 二〇〇二年, 一九九八.
_DIGITS = "〇一二三四五六七八九十"
_ZERO_LOOKALIKES = "○◯⭘OoＯｏ0０οΟ"
_NUMERAL_RUN = re.compile(f"[{_DIGITS}{_ZERO_LOOKALIKES}]{{2,}}")
_LATIN = re.compile(r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９.]")
_ZERO_TABLE = str.maketrans({ch: "〇" for ch in _ZERO_LOOKALIKES})


def fix_numeral_zeros(text: str) -> str:
    """`○`, `O`, `0` … → `〇` inside a run of Chinese numerals (二○○二年); never in Latin or
    Arabic-digit context (O型, A0, 2002, 10.0)."""

    def repl(m: re.Match[str]) -> str:
        run = m.group(0)
        if not any(ch in _DIGITS and ch != "〇" for ch in run):
            return run  # ○○县, OO, 00: no Chinese digit, nothing says these are numerals
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if (before and _LATIN.match(before)) or (after and _LATIN.match(after)):
            return run
        return run.translate(_ZERO_TABLE)

    return _NUMERAL_RUN.sub(repl, text)


def normalise_page(texts: list[str]) -> tuple[list[str], str]:
    """The lines of one page normalised together (the page decides its script), and that script."""
    script = page_script("".join(texts))
    return [fix_numeral_zeros(convert_script(t, script)) for t in texts], script


def raw_readings(pages: list) -> dict[str, dict[str, str]]:
    """For the record's evidence JSON: per page number (1-based, as text) whose reading was changed
    by normalisation, the engine's raw text and the script the page was judged to be in."""
    return {str(no): {"script": page.script, "raw_text": page.raw_text}
            for no, page in enumerate(pages, 1) if page.raw_text and page.raw_text != page.text}
