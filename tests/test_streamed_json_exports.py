"""doccano and Label Studio exports streamed from the database: the same bytes as the
in-memory writers, annotations read a page at a time (memory flat in their number)."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from annotator.domain.formats import Document, FormatError
from annotator.domain.formats.doccano import export_doccano, write_doccano
from annotator.domain.formats.labelstudio import export_labelstudio, write_labelstudio
from annotator.domain.model import Annotation, make_annotation
from annotator.services import articles, interop
from annotator.services.project import Project
from annotator.storage import crud

from .test_formats import hostile_document

# Annotator names whose code point order differs from a locale's (capitals, accents).
ANNOTATORS = ("ana", "Émile", "Zoë", "bob", "émile", "Ana")


def _by(order: str, doc: Document) -> Callable[[], Iterable[Annotation]]:
    anns = sorted(doc.annotations, key=lambda a: ((a.annotator,) if order == "annotator"
                                                   else ()) + a.sort_key)
    return lambda: iter(anns)


def test_streamed_writers_give_the_in_memory_bytes() -> None:
    docs = [hostile_document(), Document(text="Second 😀 doc.", meta={"id": 43}),
            Document(text="Third.", meta={})]
    buf = io.StringIO()
    assert write_labelstudio([(d, _by("annotator", d)) for d in docs], buf) == 11
    assert buf.getvalue() == export_labelstudio(docs, indent=None)
    buf = io.StringIO()
    assert write_doccano([(d, _by("position", d)) for d in docs], buf) == 11
    assert buf.getvalue() == export_doccano(docs)
    buf = io.StringIO()
    write_labelstudio([], buf)
    assert buf.getvalue() == export_labelstudio([], indent=None)


def test_streamed_writers_refuse_annotations_out_of_order() -> None:
    doc = hostile_document()
    backwards = sorted(doc.annotations, key=lambda a: a.sort_key, reverse=True)
    with pytest.raises(ValueError, match="order"):
        write_doccano([(doc, lambda: iter(backwards))], io.StringIO())
    with pytest.raises(ValueError, match="order"):
        write_labelstudio([(doc, lambda: iter(backwards))], io.StringIO())


def _project(project: Project, tmp_path: Path, n: int) -> int:
    text = ("Officials 😀 said the 𠀋 talks would resume, according to people familiar. "
            * 60)
    f = tmp_path / "a.txt"
    f.write_text(text, encoding="utf-8")
    aid = articles.import_files(project, [f]).article_ids[0]
    text = articles.get_article(project, aid).text
    anns = []
    for k in range(n):
        start = (k * 13) % 3000
        # every third pair shares (start, end) so the id decides the order
        end = start + 10 + (k % 3 and k % 17)
        anns.append(make_annotation(
            article_id=aid, article_text=text, annotator=ANNOTATORS[k % len(ANNOTATORS)],
            label="document", start=start, end=end, note="n" if k % 4 == 0 else "",
            source=(start + 20, start + 30) if k % 5 == 0 else None,
            annotation_id=f"{'fedcba9876543210'[k % 16]}{k:07d}-0000-4000-8000-000000000000",
            now=f"2025-01-{1 + k % 28:02d}T00:00:00.000000Z"))
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=anns)
    return aid


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio"])
def test_export_from_the_database_is_the_in_memory_writer(
        fmt: str, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On both backends (PostgreSQL orders text by its locale unless told otherwise)."""
    aid = _project(project, tmp_path, 300)
    monkeypatch.setattr(interop, "PRETTY_JSON_LIMIT", 10)  # stream Label Studio too
    out = tmp_path / f"out.{fmt}"
    report = interop.export_annotations(project, fmt, out, article_id=aid)
    assert report.annotations == 300
    with project.reading() as session:
        art = crud.get_article(session=session, article_id=aid)
        assert art is not None
        anns = crud.list_annotations(session=session, article_id=aid)
    doc = Document(text=art.text, annotations=anns, meta=interop._article_meta(art),
                   sources=interop.source_ids_for_export(project, article_id=aid))
    expected = (export_doccano([doc]) if fmt == "doccano"
                else export_labelstudio([doc], indent=None))
    assert out.read_text(encoding="utf-8") == expected
    if fmt == "labelstudio":
        task = json.loads(expected)[0]  # one Label Studio annotation per analyst
        assert [a["id"] for a in task["annotations"]] == list(range(1, len(ANNOTATORS) + 1))


def _peak(project: Project, fmt: str, out: Path) -> int:
    tracemalloc.start()
    try:
        interop.export_annotations(project, fmt, out)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio"])
def test_export_memory_stays_flat_as_annotations_grow(
        fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interop, "PRETTY_JSON_LIMIT", 10)
    monkeypatch.setattr(interop, "EXPORT_PAGE", 50)
    project = Project(tmp_path / "p.sqlite")
    try:
        aid = _project(project, tmp_path, 300)
        _peak(project, fmt, tmp_path / "warm")
        small = _peak(project, fmt, tmp_path / "small")
        with project.reading() as session:
            text = crud.article_text(session=session, article_id=aid)
        more = [make_annotation(article_id=aid, article_text=text, annotator="ana",
                                label="document", start=k % 3000, end=k % 3000 + 40,
                                annotation_id=f"a{k:07d}-1111-4000-8000-000000000000",
                                now="2025-02-01T00:00:00.000000Z") for k in range(2100)]
        with project.transaction() as session:
            crud.insert_annotations(session=session, annotations=more)
        big = _peak(project, fmt, tmp_path / "big")
    finally:
        project.close()
    # Held as objects plus their JSON (the writers before streaming), the 2,100 more
    # cost ~4 KB each (+8.7 MB measured); streamed, what is left is the export check's
    # set of seen ids (~200 bytes each, as in the W3C export).
    assert big - small < 2100 * 400, (small, big)


def test_export_check_still_names_a_duplicate_id() -> None:
    """The streamed writers keep only the ids seen (not a message per annotation) and
    still refuse a repeated one, naming it."""
    doc = hostile_document()
    twice = Document(text=doc.text, annotations=[*doc.annotations, doc.annotations[0]],
                     meta=doc.meta)
    dup = doc.annotations[0].id
    with pytest.raises(FormatError, match=rf"annotation {dup}: duplicate annotation id"):
        write_doccano([(twice, _by("position", twice))], io.StringIO())
    with pytest.raises(FormatError, match="duplicate annotation id"):
        export_labelstudio([twice])
