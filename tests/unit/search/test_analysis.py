"""The shared analysis pipeline: normalization, segmentation, pinyin, query terms."""

from __future__ import annotations

import pytest

from search.analysis import analyze_document, analyze_query, normalize, pinyin_of
from search.documents import title_variants


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("殘疾證", "残疾证"),
        ("醫保報銷", "医保报销"),
        ("ＡＢＣ　１２３", "abc 123"),
        ("八十岁", "80岁"),
        ("一百零五岁", "105岁"),
        ("两个工作日", "2个工作日"),
        ("低保\x00\x07申请", "低保 申请"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_pinyin_full_and_initials():
    assert pinyin_of("社保卡") == ("shebaoka", "sbk")
    assert pinyin_of("低保") == ("dibao", "db")


def test_documents_get_words_pieces_and_pinyin():
    analyzed = analyze_document("最低生活保障申请", with_pinyin=True)
    assert "申请" in analyzed.words
    assert {"最低", "生活", "保障"} <= set(analyzed.grams)
    assert "zuidishenghuobaozhangshenqing" in analyzed.pinyin or "shenqing" in analyzed.pinyin


def test_query_drops_question_words_but_keeps_meaning():
    terms = analyze_query("结婚登记需要带什么")
    assert "结婚" in terms.words and "登记" in terms.words
    assert not {"需要", "什么", "带"} & set(terms.words)
    assert "结婚登记" not in terms.grams and "婚登" in terms.grams


def test_query_runs_keep_words_whole():
    terms = analyze_query("老人去世要办哪些手续")
    assert "去世" in terms.grams  # not broken on the stopword character 去
    assert "laorenqushi" in terms.pinyin


def test_homophone_typo_and_pinyin_input_share_pinyin():
    assert "shebaoka" in analyze_query("社宝卡").pinyin
    assert "dibao" in analyze_query("DiBao").pinyin


def test_numbers_match_in_either_form():
    assert normalize("年满八十周岁") == normalize("年满80周岁")


def test_bracketed_insertions_give_both_readings():
    assert title_variants("居（租）住证明") == ["居（租）住证明", "居住证明", "居租住证明"]
    assert title_variants("社会保障卡申领") == ["社会保障卡申领"]
