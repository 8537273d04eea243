"""Regenerate the screenshots: ``python docs/make_screenshots.py``.

For each screen size (1280×720 and 1920×1080) a child process starts the real window on a
simulated screen of that size (Qt's offscreen platform with a screen configuration), on a
throwaway project seeded with the seed article, and saves ``window.grab()`` of:

* ``screenshot-first-start-WxH.png`` — the window as a new analyst first sees it;
* ``screenshot-tagging-WxH.png`` — after tagging the seed's attributions (by the same
  calls the keys make), one annotation selected;
* ``screenshot-review-WxH.png`` — a colleague's tags compared in the Review pane;
* ``screenshot-profile-WxH.png`` — the Profile pane.

The 1280×720 run also writes the README's ``screenshot-main.png``,
``screenshot-compare.png``, ``screenshot-profile.png`` and ``screenshot-agreement.png``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SIZES = ("1280x720", "1920x1080")


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
        window.pane("detailsDock").details.note.setPlainText(note)
        window.pane("detailsDock").details._commit_note()


def shoot(size: str) -> int:
    """Child process: one screen size."""
    from PySide6.QtWidgets import QApplication

    from annotator.app import create_window, settings
    from annotator.services import annotate
    from annotator.services.changes import Changes

    tmp = Path(os.environ["ANNOTATOR_SHOTS_TMP"])
    s = settings()
    s.setValue("analyst/name", "Ana Analyst")
    s.sync()
    window = create_window(tmp / "demo.sqlite")
    window.show()
    app = QApplication.instance()
    assert app is not None

    def settle(n: int = 20) -> None:
        for _ in range(n):
            app.processEvents()

    def save(name: str, *aliases: str) -> None:
        settle()
        image = window.grab()
        for out in (DOCS / f"screenshot-{name}-{size}.png",
                    *(DOCS / alias for alias in aliases)):
            image.save(str(out))
            print(out)

    settle(40)
    save("first-start")

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
        window.pane("detailsDock").details.facets.apply_suggestions()
    window.wb.select(window.article.rows[0].id)
    window.view.verticalScrollBar().setValue(0)
    save("tagging", *(["screenshot-main.png"] if size == "1280x720" else []))

    # A colleague tagged the same article differently: compare mode and agreement.
    project, aid = window.project, window.article.id
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
        annotate.apply_edit(project, annotate.new_annotation(
            project, article_id=aid, article_text=text, annotator="Ben Reviewer", label=key,
            start=i, end=i + len(phrase) - trim), actor="Ben Reviewer")
    window.apply_changes(Changes.bulk([aid]))
    window.review.show_review()
    settle()
    window.pane("reviewDock").panel.next_item()
    save("review", *(["screenshot-compare.png"] if size == "1280x720" else []))

    profile = window.pane("profileDock")
    assert profile.dock is not None
    profile.dock.show()
    profile.dock.raise_()
    from PySide6.QtCore import Qt

    # The analyst drags the splitter up to read the charts (the first-start split keeps
    # the table compact so the article stays the largest thing on screen).
    window.resizeDocks([profile.dock], [window.height() // 2], Qt.Orientation.Vertical)
    settle(40)
    save("profile", *(["screenshot-profile.png"] if size == "1280x720" else []))

    if size == "1280x720":
        agreement = window.pane("agreementDock")
        assert agreement.dock is not None
        agreement.dock.show()
        agreement.dock.raise_()
        settle(40)
        save("agreement", "screenshot-agreement.png")
    window.close()
    window.project.close()
    return 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--size":
        return shoot(sys.argv[2])
    for size in SIZES:
        width, height = (int(x) for x in size.split("x"))
        tmp = Path(tempfile.mkdtemp(prefix="annotator-shots-"))
        screen = tmp / "screen.json"
        screen.write_text(json.dumps({"screens": [{
            "name": "shots", "x": 0, "y": 0, "width": width, "height": height,
            "logicalDpi": 96, "dpr": 1}]}))
        env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}",
                   ANNOTATOR_SETTINGS=str(tmp / "settings.ini"), ANNOTATOR_SHOTS_TMP=str(tmp),
                   QT_LOGGING_RULES="qt.qpa.*=false")
        result = subprocess.run([sys.executable, __file__, "--size", size], env=env)
        if result.returncode:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
