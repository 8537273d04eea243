"""Interop through the services: round trips per format on hostile Unicode, UTF-16
(doccano) and code-point (Label Studio) offsets, re-anchoring on an edited article, byte-identical CSV, article converters."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from annotator.domain.docx_text import docx_to_text
from annotator.domain.errors import UserInputError
from annotator.domain.facets import Facets, Named, QuoteType
from annotator.domain.facets_codec import encode_facets
from annotator.domain.html_text import html_to_text
from annotator.domain.markdown_text import markdown_to_text
from annotator.domain.model import Annotation
from annotator.services import annotate, articles, folder_import, interop
from annotator.services.annotate import UpdateAnnotation
from annotator.services.export_csv import export_csv
from annotator.services.project import Project

# CRLF on disk; the stored text has LF only. Emoji and CJK extension B take two UTF-16
# units, combining marks and RTL scripts must survive untouched.
HOSTILE_SOURCE = (
    "Headline 😀 with emoji and 𠀋𠀌 (CJK extension B)\r\n"
    "=SUM(A1) said the minister, cafe\u0301 re\u0301sume\u0301 in hand.\r\n"
    "Arabic: قال المتحدث إن الخطة ستمضي قدما. Hebrew: אמר הדובר שהתוכנית תתקדם.\r\n"
    "-5 percent, according to three sources with direct knowledge 😀😀 of the talks.\r\n"
    "@handle wrote: \"the dam is safe\", officials said.\r\n"
)

PHRASES = [
    ("Headline 😀 with emoji", "named_person", "", None),
    ("𠀋𠀌", "document", "+note with\nnewline", None),
    ("=SUM(A1) said the minister", "named_person", "", "the minister"),
    ("cafe\u0301 re\u0301sume\u0301", "document", "", None),
    ("قال المتحدث إن الخطة", "anonymous_official", "RTL", "المتحدث"),
    ("אמר הדובר", "named_person", "", None),
    ("-5 percent", "anonymous_unspecified", "-minus",
     "three sources with direct knowledge 😀😀 of the talks"),
    ("\"the dam is safe\"", "organisation_statement", "", "officials"),
    ("@handle wrote", "social_media", "", None),
]


def _article(project: Project, tmp_path: Path, source: str = HOSTILE_SOURCE,
             name: str = "hostile.txt") -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(source.encode("utf-8"))
    aid = articles.import_files(project, [path]).article_ids[0]
    return aid, articles.get_article(project, aid).text


def _annotate(project: Project, aid: int, text: str) -> list[Annotation]:
    for n, (phrase, label, note, source) in enumerate(PHRASES):
        start = text.index(phrase)
        src = None
        if source:
            s = text.index(source)
            src = (s, s + len(source))
        change, _ = annotate.apply_edit(project, annotate.new_annotation(
            project, article_id=aid, article_text=text, annotator="zoë" if n % 2 else "ana",
            label=label, start=start, end=start + len(phrase), note=note, source=src))
        if n == 2:
            facets = encode_facets(Facets(named=Named.NAMED, quote_type=QuoteType.DIRECT,
                                          hedge=False, affiliation="=Ministry"))
            annotate.apply_edit(project, UpdateAnnotation.of(change.annotation_id,
                                                             facets=facets))
    return articles.load_annotations(project, aid)


@pytest.fixture
def other_project(project: Project, tmp_path: Path, request):  # type: ignore[no-untyped-def]
    """A second, empty project on the same backend as ``project``."""
    if project.url.startswith("sqlite"):
        url = str(tmp_path / "other.sqlite")
    else:
        url = str(request.getfixturevalue("pg_cluster").new_database())
    other = Project(url)
    yield other
    other.close()


def _csv_bytes(project: Project) -> bytes:
    buf = io.StringIO(newline="")
    export_csv(project, buf)
    return buf.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt,name", [
    ("csv", "out.csv"), ("doccano", "out.jsonl"), ("labelstudio", "out.json"),
    ("w3c", "out.jsonld"), ("brat", "brat"),
])
def test_round_trip_per_format(project: Project, other_project: Project, tmp_path: Path,
                               fmt: str, name: str) -> None:
    aid, text = _article(project, tmp_path)
    assert "\r" not in text
    original = _annotate(project, aid, text)
    out = tmp_path / name
    interop.export_annotations(project, fmt, out)
    aid2, text2 = _article(other_project, tmp_path)
    assert (aid2, text2) == (aid, text)
    report = interop.import_annotations(other_project, out)
    assert report.imported == len(original) and report.article_ids == [aid]
    assert not report.review and not report.anchor_counts
    imported = articles.load_annotations(other_project, aid2)
    if fmt == "csv":  # the CSV has no version or review fields
        original = [a._replace(version=1) for a in original]
    assert imported == original
    # Importing the same file again changes nothing.
    again = interop.import_annotations(other_project, out)
    assert again.imported == 0 and again.unchanged == len(original)
    assert articles.load_annotations(other_project, aid2) == imported


def test_csv_round_trip_is_byte_identical(project: Project, other_project: Project,
                                          tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    _annotate(project, aid, text)
    first = _csv_bytes(project)
    assert b"'=SUM(A1) said the minister" in first and b"'+note" in first
    assert b"'-5 percent" in first and b"'@handle wrote" in first and b"'=Ministry" in first
    path = tmp_path / "first.csv"
    path.write_bytes(first)
    _article(other_project, tmp_path)
    interop.import_annotations(other_project, path)
    assert _csv_bytes(other_project) == first


def _utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def test_doccano_offsets_are_utf16_and_labelstudio_code_points(project: Project,
                                                               tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    anns = {a.id: a for a in _annotate(project, aid, text)}
    interop.export_annotations(project, "doccano", tmp_path / "d.jsonl")
    record = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8"))
    assert record["text"] == text
    spans = {(s, e, lab) for s, e, lab in record["label"]}
    assert spans == {(_utf16(text, a.start), _utf16(text, a.end), a.label)
                     for a in anns.values()}
    # the emoji before it shifts the CJK span by one unit per astral character
    cjk = next(a for a in anns.values() if a.text == "𠀋𠀌")
    assert _utf16(text, cjk.start) == cjk.start + 1 and _utf16(text, cjk.end) == cjk.end + 3

    interop.export_annotations(project, "labelstudio", tmp_path / "l.json")
    (task,) = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))
    regions = [r for ann in task["annotations"] for r in ann["result"]
               if r.get("type") == "labels" and r["id"] in anns]
    assert len(regions) == len(anns)
    for region in regions:
        a = anns[region["id"]]
        assert (region["value"]["start"], region["value"]["end"]) == (a.start, a.end)
        assert text[region["value"]["start"]:region["value"]["end"]] == a.text


EDITED = HOSTILE_SOURCE.replace(
    "Headline 😀 with emoji", "BREAKING: a new first paragraph.\r\nHeadline 😀 with emoji"
).replace("-5 percent", "-6 percent").replace("@handle wrote", "@hnadle worte")


def test_reanchor_on_edited_article(project: Project, other_project: Project,
                                    tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    original = _annotate(project, aid, text)
    out = tmp_path / "v1.jsonl"
    interop.export_annotations(project, "doccano", out)
    # The other project has the corrected version, same URL.
    aid2, text2 = _article(other_project, tmp_path, EDITED, "v2.txt")
    before = articles.load_annotations(other_project, aid2)
    with pytest.raises(UserInputError) as err:
        interop.import_annotations(other_project, out, article_id=aid2)
    msg = str(err.value)
    assert "v1.jsonl" in msg and "cannot be placed with confidence" in msg
    assert "'-5 percent'" in msg and "--reanchor" in msg
    assert articles.load_annotations(other_project, aid2) == before

    review = tmp_path / "review.csv"
    report = interop.import_annotations(other_project, out, article_id=aid2, reanchor=True,
                                        review_path=review)
    by_id = {a.id: a for a in articles.load_annotations(other_project, aid2)}
    flagged = {item.annotation_id for item in report.review}
    assert {a.id for a in original} == set(by_id) | flagged
    changed = {a.id for a in original if a.text in ("-5 percent", "@handle wrote")}
    assert changed <= flagged and report.anchor_counts.get("moved", 0) >= 5
    for ann in by_id.values():  # everything placed is on the right words of the new text
        old = next(a for a in original if a.id == ann.id)
        assert text2[ann.start:ann.end] == old.text and ann.start > old.start
        if ann.source_start is not None:
            assert text2[ann.source_start:ann.source_end] == \
                text[old.source_start:old.source_end]
    rows = list(csv.DictReader(io.StringIO(review.read_text(encoding="utf-8"), newline="")))
    assert {r["annotation_id"] for r in rows} == flagged
    assert all(r["status"] in ("uncertain", "orphaned") or r["status"].startswith("source")
               for r in rows)


def test_csv_on_edited_article_needs_reanchor(project: Project, other_project: Project,
                                              tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    _annotate(project, aid, text)
    out = tmp_path / "a.csv"
    interop.export_annotations(project, "csv", out)
    aid2, text2 = _article(other_project, tmp_path, EDITED, "v2.txt")
    with pytest.raises(UserInputError, match=r"a\.csv line 2: text .* does not match article"):
        interop.import_annotations(other_project, out)
    report = interop.import_annotations(other_project, out, reanchor=True,
                                        review_path=tmp_path / "r.csv")
    placed = articles.load_annotations(other_project, aid2)
    assert placed and all(text2[a.start:a.end] == a.text for a in placed)
    assert report.imported == len(placed) and report.review
    assert report.imported + len(report.review) == len(PHRASES)


def test_w3c_finds_article_by_text_hash_and_reanchors(project: Project,
                                                     other_project: Project,
                                                     tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    original = _annotate(project, aid, text)
    out = tmp_path / "a.jsonld"
    interop.export_annotations(project, "w3c", out, article_id=aid)
    aid2, text2 = _article(other_project, tmp_path, EDITED, "v2.txt")
    with pytest.raises(UserInputError, match="pass --article ID"):
        interop.import_annotations(other_project, out)
    report = interop.import_annotations(other_project, out, article_id=aid2, reanchor=True,
                                        review_path=tmp_path / "r.csv")
    placed = articles.load_annotations(other_project, aid2)
    assert report.imported == len(placed) and report.review
    assert len(placed) + len(report.review) == len(original)
    assert all(text2[a.start:a.end] == a.text for a in placed)


def test_labels_mapped_or_added(project: Project, tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    ann = tmp_path / "x.ann"
    (tmp_path / "x.txt").write_text(text, encoding="utf-8")
    i = text.index("said the minister")
    j = text.index("officials")
    ann.write_text(f"T1\tQuote {i} {i + 17}\tsaid the minister\n"
                   f"T2\tOfficial {j} {j + 9}\tofficials\n", encoding="utf-8")
    found = {f.label: f for f in interop.scan_labels(project, ann)}
    assert found["Quote"].key is None and found["Official"].count == 1
    with pytest.raises(UserInputError, match=r"unknown label\(s\) 'Quote' \(1 annotation"):
        interop.import_annotations(project, ann)
    report = interop.import_annotations(project, ann, label_map={"Quote": "Named person"},
                                        add_labels=["Official"], annotator="ana")
    assert report.imported == 2 and report.added_labels == ["official"]
    labels = {a.text: a.label for a in articles.load_annotations(project, aid)}
    assert labels == {"said the minister": "named_person", "officials": "official"}
    assert project.label("official") is not None


def test_create_articles_from_doccano(project: Project, other_project: Project,
                                      tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    original = _annotate(project, aid, text)
    out = tmp_path / "a.jsonl"
    interop.export_annotations(project, "doccano", out)
    with pytest.raises(UserInputError, match="no article in this project has this text"):
        interop.import_annotations(other_project, out)
    report = interop.import_annotations(other_project, out, create_articles=True)
    (new_id,) = report.created_articles
    assert articles.get_article(other_project, new_id).text == text
    assert len(articles.load_annotations(other_project, new_id)) == len(original)


def test_export_refusals(project: Project, tmp_path: Path) -> None:
    _article(project, tmp_path)
    _article(project, tmp_path, "Second article text.", "two.txt")
    with pytest.raises(UserInputError, match="pass --article ID"):
        interop.export_annotations(project, "w3c", tmp_path / "x.jsonld")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserInputError, match="needs a folder"):
        interop.export_annotations(project, "brat", tmp_path / "file")
    report = interop.export_annotations(project, "brat", tmp_path / "out")
    assert sorted(Path(p).name for p in report.paths) == [
        "article-1.ann", "article-1.txt", "article-2.ann", "article-2.txt"]


# -- article files ---------------------------------------------------------------------


def test_markdown_rendered_to_text() -> None:
    md = markdown_to_text(
        "# Title *one*\n\nPara with **bold**, [a link](http://x.org/a_(b)) and\n"
        "![img](http://evil.example/x.png) `code *x*` soft wrap.\n\n- one\n- two\n"
        "1. first\n\n> quoted\n\n```\nraw *kept*\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert md.text.split("\n") == [
        "Title one", "Para with bold, a link and code *x* soft wrap.", "one", "two",
        "1. first", "quoted", "raw *kept*", "a | b", "1 | 2"]
    assert md.title == "Title one"


def test_html_readable_text_and_metadata() -> None:
    page = html_to_text(
        "<html><head><title>T</title><meta property='og:title' content='OG &amp; T'>"
        "<meta name='author' content='Ana'><meta property='og:site_name' content='Gazette'>"
        "<meta property='article:published_time' content='2024-05-01'>"
        "<link rel='canonical' href='https://ex.org/a'><style>p{}</style></head><body>"
        "<nav>Home</nav><header>Site</header><h1>Big  news</h1><p>One &eacute;<br>two</p>"
        "<div>Div<div>inner</div></div><ul><li>item</li></ul><aside>ad</aside>"
        "<footer>f</footer><form>login</form><p hidden>x</p></body></html>")
    assert page.text == "Big news\nOne é\ntwo\nDiv\ninner\nitem"
    assert (page.title, page.byline, page.site, page.published, page.url) == (
        "OG & T", "Ana", "Gazette", "2024-05-01", "https://ex.org/a")


def _docx(body: str, *, extra: dict[str, bytes] | None = None, prolog: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml",
                    prolog + '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                    f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
        zf.writestr("docProps/core.xml",
                    '<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                    "<dc:title>Doc title</dc:title></cp:coreProperties>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_docx_paragraphs_tabs_breaks() -> None:
    doc = docx_to_text(_docx(
        "<w:p><w:r><w:t>First</w:t><w:tab/><w:t xml:space='preserve'> para</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>line</w:t><w:br/><w:t>break</w:t><w:delText>gone</w:delText></w:r>"
        "</w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"))
    assert doc.text == "First\t para\nline\nbreak\ncell" and doc.title == "Doc title"


def test_add_html_docx_md_and_folder(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.html").write_text(
        "<html><head><meta property='og:title' content='Page'><meta property='og:site_name' "
        "content='Gazette'><link rel='canonical' href='https://ex.org/p'></head>"
        "<body><p>Hello page</p></body></html>", encoding="utf-8")
    (folder / "sub" / "b.docx").write_bytes(_docx("<w:p><w:r><w:t>Docx text</w:t></w:r></w:p>"))
    (folder / "sub" / "c.md").write_text("# Heading\n\n**Bold** text\n", encoding="utf-8")
    (folder / "sub" / "copy.txt").write_text("Hello page", encoding="utf-8")  # same text
    (folder / "bad.txt").write_bytes(b"")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    calls: list[tuple[int, int]] = []
    report = folder_import.import_folder(project, folder,
                                         progress=lambda d, t: calls.append((d, t)))
    assert [(Path(a.path).name, a.duplicate) for a in report.articles] == [
        ("a.html", False), ("b.docx", False), ("c.md", False), ("copy.txt", True)]
    assert [(Path(f.path).name, f.message) for f in report.failed] == [
        ("bad.txt", "file is empty (no text to annotate)")]
    assert [Path(s.path).name for s in report.skipped] == ["notes.pdf"]
    assert calls and calls[-1][0] == calls[-1][1]
    page = articles.get_article(project, report.articles[0].article_id)
    assert (page.title, page.outlet, page.url, page.text) == (
        "Page", "Gazette", "https://ex.org/p", "Hello page")
    assert articles.get_article(project, report.articles[1].article_id).title == "Doc title"
    assert articles.get_article(project, report.articles[2].article_id).text == \
        "Heading\nBold text"


def test_update_metadata_and_import_text(project: Project) -> None:
    imported = interop.import_text(project, "Pasted\r\narticle text 😀", title="",
                                   outlet="Gazette", url="https://ex.org/p",
                                   published="2024-05-01")
    art = articles.get_article(project, imported.article_id)
    assert (art.title, art.text, art.outlet) == ("Pasted", "Pasted\narticle text 😀", "Gazette")
    again = interop.import_text(project, "Pasted\narticle text 😀")
    assert again.duplicate and again.article_id == imported.article_id
    updated = interop.update_article_metadata(project, art.id, title="New title",
                                              published="2024-05-02T10:00:00Z")
    assert (updated.title, updated.published, updated.url) == (
        "New title", "2024-05-02T10:00:00Z", "https://ex.org/p")
    for kwargs, needle in [({"title": "  "}, "title is empty"),
                           ({"url": "javascript:alert(1)"}, "not a web address"),
                           ({"published": "yesterday"}, "not an ISO 8601 date")]:
        with pytest.raises(UserInputError, match=needle):
            interop.update_article_metadata(project, art.id, **kwargs)  # type: ignore[arg-type]
    assert articles.get_article(project, art.id) == updated
    with pytest.raises(UserInputError, match="article 99 does not exist"):
        interop.update_article_metadata(project, 99, title="x")


def test_docx_refusals(project: Project, tmp_path: Path) -> None:
    def refused(name: str, data: bytes, needle: str) -> None:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(UserInputError) as err:
            articles.import_files(project, [path])
        assert str(err.value).startswith(f"{path}: ") and needle in str(err.value)

    epub = io.BytesIO()
    with zipfile.ZipFile(epub, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr("OEBPS/chapter.xhtml", "<html/>")
    refused("book.docx", epub.getvalue(), "a zip archive but not a Word .docx (no "
                                          "word/document.xml")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<" + b" " * (8 * 1024 * 1024) + b"/>")
    assert len(bomb.getvalue()) < 64 * 1024
    refused("bomb.docx", bomb.getvalue(), "refused as a possible zip bomb")
    refused("entities.docx", _docx("<w:p><w:r><w:t>&lol;</w:t></w:r></w:p>",
                                   prolog="<!DOCTYPE d [<!ENTITY lol 'lol'>]>"),
            "declares a DOCTYPE or entities")
    refused("damaged.docx", b"PK\x03\x04 not really a zip", "damaged zip archive")
    refused("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Word .doc file")
    assert articles.list_articles(project) == []


def test_folder_import_cancel_writes_nothing(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Article number {n}.", encoding="utf-8")
    seen: list[int] = []

    def cancel_after_two() -> bool:
        seen.append(1)
        return len(seen) > 2

    with pytest.raises(interop.OperationCancelled):
        folder_import.import_folder(project, folder, cancelled=cancel_after_two)
    assert articles.list_articles(project) == []
    with pytest.raises(UserInputError, match="not a folder"):
        folder_import.import_folder(project, folder / "0.txt")


def test_cli_add_folder_export_import(db_path: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "annotator", "--db", str(db_path), *args],
                              capture_output=True, text=True, encoding="utf-8", timeout=120)

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text("# Dam\n\nThe *minister* said the dam is safe.\n",
                                 encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01binary")
    r = run("add", str(folder))
    assert r.returncode == 2 and r.stdout == "1\tDam\n"
    assert f"annotator: error: {folder / 'b.txt'}: file looks binary" in r.stderr
    project = Project(db_path)
    try:
        text = articles.get_article(project, 1).text
        assert text == "Dam\nThe minister said the dam is safe."
        i = text.index("The minister said")
        annotate.apply_edit(project, annotate.new_annotation(
            project, article_id=1, article_text=text, annotator="ana", label="named_person",
            start=i, end=i + 17))
    finally:
        project.close()
    for fmt, out in [("doccano", tmp_path / "x.jsonl"), ("brat", tmp_path / "brat")]:
        r = run("export", "--format", fmt, "-o", str(out))
        assert r.returncode == 0, r.stderr
        r = run("import", str(out))
        assert r.returncode == 0 and r.stdout.startswith("0 annotation(s) imported; 1 already "
                                                         "present"), r.stdout + r.stderr
    r = run("export", "--format", "w3c")
    assert r.returncode == 2 and "needs -o PATH" in r.stderr
    r = run("import", str(tmp_path / "x.jsonl"), "--map-label", "nokey")
    assert r.returncode == 2 and "expected FOREIGN=key" in r.stderr
