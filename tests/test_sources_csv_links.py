"""The analyst's hand-made source links travel through a CSV round trip (both
backends): splits and merges keep their ids, the file's ids are kept where they name
something, this database's own merges win over a file's rule-default ids, and a bad
``source_id`` refuses the file with a one-line message, the database unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator.domain.errors import UserInputError
from annotator.services import annotate, articles, sources
from annotator.services.export_csv import export_csv
from annotator.services.interop import import_annotations
from annotator.services.project import Project
from annotator.storage import source_crud

TEXT_A = ("Steve Witkoff said talks would resume. A senior Qatari official said Hamas had "
          "agreed. Witkoff told reporters the draft was ready.\n")
TEXT_B = ("A senior Qatari official said the meeting was long. Steve Witkoff said a deal "
          "was near.\n")


def _setup(project: Project, folder: Path) -> dict[str, tuple[int, str]]:
    folder.mkdir(exist_ok=True)
    out = {}
    for name, text, outlet in (("a.txt", TEXT_A, "Reuters"), ("b.txt", TEXT_B, "AP")):
        (folder / name).write_text(text, encoding="utf-8")
        (item,) = articles.import_files(project, [folder / name], outlet=outlet).imported
        out[name] = (item.article_id, articles.get_article(project, item.article_id).text)
    return out


def _tag(project: Project, art: tuple[int, str], mention: str, claim: str,
         label: str = "named_person") -> str:
    aid, text = art
    m, s = text.index(mention), text.index(claim)
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator="ana", label=label,
        start=s, end=s + len(claim), source=(m, m + len(mention))), actor="ana")
    return change.after.id


def _links(project: Project) -> dict[str, tuple[str, bool]]:
    sources.resolve_pending(project)
    with project.reading() as session:
        return source_crud.all_links(session=session)


def _csv(project: Project) -> str:
    buf = io.StringIO()
    export_csv(project, buf)
    return buf.getvalue()


def _other(db_url: str, tmp_path: Path, name: str) -> Project:
    if "://" in db_url:  # PostgreSQL: a second database on the same server
        from sqlalchemy import create_engine, text

        base, _, db = db_url.rpartition("/")
        engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db}_{name}"'))
        engine.dispose()
        return Project(f"{base}/{db}_{name}")
    return Project(tmp_path / f"{name}.sqlite")


def test_hand_made_links_survive_a_csv_round_trip(project: Project, tmp_path: Path,
                                                  db_url: str) -> None:
    arts = _setup(project, tmp_path / "a")
    steve_a = _tag(project, arts["a.txt"], "Steve Witkoff", "talks would resume")
    told = _tag(project, arts["a.txt"], "Witkoff", "the draft was ready")  # rule 7
    qatar_a = _tag(project, arts["a.txt"], "A senior Qatari official", "Hamas had agreed",
                   "anonymous_official")
    qatar_b = _tag(project, arts["b.txt"], "A senior Qatari official", "the meeting was long",
                   "anonymous_official")
    steve_b = _tag(project, arts["b.txt"], "Steve Witkoff", "a deal was near")
    links = _links(project)
    assert links[told][0] == links[steve_a][0] == links[steve_b][0]
    assert links[qatar_a][0] != links[qatar_b][0]  # two outlets: two entries
    sources.merge(project, links[qatar_a][0], [links[qatar_b][0]])  # the analyst knows
    team = sources.split(project, links[steve_b][0], [steve_b], "Witkoff's office")
    sources.rename(project, links[steve_a][0], "Steve Witkoff (US envoy)")
    first = _csv(project)
    path = tmp_path / "out.csv"
    path.write_text(first, encoding="utf-8", newline="")
    mine = _links(project)
    other = _other(db_url, tmp_path, "other")
    try:
        _setup(other, tmp_path / "b")
        import_annotations(other, path, fmt="csv")
        theirs = _links(other)
        second = _csv(other)
    finally:
        other.close()
    assert {a: s for a, (s, _m) in theirs.items()} == {a: s for a, (s, _m) in mine.items()}
    assert theirs[steve_b] == (team, True) and theirs[qatar_b] == (mine[qatar_a][0], True)
    assert not theirs[steve_a][1] and not theirs[told][1]  # the rules agreed: not by hand
    assert second == first  # byte-identical


def test_this_databases_merges_win_over_rule_default_ids(project: Project, tmp_path: Path,
                                                         db_url: str) -> None:
    arts = _setup(project, tmp_path / "a")
    qa = _tag(project, arts["a.txt"], "A senior Qatari official", "Hamas had agreed",
              "anonymous_official")
    qb = _tag(project, arts["b.txt"], "A senior Qatari official", "the meeting was long",
              "anonymous_official")
    path = tmp_path / "out.csv"
    path.write_text(_csv(project), encoding="utf-8", newline="")
    exported = _links(project)
    other = _other(db_url, tmp_path, "merged")
    try:  # the receiving team already knows both officials are one person
        o = _setup(other, tmp_path / "b")
        ka = _tag(other, o["a.txt"], "A senior Qatari official", "Hamas had agreed",
                  "anonymous_official")
        kb = _tag(other, o["b.txt"], "A senior Qatari official", "the meeting was long",
                  "anonymous_official")
        local = _links(other)
        sources.merge(other, local[ka][0], [local[kb][0]])
        with other.transaction() as session:  # their annotations go; the merge stays
            from sqlalchemy import text

            session.execute(text("DELETE FROM annotation"))
        import_annotations(other, path, fmt="csv")
        got = _links(other)
    finally:
        other.close()
    assert exported[qb][0] != local[ka][0]  # the file names the unmerged default entry
    assert got[qa] == got[qb] == (local[ka][0], False)


def test_a_bad_source_id_refuses_the_csv(project: Project, tmp_path: Path) -> None:
    arts = _setup(project, tmp_path / "a")
    _tag(project, arts["a.txt"], "Steve Witkoff", "talks would resume")
    rows = list(csv.reader(io.StringIO(_csv(project))))
    col = rows[0].index("source_id")
    rows[1][col] = "no such id"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "bad.csv"
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    other = Project(tmp_path / "bad.sqlite")
    try:
        _setup(other, tmp_path / "b")
        with pytest.raises(UserInputError, match=r"bad\.csv line 2: 'source_id' must be a "
                                                 r"source id"):
            import_annotations(other, path, fmt="csv")
        assert not articles.load_annotations(other, articles.list_articles(other)[0].id)
    finally:
        other.close()
