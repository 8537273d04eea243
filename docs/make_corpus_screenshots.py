"""Regenerate the Search and Sources screenshots: ``python docs/make_corpus_screenshots.py``.

Builds a throwaway project from the seed article plus two short articles from other
outlets, tags attributions with source mentions through the services, and grabs the
Search and Sources panes (``widget.grab()``, offscreen).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent

EXTRA = {
    "wire.txt": ("Reuters", "2025-10-10",
                 "Steve Witkoff said on Friday the ceasefire would hold. A senior Qatari "
                 "official said the talks had been tense. Axios first reported the meeting.\n"),
    "daily.txt": ("AP", "2025-10-11",
                  "A senior Qatari official said Hamas accepted the guarantees. Witkoff's "
                  "office declined to comment. According to Axios, the deal was close.\n"),
}

CLAIMS = [  # (article file or None for the seed, claim, mention, label)
    (None, "played a pivotal role in finalizing the Gaza peace agreement",
     "three sources with direct knowledge of the talks", "anonymous_official"),
    (None, "a major obstacle to the deal was Hamas’ concern", "Axios", "media_report"),
    (None, "If you meet them and shake their hand, there will be a deal",
     "a senior Qatari official", "anonymous_official"),
    (None, "holding onto hostages was now a \"liability,\"", "Witkoff", "named_person"),
    ("wire.txt", "the ceasefire would hold", "Steve Witkoff", "named_person"),
    ("wire.txt", "the talks had been tense", "A senior Qatari official", "anonymous_official"),
    ("wire.txt", "first reported the meeting", "Axios", "media_report"),
    ("daily.txt", "Hamas accepted the guarantees", "A senior Qatari official",
     "anonymous_official"),
    ("daily.txt", "the deal was close", "Axios", "media_report"),
]


def main() -> int:
    sys.path.insert(0, str(REPO))
    tmp = Path(tempfile.mkdtemp(prefix="annotator-corpus-shots-"))
    os.environ["ANNOTATOR_SETTINGS"] = str(tmp / "settings.ini")
    from PySide6.QtWidgets import QApplication

    from annotator.qt.search_pane import SearchPane
    from annotator.qt.sources_pane import SourcesPane
    from annotator.services import annotate, articles
    from annotator.services.project import Project
    from annotator.services.resources import seed_files

    app = QApplication.instance() or QApplication([])
    project = Project(tmp / "shots.sqlite")
    ids: dict[str | None, tuple[int, str]] = {}
    (seed_id,) = articles.import_files(project, seed_files()[:1], outlet="Axios").article_ids
    ids[None] = (seed_id, articles.get_article(project, seed_id).text)
    for name, (outlet, date, body) in EXTRA.items():
        path = tmp / name
        path.write_text(body, encoding="utf-8")
        (aid,) = articles.import_files(project, [path], outlet=outlet).article_ids
        from sqlalchemy import text as sql

        with project.transaction() as session:  # publication date, as Article details sets it
            session.execute(sql("UPDATE article SET published = :d WHERE id = :i"),
                            {"d": date, "i": aid})
        ids[name] = (aid, articles.get_article(project, aid).text)
    for where, claim, mention, label in CLAIMS:
        aid, text = ids[where]
        s = text.index(claim)
        m = text.index(mention)
        annotate.apply_edit(project, annotate.new_annotation(
            project, article_id=aid, article_text=text, annotator="Ana Analyst", label=label,
            start=s, end=s + len(claim), source=(m, m + len(mention))), actor="Ana Analyst")

    search = SearchPane(project)
    search.resize(1100, 420)
    search.show()
    search.query.setText('"Qatari official" OR Witkoff*')
    search.run()
    for col, width in enumerate((260, 120, 260, 70, 150, 160, 70, 90)):
        search.table.setColumnWidth(col, width)
    app.processEvents()
    search.grab().save(str(DOCS / "screenshot-search.png"))

    pane = SourcesPane(project)
    pane.resize(1100, 560)
    pane.show()
    pane.refresh()
    row = next(r for r in range(pane.entries.rowCount())
               if "Qatari" in pane.entry_at(r).name)
    pane.list_view.selectRow(row)
    for col, width in enumerate((260, 110, 60, 70, 160, 90, 90)):
        pane.list_view.setColumnWidth(col, width)
    for col, width in enumerate((220, 220, 160, 160, 130, 120, 70, 90)):
        pane.claim_view.setColumnWidth(col, width)
    app.processEvents()
    pane.grab().save(str(DOCS / "screenshot-sources.png"))
    project.close()
    print("wrote docs/screenshot-search.png, docs/screenshot-sources.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
