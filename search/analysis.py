"""One analysis pipeline for documents and queries, shared by both backends.

Both backends index and query the token strings made here, so they rank
alike and Elasticsearch needs no Chinese plugin (the index uses a plain
whitespace analyzer). Libraries: OpenCC for traditional -> simplified, jieba
for word segmentation, pypinyin for pinyin. What they do not give, and is
written here: Chinese numerals to digits (八十岁 -> 80岁), character bigrams
so both 低保 and 最低生活保障 match on pieces, and question-word stopwords.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK}]+")
LATIN_RUN = re.compile(r"[a-z0-9]+")
TOKEN_RE = re.compile(f"[{CJK}]+|[a-z0-9]+")

# Words that carry no meaning in a resident's question: 怎么办社保卡 -> 社保卡.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "我",
        "我的",
        "你",
        "您",
        "他",
        "她",
        "要",
        "想",
        "需要",
        "需",
        "什么",
        "啥",
        "哪些",
        "哪里",
        "哪儿",
        "哪个",
        "怎么",
        "怎样",
        "怎么办",
        "如何",
        "可以",
        "能",
        "能不能",
        "是",
        "是否",
        "有",
        "没有",
        "在",
        "去",
        "到",
        "和",
        "与",
        "及",
        "或",
        "带",
        "拿",
        "找",
        "个",
        "一下",
        "请问",
        "问",
        "办理",
        "办",
        "弄",
        "搞",
        "手续",
        "该",
        "应该",
        "还",
        "都",
        "也",
        "就",
        "多少",
        "几",
        "什么样",
    ]
)

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百]+(?=[岁周年月日天个元万次级])")


def _numeral(text: str) -> str:
    """'八十' -> '80', '一百零五' -> '105'; text that is not a number is returned as is."""
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return str(total + current)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Full/half width and case folding, traditional -> simplified, numerals -> digits."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = _converter().convert(text)
    text = _NUMERAL_RUN.sub(lambda m: _numeral(m.group(0)), text)
    return " ".join(text.split())


MAX_QUERY_CHARS = 100


def clean_query(text: str) -> str:
    """What a resident typed, with control characters blanked, spaces collapsed and the length capped."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())[:MAX_QUERY_CHARS]


def bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=4096)
def pinyin_of(word: str) -> tuple[str, str]:
    """Full pinyin and initials of a Chinese word: 社保卡 -> ('shebaoka', 'sbk')."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(word, errors="ignore")
    return "".join(syllables), "".join(s[0] for s in syllables if s)


class Segmenter:
    """jieba with the catalog's own terms; loaded lazily, once per process."""

    def __init__(self) -> None:
        self._tokenizer = None
        self._lock = threading.Lock()
        self._user_words: set[str] = set()

    def _load(self):
        import jieba

        jieba.setLogLevel(60)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in self._user_words:
            tokenizer.add_word(word, freq=50_000)
        return tokenizer

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._load()
        return self._tokenizer

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the segmenter catalog terms (item names, keywords, synonyms)."""
        fresh = {normalize(w) for w in words if w and len(w) >= 2} - self._user_words
        self._user_words |= fresh
        if self._tokenizer is not None:
            for word in fresh:
                self._tokenizer.add_word(word, freq=50_000)

    def words(self, text: str, search_mode: bool = True) -> list[str]:
        """Words of normalized text; search mode adds the sub-words of long words."""
        out: list[str] = []
        cut = self.tokenizer.lcut_for_search if search_mode else self.tokenizer.lcut
        for match in TOKEN_RE.finditer(text):
            piece = match.group(0)
            if CJK_RUN.fullmatch(piece):
                out.extend(w for w in cut(piece) if w.strip())
            else:
                out.append(piece)
        return out


segmenter = Segmenter()


@dataclass
class Analyzed:
    """Token lists of one text, by kind; joined with spaces for the index."""

    words: list[str] = field(default_factory=list)
    grams: list[str] = field(default_factory=list)
    pinyin: list[str] = field(default_factory=list)

    def all_terms(self) -> list[str]:
        return list(dict.fromkeys([*self.words, *self.grams, *self.pinyin]))


PINYIN_RUN_MAX = 8


def analyze_document(text: str, with_pinyin: bool = False) -> Analyzed:
    """Index-side tokens: words, bigrams of every CJK run, pinyin of words and short runs."""
    norm = normalize(text)
    words = segmenter.words(norm)
    runs = CJK_RUN.findall(norm)
    result = Analyzed(words=words, grams=[g for run in runs for g in bigrams(run)])
    if with_pinyin:
        result.pinyin = _pinyin_terms([*words, *(r for r in runs if len(r) <= PINYIN_RUN_MAX)])
    return result


def analyze_query(text: str) -> Analyzed:
    """Query-side tokens: meaningful words, their bigrams, their pinyin, and latin words as pinyin."""
    norm = normalize(text)
    words = [w for w in segmenter.words(norm) if w not in STOPWORDS]
    runs = meaningful_runs(norm)
    grams = [g for run in runs for g in bigrams(run) if len(g) == 2 or len(runs) == 1]
    # Full pinyin catches homophone typos (社宝卡); initials are kept for latin
    # input only (a resident typing "sbk"), as from Chinese they match too widely.
    pinyin = _pinyin_terms([*words, *(r for r in runs if len(r) <= PINYIN_RUN_MAX)], initials=False)
    latin = [w for w in words if LATIN_RUN.fullmatch(w)]
    return Analyzed(words=words, grams=grams, pinyin=list(dict.fromkeys([*pinyin, *latin])))


def meaningful_runs(norm: str) -> list[str]:
    """Consecutive non-stopword words joined: 老人去世要办哪些手续 -> ['老人去世']."""
    runs, current = [], ""
    for word in segmenter.words(norm, search_mode=False):
        if CJK_RUN.fullmatch(word) and word not in STOPWORDS:
            current += word
        else:
            if current:
                runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _pinyin_terms(words: Iterable[str], initials: bool = True) -> list[str]:
    out: list[str] = []
    for word in dict.fromkeys(words):
        if CJK_RUN.fullmatch(word):
            full, first_letters = pinyin_of(word)
            out.append(full)
            if initials and len(word) >= 2:
                out.append(first_letters)
    return [t for t in dict.fromkeys(out) if t]


def join(tokens: Iterable[str]) -> str:
    return " ".join(t for t in tokens if t)
