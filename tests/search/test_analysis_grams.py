"""The array form of the analysis (`_numpy_grams`, for long texts) says exactly what the
regular expressions say (`_regex_grams`, for short ones), and both agree with the run-by-run
definition of tokens and skip pairs (`runs` + `run_tokens`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search import analysis

ALPHABET = "中国人民档案号码〇〔〕 \n\t,.-_abcXYZ019é Ω𠀀𯨟𰀀﨎（）"
texts = st.text(alphabet=ALPHABET, min_size=0, max_size=300)


def by_runs(norm: str) -> tuple[str, str, str]:
    toks, skips, tris = [], [], []
    for run in analysis.runs(norm):
        toks.extend(analysis.run_tokens(run))
        t = run.text
        if run.cjk:
            skips.extend(t[i] + t[i + 2] for i in range(len(t) - 2))
            tris.extend(t[i : i + 3] for i in range(len(t) - 2))
    return " ".join(toks), " ".join(skips), " ".join(tris)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_array_and_regex_forms_agree(text):
    norm = analysis.normalise(text)
    compact = analysis._GAP.sub("", norm)
    assert analysis._numpy_grams(compact) == analysis._regex_grams(compact) == by_runs(norm)


def test_a_page_of_text():
    page = "吉林省人力资源和社会保障厅\n关于 进一步 完善公共就业服务体系的通知（吉人社联字〔2013〕56号）ABC-12 号"
    norm = analysis.normalise(page * 3)
    assert len(norm) >= analysis._NUMPY_FROM
    assert analysis.grams(norm) == by_runs(norm)
    tokens, skips, tris = analysis.grams(analysis.normalise("人力资源 abc"))
    assert tokens.split() == ["人力", "力资", "资源", "abc"]
    assert skips.split() == ["人资", "力源"] and tris.split() == ["人力资", "力资源"]
