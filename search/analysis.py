"""Chinese text analysis shared by every backend: normalisation, bigrams, query terms.

`normalise` keeps the length of the text (one output character per input character), so an
offset found in normalised text is the same offset in the original; snippets therefore show
the page as scanned (traditional characters, full-width digits) with the hit marked.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from pathlib import Path

import numpy as np

MAX_TERMS = 16
FUZZY_MIN = 4  # terms of this many CJK characters still match with one character misread


@functools.cache
def _t2s_table() -> dict[int, int]:
    """OpenCC's traditional->simplified character table (first candidate of TSCharacters).

    Applied per character (not OpenCC's phrase segmentation): index and query go through the
    same table, so forms always meet; it keeps offsets 1:1 and runs at str.translate speed.
    """
    import opencc

    table: dict[int, int] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        first = simp.split(" ")[0] if simp else ""
        if len(trad) == 1 and len(first) == 1 and trad != first:
            table[ord(trad)] = ord(first)
    return table


def _fold(ch: str) -> str:
    """Width folding (NFKC) and lower case for one character, kept to one character."""
    out = unicodedata.normalize("NFKC", ch).lower()
    if len(out) == 1:
        return out
    low = ch.lower()
    return low if len(low) == 1 else ch


# Where NFKC changes single characters we care about: Latin/Greek, punctuation, Kangxi
# radicals and CJK symbols, compatibility ideographs, full-width forms.
_FOLD_RANGES = ((0x20, 0x3100), (0xF900, 0xFB00), (0xFE30, 0xFFF0), (0x2F800, 0x2FA20))


@functools.cache
def _table() -> dict[int, int]:
    """One translate table: fold, then traditional->simplified, both character for character."""
    t2s = _t2s_table()
    table: dict[int, int] = dict(t2s)
    for lo, hi in _FOLD_RANGES:
        for cp in range(lo, hi):
            folded = ord(_fold(chr(cp)))
            folded = t2s.get(folded, folded)
            if folded != cp:
                table[cp] = folded
    table[0x3000] = 0x20  # ideographic space
    return table


# OCR reads the 〔〕 of a document number as [ ] ［］ 【】 ( ) （）: after width folding the
# year in any of them becomes 〔year〕 (same length, so offsets hold).
_DOC_YEAR = re.compile(r"[\[【(〔]((?:19|20)\d\d)[\]】)〕]")


def normalise(text: str) -> str:
    """Fold width and case, convert traditional to simplified, unify document-number brackets."""
    if not text:
        return ""
    out = _DOC_YEAR.sub(r"〔\1〕", text.translate(_table()))
    if len(out) != len(text):  # cannot happen by construction; offsets depend on it
        raise AssertionError("normalise changed the text length")
    return out


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x2FA1F
        or cp == 0x3007  # 〇, the zero of dates such as 二〇〇九年
    )


_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# A CJK run may be broken by white space where OCR wrapped a line: it still reads as one word.
_TOKEN = re.compile(rf"([{_CJK}](?:\s*[{_CJK}])*)|([^\W_{_CJK}]+)")
_SPACE = re.compile(r"\s+")


def doc_no_key(doc_no: str) -> str:
    """A document number as compared exactly: normalised, without spaces."""
    return _SPACE.sub("", normalise(doc_no))


def person_id_key(value: str) -> str:
    """Identity numbers: half width, no spaces, upper-case check character X."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def key(value: str) -> str:
    """Exact-match key for names, titles and archival codes."""
    return _SPACE.sub("", normalise(value or ""))


@dataclasses.dataclass(frozen=True)
class Run:
    """One word-like run of normalised text: CJK characters (white space removed) or letters/digits."""

    text: str
    cjk: bool


def runs(norm: str) -> list[Run]:
    out = []
    for cjk, word in _TOKEN.findall(norm):
        if cjk:
            out.append(Run(_SPACE.sub("", cjk) if len(cjk) > 1 else cjk, True))
        else:
            out.append(Run(word, False))
    return out


def run_tokens(run: Run) -> list[str]:
    if not run.cjk:
        return [run.text]
    t = run.text
    if len(t) == 1:
        return [t]
    return list(map(str.__add__, t[:-1], t[1:]))  # bigrams, at C speed


def tokens(norm: str) -> list[str]:
    """Bigrams of CJK runs, whole words otherwise (what Elasticsearch's cjk analyzer does)."""
    return analyse(norm)[0]


def skip_tokens(norm: str) -> list[str]:
    """Character pairs one apart (c[i] c[i+2]) in CJK runs: what survives an OCR misread of c[i+1]."""
    return analyse(norm)[1]


# The same tokens as `runs` + `run_tokens`, found by the regular-expression engine alone (no
# Python per run or per token: indexing spends most of its time here). Each match is empty
# and looks ahead: a CJK bigram starting here, a lone CJK character, or a word starting here.
_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_WORD = rf"[^\W_{_CJK}]"
_TOKENS = re.compile(
    rf"(?=([{_CJK}][{_CJK}]|(?<![{_CJK}])[{_CJK}](?![{_CJK}])|(?<!{_WORD}){_WORD}+))"
)
_SKIPS = re.compile(rf"(?=([{_CJK}])[{_CJK}]([{_CJK}]))")
_TRIGRAMS = re.compile(rf"(?=([{_CJK}]{{3}}))")


def _regex_grams(compact: str) -> tuple[str, str, str]:
    return (
        " ".join(_TOKENS.findall(compact)),
        " ".join(map("".join, _SKIPS.findall(compact))),
        " ".join(_TRIGRAMS.findall(compact)),
    )


_OTHER, _CJK_CLASS, _WORD_CLASS = 0, 1, 2
_SPACE_CP = ord(" ")
_NUMPY_FROM = 64  # shorter texts (titles, filing data) are faster through the regexes


@functools.cache
def _classes() -> np.ndarray:
    """The class of every code point, as the regexes see it: CJK, word ([^\\W_]) or other."""
    classes = np.zeros(0x110000, dtype=np.uint8)
    # The word class found by the tokens' own pattern, over every code point (runs, so few steps).
    for m in re.finditer(_WORD + "+", "".join(map(chr, range(0x110000)))):
        classes[m.start() : m.end()] = _WORD_CLASS
    for m in re.finditer(r"(.)-(.)|(.)", _CJK.replace("\\", "")):
        lo, hi = (m[1], m[2]) if m[1] else (m[3], m[3])
        classes[ord(lo) : ord(hi) + 1] = _CJK_CLASS
    return classes


def _numpy_grams(compact: str) -> tuple[str, str, str]:
    """What `_regex_grams` gives, computed on the code points as arrays (no Python per token).

    Each position emits up to three code points into a row (0 = nothing); the rows, read in
    order with the zeros dropped, are the space-separated tokens.
    """
    n = len(compact)
    padded = np.zeros(n + 3, dtype="<u4")  # one empty position before the text, two after
    padded[1 : n + 1] = np.frombuffer(compact.encode("utf-32-le"), dtype="<u4")
    cls = _classes()[padded]
    cls[0] = cls[n + 1 :] = _OTHER
    cp, nxt, nxt2 = padded[1 : n + 1], padded[2 : n + 2], padded[3 : n + 3]
    cjk_all = cls == _CJK_CLASS
    cjk, prev_cjk, next_cjk, next2_cjk = cjk_all[1 : n + 1], cjk_all[:n], cjk_all[2 : n + 2], cjk_all[3:]
    word_all = cls == _WORD_CLASS
    word, next_word = word_all[1 : n + 1], word_all[2 : n + 2]
    pair = cjk & next_cjk
    triple = pair & next2_cjk
    lone = cjk & ~prev_cjk & ~next_cjk
    word_end = word & ~next_word
    space = np.uint32(_SPACE_CP)
    zero = np.uint32(0)

    rows = np.zeros((n, 3), dtype="<u4")
    rows[:, 0] = np.where(pair | lone | word, cp, zero)
    rows[:, 1] = np.where(pair, nxt, np.where(lone | word_end, space, zero))
    rows[:, 2] = np.where(pair, space, zero)
    tokens = _decode(rows)
    tri = np.stack((cp, nxt, nxt2, np.full(n, space, dtype="<u4")), axis=1)[triple]
    skips = tri[:, (0, 2, 3)]
    return tokens, _decode(skips), _decode(tri)


def _decode(rows: np.ndarray) -> str:
    flat = rows.astype("<u4", copy=False).ravel()
    return flat[flat != 0].tobytes().decode("utf-32-le").rstrip(" ")


def grams(norm: str) -> tuple[str, str, str]:
    """Tokens, skip pairs and CJK trigrams of normalised text, each as one space-separated string.

    Tokens: bigrams of CJK runs (white space inside a run removed first), a lone CJK character,
    whole words otherwise. Skip pairs: c[i] c[i+2] inside a run, what survives an OCR misread of
    c[i+1]. Trigrams: c[i] c[i+1] c[i+2] inside a run.
    """
    compact = _GAP.sub("", norm)
    if len(compact) < _NUMPY_FROM:
        return _regex_grams(compact)
    return _numpy_grams(compact)


def analyse(norm: str) -> tuple[list[str], list[str]]:
    """Tokens and skip pairs of normalised text, as lists."""
    tokens, skips, _ = grams(norm)
    return tokens.split(), skips.split()


def trigrams(text: str) -> list[str]:
    """The trigrams of a CJK-only term (normalised): what a term of 3+ characters is looked up by."""
    return [text[i : i + 3] for i in range(len(text) - 2)]


def search_text(text: str) -> str:
    """Normalised text with white space inside CJK runs removed (for Elasticsearch's analyzer)."""
    return " ".join(run.text for run in runs(normalise(text)))


# --- query terms --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Variant:
    """One way a misread term can still match: phrases that must all occur plus a skip pair."""

    phrases: tuple[str, ...]
    skip: str | None


@dataclasses.dataclass(frozen=True)
class Term:
    """One white-space separated word of the query, as normalised text."""

    text: str  # normalised, CJK white space removed; may mix runs ("2018〕56号" -> "2018 56号")
    tokens: tuple[str, ...]

    @property
    def cjk_only(self) -> bool:
        return bool(self.tokens) and all(_is_cjk(c) for c in self.text)

    @property
    def prefix(self) -> bool:
        """Ends in a lone CJK character ("号", "2020年7月"): in a page that character usually
        starts a bigram with the next one (月受理), so the last token is matched as a prefix."""
        last = self.text.rsplit(" ", 1)[-1]
        return len(last) == 1 and _is_cjk(last)

    @property
    def fuzzy(self) -> tuple[Variant, ...]:
        """For a CJK term of n >= 4 characters, one variant per position that may be misread."""
        t = self.text
        if not self.cjk_only or len(t) < FUZZY_MIN:
            return ()
        out = []
        for i in range(len(t)):
            left, right = t[:i], t[i + 1 :]
            phrases = tuple(p for p in (left, right) if len(p) >= 2)
            skip = t[i - 1] + t[i + 1] if 0 < i < len(t) - 1 else None
            out.append(Variant(phrases, skip))
        return tuple(out)


def query_terms(text: str) -> list[Term]:
    """Split user text into terms; every character not a letter, digit or CJK is a separator.

    Nothing here is query syntax: quotes, brackets, colons, AND/OR are just text.
    """
    terms: list[Term] = []
    for chunk in _SPACE.split(normalise(text or "")):
        rs = runs(chunk)
        if not rs:
            continue
        toks = tuple(tok for r in rs for tok in run_tokens(r))
        terms.append(Term(" ".join(r.text for r in rs), toks))
    return terms


def phrase_forms(term: Term) -> list[str]:
    """The strings a highlighter looks for (exact term, CJK runs joined as in the page)."""
    return [term.text]
