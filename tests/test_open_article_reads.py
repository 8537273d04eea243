"""Opening an article reads what it needs once: a re-opened article's text is not read
again (its sha256 names it), and a first screen's highlights are computed once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text as sql

from annotator.services import articles, interop
from annotator.services.open_article import RECENT_TEXTS, OpenArticle
from annotator.services.project import Project


def _article(project: Project, tmp_path: Path, name: str, body: str) -> int:
    f = tmp_path / f"{name}.txt"
    f.write_text(body, encoding="utf-8")
    return articles.import_files(project, [f]).article_ids[0]


def test_reopening_keeps_the_text_and_rereads_the_metadata(project, tmp_path: Path) -> None:
    body = "Officials said 😀 the talks would resume.\n" * 50
    aid = _article(project, tmp_path, "a", body)
    first = OpenArticle.load_first_screen(project, aid, chars=100)
    interop.update_article_metadata(project, aid, title="A new title")
    again = OpenArticle.load_first_screen(project, aid, chars=100)
    assert again.text is first.text  # not read (nor decoded) a second time
    assert again.offsets is first.offsets
    assert again.article.title == "A new title"
    assert again.article == articles.get_article(project, aid)
    whole = OpenArticle.load(project, aid)
    assert whole.text is first.text and whole.article == again.article


def test_a_kept_text_is_used_only_while_its_sha256_matches(project, tmp_path: Path) -> None:
    """An id that now names other text (a row replaced behind our back) is read afresh."""
    aid = _article(project, tmp_path, "a", "First version of the text.\n")
    assert OpenArticle.load_first_screen(project, aid).text == "First version of the text.\n"
    with project.transaction() as session:
        session.execute(sql("UPDATE article SET text = :t, sha256 = :h WHERE id = :i"),
                        {"t": "Entirely 😀 different.\n", "h": "0" * 64, "i": aid})
    reopened = OpenArticle.load_first_screen(project, aid)
    assert reopened.text == "Entirely 😀 different.\n"
    assert reopened.offsets.utf16_length == len(reopened.text) + 1


def test_projects_never_share_kept_texts(tmp_path: Path) -> None:
    a, b = Project(tmp_path / "a.sqlite"), Project(tmp_path / "b.sqlite")
    try:
        ida = _article(a, tmp_path, "x", "Text of project A.\n")
        idb = _article(b, tmp_path, "y", "Text of project B, longer.\n")
        assert ida == idb  # the same id in both files
        assert OpenArticle.load_first_screen(a, ida).text == "Text of project A.\n"
        assert OpenArticle.load_first_screen(b, idb).text == "Text of project B, longer.\n"
        assert OpenArticle.load_first_screen(a, ida).text == "Text of project A.\n"
    finally:
        a.close()
        b.close()


def test_only_a_few_recent_texts_are_kept(project, tmp_path: Path) -> None:
    ids = [_article(project, tmp_path, f"n{i}", f"Article number {i}.\n")
           for i in range(RECENT_TEXTS + 2)]
    first = OpenArticle.load_first_screen(project, ids[0])
    for aid in ids[1:]:
        OpenArticle.load_first_screen(project, aid)
    again = OpenArticle.load_first_screen(project, ids[0])
    assert again.text == first.text and again.text is not first.text  # read again
