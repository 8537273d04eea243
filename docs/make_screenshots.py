"""Regenerate the README screenshots: ``python docs/make_screenshots.py``.

Builds a throwaway project from the seed article, tags its attributions through
the real window (the same calls a key press makes) and saves ``window.grab()``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DOCS = Path(__file__).resolve().parent


def _tag(window, phrase: str, key: str, source: str | None = None,  # type: ignore[no-untyped-def]
         note: str = "") -> None:
    text = window.article.text
    i = text.index(phrase)
    window.view.select_cp(i, i + len(phrase))
    window.editing.tag_selection(key)
    if source:
        j = text.index(source, max(0, i - 200))
        window.view.select_cp(j, j + len(source))
        window.editing.set_source_from_selection()
    if note:
        window.pane('detailsDock').details.note.setPlainText(note)
        window.pane('detailsDock').details._commit_note()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="annotator-shots-"))
    os.environ["ANNOTATOR_SETTINGS"] = str(tmp / "settings.ini")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from annotator.app import create_window, settings

    s = settings()
    s.setValue("analyst/name", "Ana Analyst")
    s.sync()
    window = create_window(tmp / "demo.sqlite")
    window.resize(1440, 860)
    window.show()
    app = QApplication.instance()
    assert app is not None
    text = window.article.text
    claim = text[text.index("A high-stakes"):text.index(", according to three")]
    _tag(window, claim, "anonymous_unspecified",
         source="three sources with direct knowledge of the talks",
         note="Three sources, stated direct knowledge — but none named.")
    _tag(window, "Axios reports", "media_report")
    _tag(window, '"If you meet them and shake their hand, there will be a deal," a senior '
                 "Qatari official reportedly said", "anonymous_official",
         source="a senior Qatari official")
    _tag(window, "reportedly", "unattributed")
    _tag(window, "Witkoff responded: \"President Trump’s message is that you will be treated "
                 "fairly and that he stands behind all 20 points of his peace plan.\"",
         "named_person", source="Witkoff")
    _tag(window, "“When Trump’s envoys gave their word, Hamas believed it,” one source said",
         "anonymous_unspecified", source="one source")
    for ann in list(window.article.rows):  # accept the parsed facet suggestions
        window.wb.select(ann.id)
        window.pane('detailsDock').details.facets.apply_suggestions()
    window.wb.select(window.article.rows[0].id)
    window.view.verticalScrollBar().setValue(0)
    for _ in range(10):
        app.processEvents()
    out = DOCS / "screenshot-main.png"
    window.grab().save(str(out))
    print(out)

    # A colleague tagged the same article differently: compare mode and agreement.
    from annotator.services import annotate, articles

    ben = window.project
    aid = window.article.id
    for phrase, key, trim in [
        (claim, "anonymous_unspecified", 0),
        ("Axios reports", "media_report", 0),
        ('"If you meet them and shake their hand, there will be a deal," a senior Qatari '
         "official reportedly said", "unattributed", 0),
        ("Witkoff responded: \"President Trump’s message is that you will be treated "
         "fairly and that he stands behind all 20 points of his peace plan.\"",
         "named_person", 45),
        ("Following the meeting, Hamas conferred privately with the mediators",
         "anonymous_unspecified", 0),
    ]:
        i = text.index(phrase)
        annotate.apply_edit(ben, annotate.new_annotation(
            ben, article_id=aid, article_text=text, annotator="Ben Reviewer", label=key,
            start=i, end=i + len(phrase) - trim), actor="Ben Reviewer")
    del articles
    window.project_flows.refresh_now()
    window.review.show_review()
    for _ in range(10):
        app.processEvents()
    window.pane('reviewDock').panel.next_item()
    for _ in range(10):
        app.processEvents()
    out = DOCS / "screenshot-compare.png"
    window.grab().save(str(out))
    print(out)
    window.pane('agreementDock').dock.show()
    window.pane('agreementDock').dock.raise_()
    window.resizeDocks([window.pane('agreementDock').dock], [330], Qt.Orientation.Vertical)
    for _ in range(10):
        app.processEvents()
    window.pane('agreementDock').pane.show_article(aid)
    for _ in range(10):
        app.processEvents()
    out = DOCS / "screenshot-agreement.png"
    window.grab().save(str(out))
    print(out)
    window.close()
    window.project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
