"""KWIC read off FTS5 highlight() output equals slicing the plain text, and a text that
itself contains the marker characters still gets exact offsets (both backends)."""

from __future__ import annotations

import random
from pathlib import Path

from annotator.domain.search_query import (
    HIT_CLOSE,
    HIT_OPEN,
    highlight_is_clean,
    kwic_from_highlight,
    offsets_from_highlight,
)
from annotator.services import articles
from annotator.services.project import Project
from annotator.services.search import iter_hits


def _marked(rng: random.Random) -> str:
    words = ["ab", "😀", "hit", "𠀋x", "cd", "\n", "hit hit"]
    parts = []
    for _ in range(rng.randint(0, 80)):
        w = rng.choice(words)
        parts.append(f"{HIT_OPEN}{w}{HIT_CLOSE}" if w.startswith("hit") else w)
        parts.append(rng.choice([" ", "", ", "]))
    return "".join(parts)


def test_kwic_from_highlight_equals_slicing_the_plain_text() -> None:
    rng = random.Random(11)
    for _ in range(500):
        marked = _marked(rng)
        plain = marked.replace(HIT_OPEN, "").replace(HIT_CLOSE, "")
        assert highlight_is_clean(marked, len(plain))
        n = rng.choice([1, 3, 10, 60])
        expected = [(s, e, plain[s:e], plain[max(0, s - n):s], plain[e:e + n])
                    for s, e in offsets_from_highlight(marked)]
        assert kwic_from_highlight(marked, n) == expected


def test_highlight_is_clean_spots_a_text_with_its_own_marker() -> None:
    text = f"a {HIT_OPEN} b"
    marked = f"a {HIT_OPEN} {HIT_OPEN}b{HIT_CLOSE}"  # what highlight() gives for "b"
    assert not highlight_is_clean(marked, len(text))


def test_text_containing_marker_characters_gets_exact_hits(project: Project,
                                                           tmp_path: Path) -> None:
    body = (f"Noise {HIT_CLOSE}{HIT_OPEN} before the ceasefire talks, 😀 and "
            f"{HIT_OPEN}ceasefire{HIT_CLOSE} again.\n")
    path = tmp_path / "m.txt"
    path.write_text(body, encoding="utf-8")
    (item,) = articles.import_files(project, [path]).imported
    text = articles.get_article(project, item.article_id).text
    assert HIT_OPEN in text and HIT_CLOSE in text  # kept: the Python locator is used
    hits = list(iter_hits(project, "ceasefire", scope="text"))
    starts = [i for i in range(len(text)) if text.startswith("ceasefire", i)]
    assert [(h.start, h.end) for h in hits] == [(s, s + 9) for s in starts]
    for h in hits:
        assert h.hit == "ceasefire"
        assert h.left == text[max(0, h.start - 60):h.start]
        assert h.right == text[h.end:h.end + 60]


def test_locate_by_expression_equals_word_by_word() -> None:
    """The fast locator (one expression per term over the lower-cased text) gives the
    spans of the word-by-word one on texts of every kind, folding or not."""
    from annotator.domain.search_query import (
        Query,
        Term,
        _lower_folds,
        locate,
        locate_by_words,
        tokens,
    )

    alphabet = ["a", "B", "ab", "Ab", "ß", "é", "e\u0301", "Ø", "北京", "大学", "ΟΣ", "σ",
                "İ", "क\u093f", "x_y", "7", "😀", "'", "’", " ", " ", "\n", ",", "-", "\u0301"]
    rng = random.Random(5)
    fast_texts = 0
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        words = [w for _, _, w in tokens(text)] or ["a"]
        fast_texts += _lower_folds(text) is not None
        for _ in range(4):
            k = rng.randint(1, 2)
            i = rng.randrange(len(words))
            picked = tuple(words[i:i + k])
            prefix = rng.random() < 0.3
            if prefix and rng.random() < 0.5:
                picked = picked[:-1] + (picked[-1][:max(1, len(picked[-1]) // 2)],)
            q = Query(((Term(picked, prefix=prefix),),), "q")
            assert locate(q, text) == locate_by_words(q, text), (text, picked, prefix)
    assert fast_texts > 100  # the fast path was exercised (192 of 1500 texts)
