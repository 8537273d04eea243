"""Rule 7 (surname-only mentions) and rule 6 (titles inside names) of the source
registry, on both backends: same article, same outlet, corpus; ambiguity kept apart and
shown; the analyst's surname alias wins; order-independent bulk linking; rules changes
re-key existing entries without moving a link; the migration fills surnames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text as sql

from annotator.domain.model import make_annotation
from annotator.domain.source_registry import load_rules, match_key, parse_rules, surname_only
from annotator.services import annotate, articles, sources
from annotator.services.project import Project
from annotator.services.resources import RESOURCES, SEEDS
from annotator.storage import crud, source_crud

RULES = load_rules(RESOURCES / "source_rules.json")


def _article(project: Project, tmp_path: Path, text: str, name: str, outlet: str
             ) -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (item,) = articles.import_files(project, [path], outlet=outlet).imported
    return item.article_id, articles.get_article(project, item.article_id).text


def _tag(project: Project, aid: int, text: str, mention: str, *, claim: str | None = None,
         after: int = 0, label: str = "named_person") -> str:
    m = text.index(mention, after)
    s = text.index(claim, after) if claim else m + len(mention)
    e = s + len(claim) if claim else min(len(text), s + 12)
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator="ana", label=label,
        start=s, end=e, source=(m, m + len(mention))), actor="ana")
    return change.after.id


def _link(project: Project, annotation_id: str) -> str | None:
    sources.resolve_pending(project)
    with project.reading() as session:
        return source_crud.source_ids_of(session=session,
                                         annotation_ids=[annotation_id]).get(annotation_id)


@pytest.mark.parametrize("mention, key", [
    ("Witkoff", "named|witkoff"), ("Mr. Witkoff", "named|witkoff"),
    ("Witkoff's", "named|witkoff"), ("President Trump", "named|trump"),
    ("U.S. envoy Steve Witkoff", "named|steve witkoff"),
    ("Special Envoy Steve Witkoff", "named|steve witkoff"),
    ("Israeli Prime Minister Benjamin Netanyahu", "named|benjamin netanyahu"),
    ("Secretary of State Marco Rubio", "named|marco rubio"),
    ("President Donald Trump", "named|donald trump"),
    ("Stephen King", "named|stephen king"),  # a title word as the surname stays
    ("John Major", "named|john major"),
])
def test_titles_dropped_anywhere_before_the_name(mention: str, key: str) -> None:
    m = match_key(mention=mention, label="named_person", rules=RULES)
    assert m is not None and m.key == key
    assert (surname_only(m, RULES) is not None) == (" " not in key.partition("|")[2])


def test_surname_rule_is_data_and_checked() -> None:
    base = {"kind_by_label": {"named_person": "named"}, "titles": ["mr"]}
    off = parse_rules({**base, "surname_only": False})
    m = match_key(mention="Witkoff", label="named_person", rules=off)
    assert m is not None and surname_only(m, off) is None
    assert parse_rules({**base, "surname_only": {"scopes": ["corpus"]}}).surname_only.scopes \
        == ("corpus",)  # type: ignore[union-attr]
    for bad in ({"scopes": ["planet"]}, {"scopes": []}, {"scopes": ["article", "article"]},
                "yes", {"min_chars": 0}):
        with pytest.raises(ValueError, match="surname_only"):
            parse_rules({**base, "surname_only": bad})
    with pytest.raises(ValueError, match="titles_anywhere"):
        parse_rules({**base, "titles_anywhere": "yes"})
    shipped = (RESOURCES / "source_rules.json").read_text(encoding="utf-8")
    assert '"surname_only"' in shipped and "_surname_only" in shipped  # explained in place


def test_seed_article_surnames_join_the_full_name(project: Project) -> None:
    (item,) = articles.import_files(project, sorted(SEEDS.glob("*.txt"))[:1],
                                    outlet="Reuters").imported
    text = articles.get_article(project, item.article_id).text
    full = _tag(project, item.article_id, text, "Steve Witkoff")
    shorts = []
    start = 0
    while (i := text.find("Witkoff", start)) >= 0:
        if not text[:i].endswith("Steve "):
            shorts.append(_tag(project, item.article_id, text, "Witkoff", after=i))
        start = i + len("Witkoff")
    assert len(shorts) >= 2, "the seed article uses the surname alone"
    assert {_link(project, a) for a in shorts} == {_link(project, full)}


def test_same_article_outlet_and_corpus(project: Project, tmp_path: Path) -> None:
    reuters, rtext = _article(project, tmp_path, (
        "U.S. envoy Steve Witkoff said talks would resume. Witkoff told reporters more. "
        "Mr. Witkoff left. Witkoff's plane landed. John Smith said no. Donald Trump said "
        "yes.\n"), "r.txt", "Reuters")
    full = _tag(project, reuters, rtext, "U.S. envoy Steve Witkoff")
    same_article = [_tag(project, reuters, rtext, m, after=rtext.index("talks"))
                    for m in ("Witkoff", "Mr. Witkoff", "Witkoff's")]
    john = _tag(project, reuters, rtext, "John Smith")
    donald = _tag(project, reuters, rtext, "Donald Trump")
    steve = _link(project, full)
    assert steve is not None and all(_link(project, a) == steve for a in same_article)
    ap, atext = _article(project, tmp_path, "Jane Smith spoke. Smith added a line. President "
                         "Trump wrote.\n", "a.txt", "AP")
    jane = _tag(project, ap, atext, "Jane Smith")
    ap_smith = _tag(project, ap, atext, "Smith", after=atext.index("spoke"))
    trump = _tag(project, ap, atext, "President Trump")
    assert _link(project, ap_smith) == _link(project, jane)  # the same article decides
    assert _link(project, trump) == _link(project, donald)  # one Trump in the corpus
    ap2, a2text = _article(project, tmp_path, "Smith said more later.\n", "a2.txt", "AP")
    outlet_smith = _tag(project, ap2, a2text, "Smith")
    assert _link(project, outlet_smith) == _link(project, jane)  # the same outlet
    axios, xtext = _article(project, tmp_path, "Witkoff told Axios. Smith declined.\n",
                            "x.txt", "Axios")
    corpus_witkoff = _tag(project, axios, xtext, "Witkoff")
    lone_smith = _tag(project, axios, xtext, "Smith")
    assert _link(project, corpus_witkoff) == steve  # one Witkoff anywhere
    smith = _link(project, lone_smith)
    assert smith not in (_link(project, john), _link(project, jane))  # two: kept apart
    detail = sources.show_source(project, smith)  # type: ignore[arg-type]
    assert {n for _i, n, _c in detail.possibly_same} == {"John Smith", "Jane Smith"}
    assert {i for i, _n, _c in sources.show_source(project, _link(project, john)
                                                    ).possibly_same} == {smith}
    assert sources.show_source(project, steve).summary.claims == 5
    with project.reading() as session:
        assert source_crud.spread_check(session=session) == []
        aliases = source_crud.aliases_of(session=session, source_ids=[steve])[steve]
    assert aliases == ["named|steve witkoff"]  # the surname never becomes an alias


def test_a_later_full_name_collects_earlier_surname_mentions(project: Project,
                                                             tmp_path: Path) -> None:
    axios, xtext = _article(project, tmp_path, "Witkoff told Axios.\n", "x.txt", "Axios")
    early = _tag(project, axios, xtext, "Witkoff")
    alone = _link(project, early)
    reuters, rtext = _article(project, tmp_path, "Steve Witkoff said so.\n", "r.txt",
                              "Reuters")
    full = _tag(project, reuters, rtext, "Steve Witkoff")
    assert _link(project, early) == _link(project, full) != alone
    listed = {s.source_id: s for s in sources.list_sources(project)}
    assert alone not in listed and listed[_link(project, full)].claims == 2


def test_the_analysts_surname_alias_wins(project: Project, tmp_path: Path) -> None:
    r, rtext = _article(project, tmp_path, "John Smith said. Jane Smith said.\n", "r.txt",
                        "Reuters")
    john = _tag(project, r, rtext, "John Smith")
    _tag(project, r, rtext, "Jane Smith")
    x, xtext = _article(project, tmp_path, "Smith declined. Smith again.\n", "x.txt", "Axios")
    first = _tag(project, x, xtext, "Smith")
    lone = _link(project, first)
    assert lone != _link(project, john)
    sources.merge(project, _link(project, john), [lone])  # type: ignore[arg-type, list-item]
    second = _tag(project, x, xtext, "Smith", after=xtext.index("declined"))
    assert _link(project, second) == _link(project, john)


def test_bulk_linking_does_not_depend_on_queue_order(project: Project,
                                                     tmp_path: Path) -> None:
    r, rtext = _article(project, tmp_path, "Witkoff said. Steve Witkoff said.\n", "r.txt",
                        "Reuters")
    short = make_annotation(article_id=r, article_text=rtext, annotator="bulk",
                            label="named_person", start=8, end=12, source=(0, 7))
    i = rtext.index("Steve")
    full = make_annotation(article_id=r, article_text=rtext, annotator="bulk",
                           label="named_person", start=i + 14, end=i + 18, source=(i, i + 13))
    short = short._replace(id="00000000-0000-4000-8000-000000000001")  # queued first
    full = full._replace(id="ffffffff-ffff-4fff-8fff-ffffffffffff")
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=[short, full])
    assert sources.resolve_pending(project) == 2
    assert _link(project, short.id) == _link(project, full.id)


def test_rules_change_rekeys_entries_without_moving_links(project: Project,
                                                          tmp_path: Path) -> None:
    r, rtext = _article(project, tmp_path, "Jane Doe said. U.S. envoy Jane Doe said.\n",
                        "r.txt", "Reuters")
    first = _tag(project, r, rtext, "Jane Doe")
    sid = _link(project, first)
    with project.transaction() as session:  # a file keyed before rule 6 existed
        session.execute(sql("UPDATE source_alias SET key = 'named|u s envoy jane doe' "
                            "WHERE source_id = :s"), {"s": sid})
        source_crud.set_state(session=session, name="rules", value="older rules")
    sources.resolve_pending(project)
    with project.reading() as session:
        keys = source_crud.aliases_of(session=session, source_ids=[sid])[sid]
    assert keys == ["named|jane doe", "named|u s envoy jane doe"]
    later = _tag(project, r, rtext, "U.S. envoy Jane Doe")
    assert _link(project, later) == sid == _link(project, first)


def test_an_upgraded_files_surname_entries_join_their_full_name(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    old_rules = replace(RULES, surname_only=None, titles_anywhere=False)
    monkeypatch.setattr(sources, "rules", lambda: old_rules)  # linked before rule 7
    x, xtext = _article(project, tmp_path, "Witkoff told Axios.\n", "x.txt", "Axios")
    short = _tag(project, x, xtext, "Witkoff")
    r, rtext = _article(project, tmp_path, "Steve Witkoff said so. John Smith and Jane "
                        "Smith.\n", "r.txt", "Reuters")
    full = _tag(project, r, rtext, "Steve Witkoff")
    assert _link(project, short) != _link(project, full)
    with project.transaction() as session:
        source_crud.set_state(session=session, name="rules", value="before rule 7")
    monkeypatch.undo()
    assert _link(project, short) == _link(project, full)  # the upgrade's first read
    with project.reading() as session:
        assert source_crud.spread_check(session=session) == []


def test_migration_fills_surnames(tmp_path: Path) -> None:
    from alembic import command

    from annotator.storage.engine import alembic_config

    db = tmp_path / "m.sqlite"
    project = Project(db)
    try:
        r, rtext = _article(project, tmp_path, "Steve Witkoff said.\n", "r.txt", "Reuters")
        _link(project, _tag(project, r, rtext, "Steve Witkoff"))
        cfg = alembic_config()
        with project.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0009")
            assert "surname" not in {c[1] for c in conn.execute(
                sql("PRAGMA table_info(source_alias)"))}
            command.upgrade(cfg, "head")
            rows = conn.execute(sql("SELECT key, surname FROM source_alias")).all()
        assert [tuple(x) for x in rows] == [("named|steve witkoff", "witkoff")]
    finally:
        project.close()


def _two_smiths(project: Project, tmp_path: Path) -> str:
    r, rtext = _article(project, tmp_path, "John Smith said. Jane Smith said.\n", "r.txt",
                        "Reuters")
    _tag(project, r, rtext, "John Smith")
    _tag(project, r, rtext, "Jane Smith")
    x, xtext = _article(project, tmp_path, "Smith declined.\n", "x.txt", "Axios")
    smith = _link(project, _tag(project, x, xtext, "Smith"))
    assert smith is not None
    return smith


def test_pane_and_cli_show_possibly_the_same(qtbot: Any, project: Project, db_url: str,
                                             tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from PySide6.QtCore import Qt

    from annotator.cli import main
    from annotator.qt.sources_pane import SourcesPane

    smith = _two_smiths(project, tmp_path)
    pane = SourcesPane(project)
    qtbot.addWidget(pane)
    pane.show()
    pane.refresh()
    row = next(i for i in range(pane.list_proxy.rowCount()) if pane.entry_at(i).name == "Smith")
    rect = pane.list_view.visualRect(pane.list_proxy.index(row, 0))
    qtbot.mouseClick(pane.list_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    shown = pane.summary.text()
    assert "possibly the same source" in shown
    assert "John Smith (1 claims)" in shown and "Jane Smith (1 claims)" in shown
    assert main(["--db", db_url, "sources", "--show", smith]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("possibly the same source:"))
    assert "John Smith (1 claims)" in line and "Jane Smith (1 claims)" in line
