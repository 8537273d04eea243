"""Taxonomy editing use cases on SQLite and PostgreSQL: keys never change, nothing is
lost on rename or retire, shortcuts follow the order of the active labels, and a
shared taxonomy file merges all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation
from annotator.domain.taxonomy import TaxonomyError
from annotator.services import annotate, articles, taxonomy
from annotator.services.annotate import apply_edit
from annotator.services.project import Project
from annotator.services.resources import DEFAULT_TAXONOMY

from .conftest import SEED


def _tag(project: Project, label: str, phrase: str, annotator: str = "ana") -> Annotation:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text
    i = text.index(phrase)
    change, _ = apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator=annotator, label=label,
        start=i, end=i + len(phrase)))
    assert change.after is not None
    return change.after


def _all_annotations(project: Project) -> list[Annotation]:
    return sorted((a for art in articles.list_articles(project)
                   for a in articles.load_annotations(project, art.id)), key=lambda a: a.id)


def _assert_positions_normalised(project: Project) -> None:
    labels = taxonomy.current_labels(project)
    active = [lab for lab in labels if not lab.retired]
    assert [lab.position for lab in labels] == list(range(1, len(labels) + 1))
    assert all(not lab.retired for lab in labels[:len(active)])
    assert [lab.shortcut for lab in active[:9]] == [str(i) for i in range(1, min(9, len(active)) + 1)]
    assert all(lab.shortcut is None for lab in labels[9:])


# --- add ----------------------------------------------------------------------

def test_add_label_gets_slug_key_after_last_active(project: Project) -> None:
    before = taxonomy.current_labels(project)
    added = taxonomy.add_label(project, name="  Expert   witness ", color="#AABBCC",
                               description=" A named expert. ", example="said Dr. X")
    assert added.key == "expert_witness"
    assert added.name == "Expert witness" and added.color == "#aabbcc"
    assert added.description == "A named expert." and not added.retired
    assert added.position == len(before) + 1 and added.shortcut is None
    assert project.labels()[-1] == added  # the cache was invalidated
    # A different name with the same slug gets a numbered key; accents are folded.
    assert taxonomy.add_label(project, name="Expert-witness!", color="#000000").key == \
        "expert_witness_2"
    assert taxonomy.add_label(project, name="Société civile", color="#123456").key == \
        "societe_civile"
    assert taxonomy.add_label(project, name="2nd-hand", color="#123456").key == "label_2nd_hand"
    assert taxonomy.add_label(project, name="Источник", color="#123456").key == "label"
    _assert_positions_normalised(project)


@pytest.mark.parametrize(("name", "color", "message"), [
    ("", "#112233", "needs a name"),
    ("   ", "#112233", "needs a name"),
    ("x" * 81, "#112233", "too long"),
    ("Fine", "red", "colour must be written as #rrggbb"),
    ("Fine", "#12345", "colour must be written as #rrggbb"),
    ("Fine", "#12345g", "colour must be written as #rrggbb"),
    ("media REPORT", "#112233", "a label named 'Media report' already exists"),
])
def test_add_label_validation(project: Project, name: str, color: str, message: str) -> None:
    before = taxonomy.current_labels(project)
    with pytest.raises(UserInputError, match=message):
        taxonomy.add_label(project, name=name, color=color)
    assert taxonomy.current_labels(project) == before


def test_duplicate_name_of_retired_label_refused(project: Project) -> None:
    taxonomy.retire_label(project, "other")
    with pytest.raises(UserInputError, match=r"'Other' already exists \(retired\)"):
        taxonomy.add_label(project, name="other", color="#112233")


# --- rename, recolour, describe -------------------------------------------------

def test_rename_and_recolour_keep_every_annotation(project: Project) -> None:
    a1 = _tag(project, "media_report", "Axios reports")
    a2 = _tag(project, "media_report", "Axios reports", annotator="ben")
    before = _all_annotations(project)
    updated = taxonomy.update_label(project, "media_report", name="Press report",
                                    color="#FF0000", description="Another outlet.",
                                    example="Axios reports")
    assert updated.key == "media_report" and updated.name == "Press report"
    assert updated.color == "#ff0000" and updated.description == "Another outlet."
    assert _all_annotations(project) == before  # untouched: same label key, version, times
    assert {a.label for a in before} == {"media_report"} and {a1.id, a2.id} == \
        {a.id for a in before}
    assert project.label("media_report") == updated
    assert taxonomy.label_usage(project)["media_report"] == 2
    # Only the given fields change; a case-only rename of itself is fine.
    again = taxonomy.update_label(project, "media_report", name="press REPORT")
    assert again.color == "#ff0000" and again.description == "Another outlet."
    assert project.label("media_report").name == "press REPORT"


def test_update_validation(project: Project) -> None:
    before = taxonomy.current_labels(project)
    with pytest.raises(UserInputError, match="no label with key 'nope'"):
        taxonomy.update_label(project, "nope", name="X")
    with pytest.raises(UserInputError, match="a label named 'Other' already exists"):
        taxonomy.update_label(project, "media_report", name=" OTHER ")
    with pytest.raises(UserInputError, match="needs a name"):
        taxonomy.update_label(project, "media_report", name="")
    with pytest.raises(UserInputError, match="#rrggbb"):
        taxonomy.update_label(project, "media_report", color="blue")
    assert taxonomy.current_labels(project) == before


# --- reorder --------------------------------------------------------------------

def test_reorder_changes_shortcuts(project: Project) -> None:
    keys = [lab.key for lab in taxonomy.current_labels(project)]
    assert project.label("other").shortcut is None
    new_order = ["other", *[k for k in keys if k != "other"]]
    result = taxonomy.reorder_labels(project, new_order)
    assert [lab.key for lab in result] == new_order
    assert project.label("other").shortcut == "1"
    assert project.label("named_person").shortcut == "2"
    assert project.label("direct_observation").shortcut == "9"
    assert project.label("declined_comment").shortcut is None  # pushed to 10th
    # Keys not listed keep their relative order after the listed ones.
    result = taxonomy.reorder_labels(project, ["document"])
    assert [lab.key for lab in result] == ["document", "other", *[
        k for k in keys if k not in ("other", "document")]]
    _assert_positions_normalised(project)


def test_reorder_validation(project: Project) -> None:
    before = taxonomy.current_labels(project)
    with pytest.raises(UserInputError, match="no label with key 'nope'"):
        taxonomy.reorder_labels(project, ["other", "nope"])
    with pytest.raises(UserInputError, match="listed twice"):
        taxonomy.reorder_labels(project, ["other", "other"])
    with pytest.raises(TypeError):
        taxonomy.reorder_labels(project, "other")
    assert taxonomy.current_labels(project) == before


def test_retired_labels_stay_after_active_ones(project: Project) -> None:
    taxonomy.retire_label(project, "named_person")
    keys = [lab.key for lab in taxonomy.current_labels(project)]
    assert keys[-1] == "named_person"
    result = taxonomy.reorder_labels(project, ["named_person", "other"])
    assert [lab.key for lab in result][:1] == ["other"] and result[-1].key == "named_person"
    _assert_positions_normalised(project)


# --- retire / restore -----------------------------------------------------------

def test_retire_keeps_annotations_and_refuses_new_ones(project: Project) -> None:
    ann = _tag(project, "named_person", "Axios reports")
    before = _all_annotations(project)
    retired = taxonomy.retire_label(project, "named_person")
    assert retired.retired and retired.shortcut is None
    assert _all_annotations(project) == before
    cached = project.label("named_person")
    assert cached is not None and cached.retired and cached.name == "Named person"
    assert "named_person" in [lab.key for lab in project.labels()]
    # The next labels move up one digit: "Organisation statement" is now 1.
    assert project.label("organisation_statement").shortcut == "1"
    assert project.label("direct_observation").shortcut == "7"
    _assert_positions_normalised(project)
    text = articles.get_article(project, ann.article_id).text
    with pytest.raises(UserInputError, match="'Named person' is retired"):
        annotate.new_annotation(project, article_id=ann.article_id, article_text=text,
                                annotator="ana", label="named_person", start=0, end=3)
    assert taxonomy.retire_label(project, "named_person") == retired  # idempotent
    # Old annotations can still be edited (a note) while they keep the retired label.
    change, _ = apply_edit(project, annotate.UpdateAnnotation.of(ann.id, note="kept"))
    assert change.after is not None and change.after.label == "named_person"

    restored = taxonomy.restore_label(project, "named_person")
    assert not restored.retired
    assert restored.position == 11  # after the last active label: other digits stay
    assert project.label("organisation_statement").shortcut == "1"
    annotate.new_annotation(project, article_id=ann.article_id, article_text=text,
                            annotator="ana", label="named_person", start=0, end=3)
    _assert_positions_normalised(project)


def test_last_active_label_cannot_be_retired_or_deleted(project: Project) -> None:
    keys = [lab.key for lab in taxonomy.current_labels(project)]
    for key in keys[:-1]:
        taxonomy.retire_label(project, key)
    with pytest.raises(UserInputError, match="only active label"):
        taxonomy.retire_label(project, keys[-1])
    with pytest.raises(UserInputError, match="only active label"):
        taxonomy.delete_label(project, keys[-1])
    with pytest.raises(UserInputError, match="no label with key"):
        taxonomy.retire_label(project, "nope")


# --- delete ---------------------------------------------------------------------

def test_delete_only_unused_labels(project: Project) -> None:
    _tag(project, "media_report", "Axios reports")
    with pytest.raises(UserInputError, match="1 annotation use it. Retire it instead"):
        taxonomy.delete_label(project, "media_report")
    assert project.label("media_report") is not None
    taxonomy.delete_label(project, "document")
    assert project.label("document") is None
    assert "document" not in taxonomy.label_usage(project)
    _assert_positions_normalised(project)
    with pytest.raises(UserInputError, match="no label with key 'document'"):
        taxonomy.delete_label(project, "document")
    # A retired, unused label can be deleted too.
    taxonomy.retire_label(project, "other")
    taxonomy.delete_label(project, "other")
    assert project.label("other") is None


def test_label_usage_counts_every_annotator(project: Project) -> None:
    _tag(project, "media_report", "Axios reports")
    _tag(project, "media_report", "Axios reports", annotator="ben")
    _tag(project, "document", "Axios reports", annotator="ben")
    usage = taxonomy.label_usage(project)
    assert usage["media_report"] == 2 and usage["document"] == 1
    assert usage["other"] == 0 and set(usage) == {lab.key for lab in project.labels()}


# --- export / import ------------------------------------------------------------

def test_export_of_default_taxonomy_matches_shipped_file(project: Project) -> None:
    exported = taxonomy.export_taxonomy(project)
    assert json.loads(exported) == json.loads(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))


def test_export_import_round_trip(project: Project, tmp_path: Path) -> None:
    _tag(project, "other", "Axios reports")
    taxonomy.update_label(project, "media_report", name="Press report", color="#010203")
    taxonomy.add_label(project, name="Expert", color="#aabbcc", description="d", example="e")
    taxonomy.retire_label(project, "other")
    keys = [lab.key for lab in taxonomy.current_labels(project)]
    taxonomy.reorder_labels(project, ["expert", *[k for k in keys if k != "expert"]])
    exported = taxonomy.export_taxonomy(project)
    state = taxonomy.current_labels(project)
    assert json.loads(exported)["labels"][-1] == {
        "key": "other", "name": "Other", "color": "#d4a6c8",
        "description": "A source that fits no other type; say why in the note.",
        "example": "", "retired": True}
    # Importing one's own export changes nothing.
    report = taxonomy.import_taxonomy(project, exported, origin="mine.json")
    assert not report.changed and taxonomy.current_labels(project) == state
    assert "nothing changes" in report.summary()
    # A colleague's fresh project takes it over exactly.
    other = Project(tmp_path / "colleague.sqlite")
    try:
        report = taxonomy.import_taxonomy(other, exported, origin="shared.json")
        assert report.applied and [lab.key for lab in report.added] == ["expert"]
        assert other.labels() == state
    finally:
        other.close()


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", r"bad\.json: not a valid JSON file"),
    ('{"labels": "x"}', "expected an object with a 'labels' list"),
    ('{"labels": []}', "no labels"),
    ('{"labels": [{"key": "Bad Key", "name": "x", "color": "#000000"}]}', "invalid key"),
    ('{"labels": [{"key": "a", "name": "x", "color": "red"}]}', "invalid colour"),
    ('{"labels": [{"key": "a", "name": " ", "color": "#000000"}]}', "has no name"),
    ('{"labels": [{"key": "a", "name": "X", "color": "#000000"},'
     ' {"key": "a", "name": "Y", "color": "#000000"}]}', "appears twice"),
    ('{"labels": [{"key": "a", "name": "Same", "color": "#000000"},'
     ' {"key": "b", "name": "same", "color": "#000000"}]}', "have the same name"),
    ('{"labels": [{"key": "a", "name": "X", "color": "#000000", "retired": true}]}',
     "every label would be retired"),
    ('{"labels": [{"key": "a%s", "name": "X", "color": "#000000"}]}' % ("b" * 64),
     "longer than 64"),
])
def test_malformed_import_refused_and_changes_nothing(project: Project, text: str,
                                                      message: str) -> None:
    _tag(project, "media_report", "Axios reports")
    before = taxonomy.current_labels(project)
    annotations = _all_annotations(project)
    with pytest.raises(TaxonomyError, match=message):
        taxonomy.import_taxonomy(project, text, origin="bad.json")
    assert taxonomy.current_labels(project) == before
    assert _all_annotations(project) == annotations


def test_import_merges_by_key(project: Project) -> None:
    _tag(project, "media_report", "Axios reports")
    _tag(project, "social_media", "Axios reports")
    annotations = _all_annotations(project)
    doc = json.loads(taxonomy.export_taxonomy(project))
    entries = {e["key"]: e for e in doc["labels"]}
    entries["named_person"]["name"] = "Named individual"
    entries["document"]["color"] = "#000000"
    entries["declined_comment"]["retired"] = True
    # The file drops media_report (used: retired) and other (unused: deleted), and
    # adds a label in second place.
    new = {"key": "expert", "name": "Expert", "color": "#123456", "description": "An expert."}
    order = ["named_person", "expert", *[k for k in entries if k not in (
        "named_person", "media_report", "other")]]
    doc["labels"] = [new if k == "expert" else entries[k] for k in order]
    text = json.dumps(doc)

    preview = taxonomy.import_taxonomy(project, text, origin="team.json", dry_run=True)
    assert not preview.applied and preview.changed
    assert taxonomy.current_labels(project)[0].name == "Named person"  # dry run: no change

    report = taxonomy.import_taxonomy(project, text, origin="team.json")
    assert report.applied
    assert [lab.key for lab in report.added] == ["expert"]
    assert {(u.key, u.fields) for u in report.updated} == {
        ("named_person", ("name",)), ("document", ("color",))}
    assert [lab.key for lab in report.retired] == ["declined_comment"]
    assert [lab.key for lab in report.kept_retired] == ["media_report"]
    assert [lab.key for lab in report.deleted] == ["other"]
    assert report.reordered
    assert ("media_report", "6", None) in {(s.key, s.before, s.after) for s in report.shortcuts}
    assert report == preview.__class__(**{**preview.__dict__, "applied": True})
    summary = report.summary()
    for line in ("Added “Expert”", "Renamed “Named person” → “Named individual”",
                 "“Document/record”: new colour", "Retired “Declined comment”",
                 "Retired “Media report” (not in the file; kept for its 1 annotation)",
                 "Deleted “Other” (not in the file, never used)",
                 "Shortcut of “Media report”: 6 → none"):
        assert line in summary, summary

    labels = taxonomy.current_labels(project)
    by_key = {lab.key: lab for lab in labels}
    assert [lab.key for lab in labels] == [
        "named_person", "expert", "organisation_statement", "anonymous_official",
        "anonymous_unspecified", "document", "social_media", "direct_observation",
        "unattributed", "declined_comment", "media_report"]
    assert by_key["expert"].shortcut == "2" and by_key["expert"].description == "An expert."
    assert by_key["media_report"].retired and by_key["declined_comment"].retired
    assert "other" not in by_key
    assert by_key["named_person"].name == "Named individual"
    assert _all_annotations(project) == annotations
    _assert_positions_normalised(project)

    # Restoring through a file: declined_comment is active again in the file.
    entries["declined_comment"].pop("retired")
    doc["labels"] = [new if k == "expert" else entries[k] for k in order]
    report = taxonomy.import_taxonomy(project, json.dumps(doc), origin="team.json")
    assert [lab.key for lab in report.restored] == ["declined_comment"]
    assert not report.kept_retired  # media_report was already retired
    assert not project.label("declined_comment").retired


def test_import_refuses_name_clash_with_kept_label(project: Project) -> None:
    _tag(project, "media_report", "Axios reports")
    doc = json.loads(taxonomy.export_taxonomy(project))
    doc["labels"] = [e for e in doc["labels"] if e["key"] != "media_report"]
    doc["labels"][0]["name"] = "Media report"
    before = taxonomy.current_labels(project)
    with pytest.raises(TaxonomyError, match="'named_person' would get the name 'Media report'"):
        taxonomy.import_taxonomy(project, json.dumps(doc), origin="team.json")
    assert taxonomy.current_labels(project) == before
