"""Every W3C export validated against the W3C Web Annotation test suite's own schemas.

tests/data/w3c/ vendors, from github.com/w3c/web-annotation-tests (see its README and
license.md there), ``definitions/*.json`` and every assertion listed by
``annotations/annotationMusts.test`` (applied to each Annotation), by
``collections/collectionMusts.test`` (the AnnotationCollection) and by
``collections/pages/pageMusts.test`` (the collection with its embedded AnnotationPage).
All listed assertions are "must" assertions expecting "valid".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotator.domain.formats import Document
from annotator.domain.formats.w3c import export_w3c
from annotator.domain.model import make_annotation
from annotator.services import articles, interop
from annotator.services.project import Project

from .test_formats import hostile_document

SUITE = Path(__file__).parent / "data" / "w3c"
BASE = "https://w3c-web-annotation-tests.invalid/"
"""The suite's schemas use relative ids ("annotations.json"); they get one base here."""


def _absolute(node: Any, own: str) -> Any:
    """Every ``$ref`` made absolute (draft 4 ignores a schema's ``id`` next to a ``$ref``,
    so the suite's relative references cannot be resolved from the ids alone)."""
    if isinstance(node, dict):
        out = {k: _absolute(v, own) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str):
            out["$ref"] = own + ref if ref.startswith("#") else BASE + ref
        return out
    if isinstance(node, list):
        return [_absolute(v, own) for v in node]
    return node


def _schema(path: Path) -> dict[str, Any]:
    schema = json.loads(path.read_text(encoding="utf-8"))
    own = BASE + schema["id"]
    schema = _absolute(schema, own)
    schema["id"] = own
    return schema


def _registry() -> Registry:
    resources = []
    for path in sorted(SUITE.rglob("*.json")):
        schema = _schema(path)
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def _assertions(test_file: str) -> list[tuple[str, Draft4Validator]]:
    listed = json.loads((SUITE / test_file).read_text(encoding="utf-8"))["assertions"]
    out = []
    for name in listed:
        schema = _schema(SUITE / name)
        assert schema["assertionType"] == "must" and schema["expectedResult"] == "valid"
        out.append((name, Draft4Validator(schema, registry=REGISTRY,
                                          format_checker=Draft4Validator.FORMAT_CHECKER)))
    return out


ANNOTATION_MUSTS = _assertions("annotations/annotationMusts.test")
COLLECTION_MUSTS = _assertions("collections/collectionMusts.test")
PAGE_MUSTS = _assertions("collections/pages/pageMusts.test")


def failures(content: str) -> list[str]:
    """Every must-assertion the exported collection (or one of its items) fails."""
    data = json.loads(content)
    out = [f"collection: {name}" for name, v in COLLECTION_MUSTS if not v.is_valid(data)]
    if "first" in data:
        out += [f"page: {name}" for name, v in PAGE_MUSTS if not v.is_valid(data)]
        for n, item in enumerate(data["first"].get("items", [])):
            # Embedded annotations inherit the collection's JSON-LD @context.
            standalone = {"@context": data["@context"], **item}
            out += [f"item {n}: {name}" for name, v in ANNOTATION_MUSTS
                    if not v.is_valid(standalone)]
    return out


def test_the_suite_is_complete() -> None:
    assert len(ANNOTATION_MUSTS) == 54 and len(COLLECTION_MUSTS) == 10 and len(PAGE_MUSTS) == 15
    assert (SUITE / "license.md").exists()


@pytest.mark.parametrize("indent", [2, None])
def test_hostile_export_passes_every_must(indent: int | None) -> None:
    assert failures(export_w3c(hostile_document(), indent=indent)) == []


def test_export_with_url_target_passes_every_must() -> None:
    text = "Officials said the dam is safe."
    ann = make_annotation(article_id=5, article_text=text, annotator="ana", label="official",
                          start=15, end=30, note="n", source=(0, 9),
                          now="2024-05-02T10:00:00.000000Z")
    doc = Document(text, [ann], {"id": 5, "title": "Dam", "url": "https://example.org/dam"})
    assert failures(export_w3c(doc)) == []


def test_empty_export_passes_the_collection_musts_and_has_no_page() -> None:
    content = export_w3c(Document("Nothing tagged.", [], {"id": 1, "title": "t"}))
    assert failures(content) == [] and "first" not in json.loads(content)


def test_the_validation_can_fail() -> None:
    """The checks are real: a page without an id (this issue's defect) is caught.

    The suite does not check the model's "a page MUST have one or more items" (its
    ``itemsFound`` has no ``minItems``): the empty-export test above checks that.
    """
    data = json.loads(export_w3c(hostile_document()))
    del data["first"]["id"]
    assert "page: collections/pages/5.2-pageIdValidated.json" in failures(json.dumps(data))
    del data["first"]["items"]
    assert "page: collections/pages/5.2-pageItemsValidated.json" in failures(json.dumps(data))
    data = json.loads(export_w3c(hostile_document()))
    data["first"]["items"][0]["created"] = "yesterday"
    assert "item 0: annotations/3.3.1-annotationCreatedValidated.json" in \
        failures(json.dumps(data))
    data["first"]["items"][1]["target"]["selector"][1].pop("exact")
    assert "item 1: annotations/specificResource/4.2.4-textQuoteSelectorValid.json" in \
        failures(json.dumps(data))


def test_service_export_passes_every_must(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("😀 Officials said the dam is safe, the engineer added.\n", encoding="utf-8")
    aid = articles.import_files(project, [path]).article_ids[0]
    out = tmp_path / "empty.jsonld"
    interop.export_annotations(project, "w3c", out, article_id=aid)
    assert failures(out.read_text(encoding="utf-8")) == []
    from .conftest import tag_phrase

    text = articles.get_article(project, aid).text
    labels = [lab.key for lab in project.labels()]
    tag_phrase(project, aid, text, "ana", labels[0], "the dam is safe")
    tag_phrase(project, aid, text, "ben", labels[1], "the engineer")
    interop.export_annotations(project, "w3c", out, article_id=aid)
    content = out.read_text(encoding="utf-8")
    assert failures(content) == [] and json.loads(content)["total"] == 2
