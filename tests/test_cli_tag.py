"""``annotator tag``: the window's tagging edit from the command line, on both backends."""

from __future__ import annotations

import pytest

from annotator.cli import main
from annotator.services import annotate, articles
from annotator.services.project import Project

from .conftest import SEED

PHRASE = "a senior Qatari official"


@pytest.fixture
def seeded(project: Project) -> tuple[Project, int, str]:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    return project, aid, articles.get_article(project, aid).text


def _tag(project: Project, *args: str) -> int:
    return main(["--db", project.url, "tag", *args])


def test_tag_commits_an_annotation_with_its_audit_event(
        seeded: tuple[Project, int, str], capsys: pytest.CaptureFixture[str]) -> None:
    project, aid, text = seeded
    start = text.index(PHRASE)
    end = start + len(PHRASE)
    src = text.index("Qatari officials")
    status = _tag(project, "--article", str(aid), "--start", str(start), "--end", str(end),
                  "--text", PHRASE, "--label", "anonymous_official", "--annotator", "ana",
                  "--note", "quoted via Axios", "--source", f"{src}:{src + 16}")
    assert status == 0
    ann_id = capsys.readouterr().out.strip()
    [ann] = articles.load_annotations(project, aid)
    assert (ann.id, ann.start, ann.end, ann.text) == (ann_id, start, end, PHRASE)
    assert (ann.label, ann.annotator, ann.note, ann.version) == \
        ("anonymous_official", "ana", "quoted via Axios", 1)
    assert (ann.source_start, ann.source_end) == (src, src + 16)
    assert [h.action for h in annotate.history(project, ann_id)] == ["created"]


@pytest.mark.parametrize("args,message", [
    (("--start", "0", "--end", "5", "--label", "nope"), "unknown label 'nope'; source type keys: "
                                                        "named_person, "),
    (("--start", "0", "--end", "5", "--label", "other", "--text", "Hamas"), "not 'Hamas'"),
    (("--start", "5", "--end", "999999", "--label", "other"), "999999"),
    (("--start", "0", "--end", "5", "--label", "other", "--source", "3-4"),
     "--source '3-4': expected START:END"),
])
def test_bad_tag_is_one_line_exit_2_and_writes_nothing(
        seeded: tuple[Project, int, str], capsys: pytest.CaptureFixture[str],
        args: tuple[str, ...], message: str) -> None:
    project, aid, _ = seeded
    assert _tag(project, "--article", str(aid), *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: ") and message in err and err.count("\n") == 1
    assert articles.load_annotations(project, aid) == []


def test_unknown_article(seeded: tuple[Project, int, str],
                         capsys: pytest.CaptureFixture[str]) -> None:
    project, _, _ = seeded
    assert _tag(project, "--article", "42", "--start", "0", "--end", "1",
                "--label", "other") == 2
    assert "article 42 does not exist" in capsys.readouterr().err
