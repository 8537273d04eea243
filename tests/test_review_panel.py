"""The review panel: compare ana and ben, walk open items, accept / reject into the
reviewed layer (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from annotator.domain.agreement import DiffKind
from annotator.domain.model import REVIEWED_LAYER, Annotation
from annotator.qt.review_panel import KIND_COLORS, SETTLED_COLOR, ReviewItemModel, ReviewPanel
from annotator.services import annotate, articles, review
from annotator.services.project import Project

from .conftest import SEED
from .conftest import tag_phrase as _tag


@dataclass
class Case:
    project: Project
    article_id: int
    text: str
    anns: dict[str, Annotation]


@pytest.fixture
def case(project: Project) -> Case:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text

    def t(who: str, label: str, needle: str) -> Annotation:
        return _tag(project, aid, text, who, label, needle)

    return Case(project, aid, text, {
        "agreed_a": t("ana", "media_report", "Axios reports"),
        "agreed_b": t("ben", "media_report", "Axios reports"),
        "label_a": t("ana", "anonymous_unspecified",
                     "three sources with direct knowledge of the talks"),
        "label_b": t("ben", "anonymous_official",
                     "three sources with direct knowledge of the talks"),
        "boundary_a": t("ana", "anonymous_official", "a senior Qatari official"),
        "boundary_b": t("ben", "anonymous_official", "a senior Qatari official reportedly said"),
        "only_a": t("ana", "organisation_statement", "Qatari officials"),
        "only_b": t("ben", "named_person", "Witkoff told the Hamas leaders"),
    })


@pytest.fixture
def panel(qtbot, case: Case) -> ReviewPanel:  # type: ignore[no-untyped-def]
    widget = ReviewPanel(case.project)
    qtbot.addWidget(widget)
    widget.resize(760, 600)
    widget.set_context(case.article_id, ["ben", "ana", REVIEWED_LAYER], "Carla",
                       article_text=case.text)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


class Recorder:
    def __init__(self, panel: ReviewPanel) -> None:
        self.activated: list[tuple[int, int, str | None, str | None]] = []
        self.changed: list[int] = []
        panel.itemActivated.connect(lambda *args: self.activated.append(tuple(args)))
        panel.reviewChanged.connect(self.changed.append)


def _item(panel: ReviewPanel, ann: Annotation) -> review.ReviewItem:
    return next(i for i in panel.compare_items() if ann.id in {s.id for s in i.annotations})


def _status_text(panel: ReviewPanel, ann: Annotation) -> str:
    model = panel.model
    row = next(r for r, i in enumerate(model.items) if ann.id in {s.id for s in i.annotations})
    return model.data(model.index(row, ReviewItemModel.STATUS))


def test_counts_per_kind_and_list_in_text_order(panel: ReviewPanel, case: Case) -> None:
    assert panel.objectName() == "reviewPanel"
    assert (panel.annotator_a, panel.annotator_b) == ("ana", "ben")
    assert [panel.combo_b.itemData(i) for i in range(panel.combo_b.count())] == [
        "ana", "ben", REVIEWED_LAYER]
    assert [panel.combo_a.itemData(i) for i in range(panel.combo_a.count())] == ["ana", "ben"]
    assert panel.counts() == {kind: 1 for kind in DiffKind}
    for kind, chip in panel.chips.items():
        assert chip.text().endswith("<b>1</b>"), kind
    assert "4 open" in panel.summary.text() and "0 settled" in panel.summary.text()
    assert panel.findChild(type(panel.table), "disagreementList") is panel.table

    model = panel.model
    assert model.rowCount() == 5
    starts = [i.start for i in model.items]
    assert starts == sorted(starts)
    assert model.items == panel.compare_items() == review.review_status(
        case.project, case.article_id, "ana", "ben")
    boundary = next(r for r, i in enumerate(model.items)
                    if i.kind == DiffKind.BOUNDARY_DISAGREEMENT)
    cells = [model.data(model.index(boundary, c)) for c in range(model.columnCount())]
    assert cells == ["Boundary", "“a senior Qatari official reportedly said”",
                     "Anonymous official", "Anonymous official", "open"]
    assert model.headerData(ReviewItemModel.A, Qt.Orientation.Horizontal) == "A · ana"

    colors = panel.compare_colors()
    for key, ann in case.anns.items():
        kind = _item(panel, ann).kind
        assert colors[ann.id] == KIND_COLORS[kind], key

    panel.open_only.setChecked(True)
    assert model.rowCount() == 4
    assert all(i.kind != DiffKind.AGREED for i in model.items)


def test_next_and_prev_walk_open_items(panel: ReviewPanel, case: Case) -> None:
    rec = Recorder(panel)
    expected = [i for i in panel.compare_items() if i.kind != DiffKind.AGREED]
    assert len(expected) == 4

    def sig(item: review.ReviewItem) -> tuple[int, int, str | None, str | None]:
        return (item.start, item.end, item.a.id if item.a else None,
                item.b.id if item.b else None)

    walked = [panel.next_item() for _ in range(4)]
    assert walked == expected
    assert rec.activated == [sig(i) for i in expected]
    assert panel.current_item() == expected[-1]
    assert panel.table.currentIndex().row() == panel.model.items.index(expected[-1])
    only_b = next(i for i in expected if i.kind == DiffKind.ONLY_B)
    assert rec.activated[[i.kind for i in expected].index(DiffKind.ONLY_B)] == (
        case.anns["only_b"].start, case.anns["only_b"].end, None, case.anns["only_b"].id)
    assert only_b in walked

    assert panel.next_item() == expected[0]  # wraps round
    assert panel.prev_item() == expected[-1]
    assert panel.prev_item() == expected[-2]
    assert rec.activated[-1] == sig(expected[-2])

    # clicking a row announces it too
    agreed_row = next(r for r, i in enumerate(panel.model.items) if i.kind == DiffKind.AGREED)
    panel.table.setCurrentIndex(panel.model.index(agreed_row, 1))
    agreed = panel.model.items[agreed_row]
    assert rec.activated[-1] == sig(agreed) and panel.current_item() == agreed
    assert not panel.buttons["accept_both"].isEnabled()  # identical spans


def test_accept_a_copies_into_reviewed_layer(panel: ReviewPanel, case: Case) -> None:
    rec = Recorder(panel)
    src = case.anns["only_a"]
    panel.select_item(_item(panel, src))
    assert panel.buttons["accept_a"].isEnabled() and not panel.buttons["accept_b"].isEnabled()
    assert panel.accept_side("a")

    reviewed = [a for a in articles.load_annotations(case.project, case.article_id)
                if a.annotator == REVIEWED_LAYER]
    assert len(reviewed) == 1
    new = reviewed[0]
    assert (new.reviewed_by, new.origin_id, new.label, new.start, new.end) == (
        "Carla", src.id, src.label, src.start, src.end)
    item = _item(panel, src)
    assert item.settled and item.reviewed == (new,)
    assert _status_text(panel, src) == "settled"
    assert rec.changed == [case.article_id]
    assert panel.counts()[DiffKind.ONLY_A] == 1 and "3 open" in panel.summary.text()
    # moved on to the next open disagreement and told the window
    nxt = panel.current_item()
    assert nxt is not None and nxt.kind != DiffKind.AGREED and not nxt.settled
    assert rec.activated[-1][:2] == (nxt.start, nxt.end)
    assert panel.compare_colors()[src.id] == SETTLED_COLOR

    # accepting it again is refused with a message, nothing written
    panel.select_item(item)
    assert not panel.buttons["accept_a"].isEnabled()


def test_reject_unreject_and_accept_both(panel: ReviewPanel, case: Case,
                                         no_blocking_dialogs) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder(panel)
    only_b = case.anns["only_b"]
    panel.select_item(_item(panel, only_b))
    assert not panel.buttons["reject_a"].isEnabled()
    assert panel.reject_side("b")
    item = _item(panel, only_b)
    assert item.settled and item.rejected == (only_b.id,) and not item.reviewed
    assert _status_text(panel, only_b) == "rejected"
    assert [h.action for h in annotate.history(case.project, only_b.id)][-1] == "rejected"

    panel.select_item(item)
    assert panel.buttons["reject_b"].text() == "Unreject B"
    panel.buttons["reject_b"].click()
    assert not _item(panel, only_b).settled and _status_text(panel, only_b) == "open"

    a, b = case.anns["boundary_a"], case.anns["boundary_b"]
    panel.select_item(_item(panel, a))
    assert panel.buttons["accept_both"].isEnabled()
    assert panel.accept_both()
    reviewed = {r.origin_id: r for r in articles.load_annotations(case.project, case.article_id)
                if r.annotator == REVIEWED_LAYER}
    assert set(reviewed) == {a.id, b.id}
    assert all(r.reviewed_by == "Carla" for r in reviewed.values())
    assert _item(panel, a).settled
    assert rec.changed == [case.article_id] * 3
    assert no_blocking_dialogs == []

    # Reopen undoes the decision: the reviewed copies go, the item is open again
    panel.select_item(_item(panel, a))
    assert panel.reopen()
    assert not _item(panel, a).settled
    assert not [r for r in articles.load_annotations(case.project, case.article_id)
                if r.annotator == REVIEWED_LAYER]


def test_edited_copy_conflict_and_errors(panel: ReviewPanel, case: Case,
                                         no_blocking_dialogs) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder(panel)
    src = case.anns["label_a"]
    panel.select_item(_item(panel, src))
    dialog = panel.edit_item()
    assert dialog is not None and dialog.isVisible()
    assert dialog.side_combo.count() == 2 and dialog.values()[0] == src.id
    start = case.text.index("three sources")
    dialog.label_combo.setCurrentIndex(dialog.label_combo.findData("anonymous_official"))
    dialog.end_spin.setValue(start + len("three sources"))
    assert "three sources" in dialog.preview.text()
    dialog.accept()
    new = next(r for r in articles.load_annotations(case.project, case.article_id)
               if r.annotator == REVIEWED_LAYER)
    assert (new.origin_id, new.label, new.text) == (src.id, "anonymous_official",
                                                    "three sources")
    assert _item(panel, src).settled and rec.changed == [case.article_id]

    # A colleague changes ben's annotation after the panel loaded it: conflict, refreshed.
    only_b = case.anns["only_b"]
    panel.select_item(_item(panel, only_b))
    annotate.apply_edit(case.project, annotate.UpdateAnnotation.of(
        only_b.id, expected_version=only_b.version, label="anonymous_official"), actor="ben")
    assert not panel.accept_side("b")
    assert no_blocking_dialogs and "changed since you loaded it" in no_blocking_dialogs[-1][1]
    assert _item(panel, only_b).b.label == "anonymous_official"  # type: ignore[union-attr]
    assert panel.accept_side("b")  # now based on the fresh version

    # No reviewer name: refused with a message, nothing written
    panel.set_reviewer("")
    panel.select_item(_item(panel, case.anns["only_a"]))
    assert not panel.accept_side("a")
    assert "reviewer name is empty" in no_blocking_dialogs[-1][1]


def test_keyboard_shortcuts(panel: ReviewPanel, case: Case, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel.activateWindow()
    panel.table.setFocus()
    qtbot.waitUntil(lambda: panel.table.hasFocus())
    panel.select_item(_item(panel, case.anns["only_a"]))
    qtbot.keyClick(panel.table, Qt.Key.Key_A)
    assert _item(panel, case.anns["only_a"]).settled
    panel.select_item(_item(panel, case.anns["only_b"]))
    qtbot.keyClick(panel.table, Qt.Key.Key_B, Qt.KeyboardModifier.ShiftModifier)
    assert _item(panel, case.anns["only_b"]).rejected == (case.anns["only_b"].id,)
    panel.select_item(_item(panel, case.anns["label_a"]))
    qtbot.keyClick(panel.table, Qt.Key.Key_B)
    item = _item(panel, case.anns["label_a"])
    assert item.settled and item.reviewed[0].origin_id == case.anns["label_b"].id
    panel.select_item(_item(panel, case.anns["boundary_a"]))
    qtbot.keyClick(panel.table, Qt.Key.Key_E)
    assert panel.edit_dialog is not None and panel.edit_dialog.isVisible()
    panel.edit_dialog.reject()
    assert not _item(panel, case.anns["boundary_a"]).settled
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Equal)  # "+" / "=": accept both
    assert len(_item(panel, case.anns["boundary_a"]).reviewed) == 2


def test_contexts_without_a_comparison(panel: ReviewPanel, case: Case) -> None:
    panel.set_context(None, [], "Carla")
    assert panel.compare_items() == [] and panel.message.isVisibleTo(panel)
    assert "Open an article" in panel.message.text()
    assert panel.next_item() is None

    # one analyst: compared with the reviewed layer; B-side actions are off
    panel.set_context(case.article_id, ["ana"], "Carla", article_text=case.text)
    assert (panel.annotator_a, panel.annotator_b) == ("ana", REVIEWED_LAYER)
    assert panel.counts()[DiffKind.ONLY_A] == 4
    first = panel.next_item()
    assert first is not None
    assert not panel.buttons["accept_b"].isEnabled()
    assert not panel.buttons["reject_b"].isEnabled()
    assert panel.accept_side("a")
    assert panel.counts()[DiffKind.AGREED] == 1  # ana's span now matches the reviewed copy

    # choosing B's annotator as A swaps the two
    panel.set_context(case.article_id, ["ana", "ben"], "Carla", article_text=case.text)
    panel.combo_b.setCurrentIndex(panel.combo_b.findData("ben"))
    panel.combo_a.setCurrentIndex(panel.combo_a.findData("ben"))
    assert (panel.annotator_a, panel.annotator_b) == ("ben", "ana")
    assert panel.counts()[DiffKind.ONLY_A] == 1 and panel.compare_items()
