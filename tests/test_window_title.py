"""The window title names the open article, marked with "…" when cut."""

from __future__ import annotations

from pathlib import Path


def test_long_title_is_cut_with_an_ellipsis(window, tmp_path: Path) -> None:
    title = window.article.article.title
    assert len(title) > 80  # the seed's headline is long
    shown = window.windowTitle().removesuffix(" — annotator")
    assert shown.endswith("…") and len(shown) <= 80
    assert title.startswith(shown[:-1])
    short = tmp_path / "short.txt"
    short.write_text("Short headline\n\nThe minister said so, officials said.\n",
                     encoding="utf-8")
    window.articles.import_paths([short])
    assert window.windowTitle() == "Short headline — annotator"
