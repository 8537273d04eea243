"""Regenerate ``docs/screenshot-profile.png``: ``python docs/make_profile_screenshot.py``.

Builds a throwaway project from the seed article, tags ten of its attributions with
facets through the service layer (the same calls the window makes), builds the
reliability profile pane offscreen and saves ``pane.grab()``. ``--corpus`` saves the
Corpus tab instead (to a path given as the last argument, or /tmp/profile-corpus.png).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(REPO))

# (phrase in the seed article, label key, facets)
DEMO: list[tuple[str, str, dict[str, object]]] = [
    ("according to three sources with direct knowledge of the talks", "anonymous_unspecified",
     {"named": "unnamed", "source_count": 3, "identity_specificity": "generic",
      "knowledge_basis": "direct", "anonymity_reason": "none", "quote_type": "indirect"}),
    ("Axios reports", "media_report", {"named": "named", "source_count": 1}),
    ("Qatari officials told Witkoff", "anonymous_official",
     {"named": "unnamed", "source_count": "several", "knowledge_basis": "direct"}),
    ("a senior Qatari official reportedly said", "anonymous_official",
     {"named": "unnamed", "source_count": 1, "identity_specificity": "title_and_affiliation",
      "quote_type": "direct", "hedge": True, "knowledge_basis": "unstated"}),
    ("Witkoff told the Hamas leaders", "named_person",
     {"named": "named", "quote_type": "partial"}),
    ("Witkoff responded", "named_person", {"named": "named", "quote_type": "direct"}),
    ("the Egyptian intelligence chief returned and announced", "anonymous_official",
     {"named": "identifiable_by_title", "source_count": 1, "knowledge_basis": "direct",
      "quote_type": "direct"}),
    ("That effort stalled, partly due to Israeli government opposition", "unattributed", {}),
    ("According to sources", "anonymous_unspecified",
     {"source_count": "several", "knowledge_basis": "unstated", "anonymity_reason": "none",
      "hedge": True}),
    ("one source said", "anonymous_unspecified",
     {"source_count": 1, "quote_type": "direct", "knowledge_basis": "unstated"}),
]

SECOND_ARTICLE = """Ceasefire holds as aid convoys enter Gaza
The ceasefire held for a third day on Friday, the United Nations said in a statement.
A Reuters reporter at the Kerem Shalom crossing saw dozens of lorries waiting to enter.
According to a copy of the agreement seen by Reuters, the first phase lasts 42 days.
Israel's prime minister said on X that the hostages would be home "very soon".
The Israeli military declined to comment on troop movements.
"""

SECOND_TAGS: list[tuple[str, str, dict[str, object]]] = [
    ("the United Nations said in a statement", "organisation_statement",
     {"named": "named", "channel": "statement"}),
    ("A Reuters reporter at the Kerem Shalom crossing saw", "direct_observation", {}),
    ("According to a copy of the agreement seen by Reuters", "document",
     {"knowledge_basis": "document_seen"}),
    ("Israel's prime minister said on X", "social_media",
     {"named": "identifiable_by_title", "quote_type": "partial"}),
    ("The Israeli military declined to comment", "declined_comment", {}),
]


def tag_all(project, article_id: int, tags, annotator: str = "ana") -> None:  # type: ignore[no-untyped-def]
    from annotator.domain.facets import Facets
    from annotator.domain.facets_codec import encode_facets
    from annotator.services import annotate, articles

    text = articles.get_article(project, article_id).text
    for phrase, key, facets in tags:
        i = text.index(phrase)
        change, _ = annotate.apply_edit(project, annotate.new_annotation(
            project, article_id=article_id, article_text=text, annotator=annotator,
            label=key, start=i, end=i + len(phrase)), actor=annotator)
        if facets:
            after = change.after
            assert after is not None
            annotate.apply_edit(project, annotate.UpdateAnnotation.of(
                after.id, expected_version=after.version,
                facets=encode_facets(Facets.from_dict(facets))), actor=annotator)


def build_demo(folder: Path):  # type: ignore[no-untyped-def]
    """A project with the seed article (Axios) and a short second one (Reuters)."""
    from annotator.services import articles
    from annotator.services.project import Project

    seed = sorted((REPO / "seeds").glob("*.txt"))[0]
    project = Project(folder / "demo.sqlite")
    first = articles.import_files(project, [seed], outlet="Axios").article_ids[0]
    tag_all(project, first, DEMO)
    second_path = folder / "ceasefire.txt"
    second_path.write_text(SECOND_ARTICLE, encoding="utf-8")
    second = articles.import_files(project, [second_path], outlet="Reuters").article_ids[0]
    tag_all(project, second, SECOND_TAGS)
    return project, first


def make_profile_screenshot(path: Path, *, corpus: bool = False) -> Path:
    from PySide6.QtWidgets import QApplication

    from annotator.qt.profile_pane import ProfilePane

    app = QApplication.instance() or QApplication([])
    project, article_id = build_demo(Path(tempfile.mkdtemp(prefix="annotator-profile-")))
    pane = ProfilePane(project)
    pane.resize(1100, 720)
    pane.show_article(article_id)
    if corpus:
        pane.tabs.setCurrentWidget(pane.corpus_tab)
    pane.show()
    for _ in range(10):
        app.processEvents()
    pane.grab().save(str(path), "PNG")
    pane.close()
    project.close()
    return path


def main(argv: list[str]) -> int:
    corpus = "--corpus" in argv
    rest = [a for a in argv if a != "--corpus"]
    default = Path("/tmp/profile-corpus.png") if corpus else DOCS / "screenshot-profile.png"
    print(make_profile_screenshot(Path(rest[0]) if rest else default, corpus=corpus))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
