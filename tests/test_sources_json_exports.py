"""``source_id`` in the JSON exports (W3C, Label Studio, doccano): written where the
mention links to a registry entry, kept on import — export → import into a fresh
project → export gives the same ids, hand-made (split) entries included — and files
without it still import (linked by the rules)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.domain.errors import UserInputError
from annotator.services import sources
from annotator.services.interop import export_annotations, import_annotations
from annotator.services.project import Project
from annotator.storage import crud
from tests.test_sources import TEXT, _article, _claim, _link

TEXT2 = ("Steve Witkoff told reporters the deal was close. Officials in Cairo were "
         "less sure.\n")
FORMATS = ("w3c", "labelstudio", "doccano")


def _corpus(project: Project, tmp_path: Path) -> dict[str, str | None]:
    """Two articles quoting Steve Witkoff (one entry), and one claim split off by hand."""
    a1, t1 = _article(project, tmp_path, TEXT, name="a.txt")
    a2, t2 = _article(project, tmp_path, TEXT2, name="b.txt", outlet="AP")
    c1 = _claim(project, a1, t1, "named_person", "talks would resume",
                "Special Envoy Steve Witkoff")
    c2 = _claim(project, a2, t2, "named_person", "the deal was close", "Steve Witkoff")
    c3 = _claim(project, a1, t1, "named_person", "denied it", "Witkoff's aides")
    _claim(project, a2, t2, "named_person", "less sure", "Officials in Cairo")  # rules decide
    assert _link(project, c1) == _link(project, c2) is not None
    team = sources.split(project, _link(project, c3), [c3], "Witkoff's team")
    assert _link(project, c3) == team
    return {c: _link(project, c) for c in (c1, c2, c3)}


def _export(project: Project, fmt: str, folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    if fmt != "w3c":
        path = folder / f"out.{fmt}"
        export_annotations(project, fmt, path)
        return [path]
    with project.reading() as session:
        ids = [a for a, _t, _x in crud.iter_article_texts(session=session, article_id=None)]
    paths = []
    for aid in ids:
        path = folder / f"article-{aid}.jsonld"
        export_annotations(project, "w3c", path, article_id=aid)
        paths.append(path)
    return paths


def _blocks(fmt: str, path: Path) -> list[dict[str, Any]]:
    """Each annotation's metadata block (where ``source_id`` lives), with ``"id"``."""
    raw = path.read_text(encoding="utf-8")
    if fmt == "doccano":
        return [e for line in raw.splitlines() if line
                for e in json.loads(line)["annotator_export"]["annotations"]]
    if fmt == "labelstudio":
        return [dict(e, id=k) for task in json.loads(raw)
                for k, e in task["meta"]["annotator_export"]["annotations"].items()]
    items = json.loads(raw)["first"]["items"]
    return [dict(i.get("annotator_export", {}), id=i["id"].removeprefix("urn:uuid:"))
            for i in items]


def _ids_in(fmt: str, paths: list[Path]) -> dict[str, str]:
    return {b["id"]: b["source_id"] for p in paths for b in _blocks(fmt, p)
            if "source_id" in b}


def _fresh(tmp_path: Path, name: str) -> Project:
    other = Project(tmp_path / f"{name}.sqlite")
    folder = tmp_path / f"{name}-texts"
    folder.mkdir()
    _article(other, folder, TEXT, name="a.txt")
    _article(other, folder, TEXT2, name="b.txt", outlet="AP")
    return other


@pytest.mark.parametrize("fmt", FORMATS)
def test_source_ids_survive_a_json_round_trip(project: Project, tmp_path: Path,
                                              fmt: str) -> None:
    linked = _corpus(project, tmp_path)
    first = _export(project, fmt, tmp_path / "first")
    written = _ids_in(fmt, first)
    for ann_id, sid in linked.items():
        assert written[ann_id] == sid  # the shared entry, and the hand-made one
    if fmt == "w3c":
        from tests.test_w3c_conformance import failures

        for path in first:
            assert failures(path.read_text(encoding="utf-8")) == []
    other = _fresh(tmp_path, "other")
    try:
        for path in first:
            import_annotations(other, path, fmt=fmt)
        for ann_id, sid in written.items():
            assert _link(other, ann_id) == sid
        again = _ids_in(fmt, _export(other, fmt, tmp_path / "second"))
        shown = {s.source_id: s for s in sources.list_sources(other)}
    finally:
        other.close()
    assert again == written
    shared = next(iter(linked.values()))
    assert shown[shared].claims == 2 and shown[shared].articles == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_files_without_source_id_still_import(project: Project, tmp_path: Path,
                                              fmt: str) -> None:
    linked = _corpus(project, tmp_path)
    paths = _export(project, fmt, tmp_path / "first")
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        stripped = raw.replace('"source_id"', '"not_a_source_id"')
        assert stripped != raw
        path.write_text(stripped, encoding="utf-8")
    other = _fresh(tmp_path, "other")
    try:
        for path in paths:
            import_annotations(other, path, fmt=fmt)
        ann_ids = list(linked)
        assert all(_link(other, a) is None for a in ann_ids)  # queued, as any import
        shared = sources.source_of_annotation(other, ann_ids[0])
        assert shared is not None and shared == sources.source_of_annotation(other, ann_ids[1])
        assert shared == linked[ann_ids[0]]  # rule-derived ids are stable anyway
        split_off = sources.source_of_annotation(other, ann_ids[2])
        assert split_off is not None and split_off != linked[ann_ids[2]]  # split not known
    finally:
        other.close()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bad_start", [
    '"source_id": "no such ',
    # longer than the stored column (24): used to pass the check and then fail inside
    # PostgreSQL in the middle of the import
    '"source_id": "src_' + "a" * 21,
], ids=["not-an-id", "too-long"])
def test_a_bad_source_id_refuses_the_file(project: Project, tmp_path: Path, fmt: str,
                                          bad_start: str) -> None:
    _corpus(project, tmp_path)
    (path, *_) = _export(project, fmt, tmp_path / "first")
    raw = path.read_text(encoding="utf-8")
    bad = raw.replace('"source_id": "src_', bad_start, 1)
    assert bad != raw
    path.write_text(bad, encoding="utf-8")
    other = _fresh(tmp_path, "other")
    try:
        with pytest.raises(UserInputError, match=r"'source_id' must be a source id"):
            import_annotations(other, path, fmt=fmt)
        with other.reading() as session:
            assert all(not crud.list_annotations(session=session, article_id=a)
                       for a, _t, _x in crud.iter_article_texts(session=session,
                                                                article_id=None))
    finally:
        other.close()

