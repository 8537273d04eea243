"""A large article opens with its first screen at once and pages in the rest."""

from __future__ import annotations

import random
from pathlib import Path

from annotator.domain.model import make_annotation
from annotator.services import articles, open_article
from annotator.services.project import Project
from annotator.storage import crud


def _big_project(path: Path, tmp_path: Path, n: int) -> tuple[int, str]:
    rng = random.Random(7)
    words = ["officials", "said", "the", "talks", "😀", "𠀋", "reportedly", "sources", "deal"]
    paras = [" ".join(rng.choice(words) for _ in range(rng.randint(20, 80))) for _ in range(900)]
    f = tmp_path / "big.txt"
    f.write_text("\n".join(paras), encoding="utf-8")
    p = Project(path)
    aid = articles.import_files(p, [f]).article_ids[0]
    text = articles.get_article(p, aid).text
    anns = []
    for _ in range(n):
        s = rng.randrange(0, len(text) - 50)
        anns.append(make_annotation(article_id=aid, article_text=text, annotator="bulk",
                                    label="named_person", start=s, end=s + rng.randint(3, 40)))
    with p.transaction() as session:
        crud.insert_annotations(session=session, annotations=anns)
    p.close()
    return aid, text


def test_progressive_load_matches_database(qtbot, tmp_path: Path, monkeypatch) -> None:
    from annotator.app import create_window, settings

    monkeypatch.setattr(open_article, "PAGE_SIZE", 400)
    db = tmp_path / "big.sqlite"
    aid, text = _big_project(db, tmp_path, 3000)
    s = settings()
    s.setValue("analyst/name", "Pat")
    win = create_window(db)
    qtbot.addWidget(win)
    win.show()
    assert win.article is not None and not win.article.complete
    first = win.article.count
    assert 0 < first < 3000
    # tag something far down while the rest is still loading
    i = text.index("reportedly", len(text) // 2)
    win.view.select_cp(i, i + len("reportedly"))
    win.editing.tag_selection("unattributed")
    pages = 0

    def count_pages() -> bool:
        nonlocal pages
        pages += 1
        return win.article.complete

    qtbot.waitUntil(count_pages, timeout=20_000)
    stored = articles.load_annotations(win.project, aid)
    assert len(stored) == 3001
    assert [a.id for a in win.article.rows] == [a.id for a in stored]
    assert win.pane('tableDock').model.rowCount() == 3001
    hits = win.article.index.overlapping(0, len(text))
    assert len(hits) == 3001
    win.close()
    win.project.close()
