"""The source registry: who or what claims rest on, across articles.

Linking is incremental. Database triggers queue every annotation whose source mention
appears or changes (``source_pending``, whatever wrote it: tagging, import, merge);
tagging in the window links its annotation at once (:func:`link_now`, O(1): one
alias lookup by key), and everything else queued is linked in batches the next time
the registry is read (:func:`resolve_pending`). The rules are data
(``resources/source_rules.json``, explained in ``annotator/domain/source_registry.py``).

The analyst's edits: :func:`merge` (links and aliases move, notes are kept),
:func:`split` (chosen claims to a new entry, linked by hand so rules never move them
back), :func:`rename` (the new name becomes an alias: later mentions of it match),
:func:`annotate` (a note on the entry).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from annotator.domain.errors import UserInputError
from annotator.domain.facets_codec import decode_facets
from annotator.domain.model import utc_now_iso
from annotator.domain.rubric import score
from annotator.domain.source_registry import (
    KIND_NAMES,
    MatchRules,
    SourceMatch,
    alias_key,
    describe_key,
    load_rules,
    match_key,
)
from annotator.services.project import Project
from annotator.services.resources import RESOURCES
from annotator.services.scoring import project_rubric
from annotator.storage import source_crud
from annotator.storage.source_crud import ClaimRow, MentionInput, SourceEntry

RULES_PATH = RESOURCES / "source_rules.json"
BATCH = 2000


@lru_cache(maxsize=4)
def _rules(path: str) -> MatchRules:
    return load_rules(Path(path))


def rules() -> MatchRules:
    return _rules(str(RULES_PATH))


@lru_cache(maxsize=4096)
def _facet_cells(facets_json: str) -> tuple[str, str]:
    try:
        cells = decode_facets(facets_json).to_export_row()
    except ValueError:
        return "", ""
    return str(cells.get("named", "")), str(cells.get("affiliation", ""))


_MATCH_CACHE: dict[tuple[str, str, str, str, str], SourceMatch | None] = {}


def _match(mention: str, label: str, named: str, affiliation: str, outlet: str,
           r: MatchRules) -> SourceMatch | None:
    """:func:`match_key`, memoised: the same few thousand phrases recur across a corpus."""
    key = (mention, label, named, affiliation, outlet)
    if key not in _MATCH_CACHE:
        if len(_MATCH_CACHE) > 200_000:
            _MATCH_CACHE.clear()
        _MATCH_CACHE[key] = match_key(mention=mention, label=label, named_facet=named,
                                      affiliation=affiliation, outlet=outlet, rules=r)
    return _MATCH_CACHE[key]


def _link_batch(session: Session, inputs: Sequence[MentionInput], stamp: str) -> int:
    """Link (or unlink) each annotation by the rules; create entries for new keys."""
    r = rules()
    matches = {}
    unlink = []
    for item in inputs:
        if item.manual_source is not None and item.mention:
            continue  # linked by the analyst: the rules do not move it
        if not item.mention:
            unlink.append(item.annotation_id)
            continue
        named, affiliation = _facet_cells(item.facets)
        m = _match(item.mention, item.label, named, affiliation, item.outlet, r)
        if m is None:
            unlink.append(item.annotation_id)
        else:
            matches[item.annotation_id] = m
    owners = source_crud.sources_for_keys(session=session, keys=(m.key for m in matches.values()))
    new: dict[str, tuple[str, str, str, str, str]] = {}
    for m in matches.values():
        if m.key not in owners and m.key not in new:
            sid = m.source_id
            new[m.key] = (sid, m.kind, m.name, m.outlet, m.key)
    if new:
        taken = source_crud.existing_source_ids(session=session,
                                                ids=[v[0] for v in new.values()])
        for key, value in list(new.items()):
            if value[0] in taken:  # an entry split off or renamed earlier took this id
                new[key] = ("src_" + uuid.uuid4().hex[:16],) + value[1:]
        source_crud.add_sources(session=session, entries=list(new.values()), stamp=stamp)
        owners.update({key: value[0] for key, value in new.items()})
    source_crud.set_links(session=session, links=[(aid, owners[m.key])
                                                  for aid, m in matches.items()])
    source_crud.delete_links(session=session, annotation_ids=unlink)
    ids = [i.annotation_id for i in inputs]
    source_crud.clear_pending(session=session, annotation_ids=ids)
    return len(ids)


def link_now(session: Session, annotation_ids: Sequence[str]) -> None:
    """Link these annotations in the caller's transaction (tagging: O(1) each)."""
    inputs = source_crud.mention_inputs(session=session, annotation_ids=annotation_ids)
    found = {i.annotation_id for i in inputs}
    _link_batch(session, inputs, utc_now_iso())
    gone = [a for a in annotation_ids if a not in found]
    source_crud.clear_pending(session=session, annotation_ids=gone)


def resolve_pending(project: Project, *, limit: int | None = None) -> int:
    """Link every queued annotation (batches of :data:`BATCH`); returns how many."""
    done = 0
    while limit is None or done < limit:
        with project.transaction() as session:
            ids = source_crud.pending_ids(session=session, limit=BATCH)
            if not ids:
                break
            inputs = source_crud.mention_inputs(session=session, annotation_ids=ids)
            _link_batch(session, inputs, utc_now_iso())
            source_crud.clear_pending(session=session, annotation_ids=ids)
        done += len(ids)
    return done


# --- reading ------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceSummary:
    source_id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    claims: int
    articles: int
    outlets: tuple[str, ...]
    first_seen: str
    last_seen: str
    note: str

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    def record(self) -> dict[str, object]:
        return {"source_id": self.source_id, "name": self.name, "kind": self.kind,
                "aliases": list(self.aliases), "claims": self.claims,
                "articles": self.articles, "outlets": list(self.outlets),
                "first_seen": self.first_seen, "last_seen": self.last_seen,
                "note": self.note}


SOURCE_COLUMNS = ("source_id", "name", "kind", "aliases", "claims", "articles", "outlets",
                  "first_seen", "last_seen", "note")


def _summaries(session: Session, entries: Sequence[SourceEntry]) -> list[SourceSummary]:
    ids = [e.id for e in entries]
    aliases = source_crud.aliases_of(session=session, source_ids=ids)
    spread = source_crud.spread_of(session=session, source_ids=ids)
    out = []
    for e in entries:
        n_articles, outlets, first, last = spread.get(e.id, (0, [], "", ""))
        out.append(SourceSummary(e.id, e.name, e.kind,
                                 tuple(describe_key(k) for k in aliases.get(e.id, [])),
                                 e.claims, n_articles, tuple(outlets), first, last, e.note))
    return out


def list_sources(project: Project, *, limit: int | None = None, offset: int = 0,
                 kind: str | None = None, name_like: str | None = None,
                 resolve: bool = True, include_empty: bool = False) -> list[SourceSummary]:
    """Entries, most-cited first (after linking whatever is queued).

    Entries left without claims (every mention re-linked elsewhere) are kept — with
    their aliases and notes — but listed only with ``include_empty``."""
    if resolve:
        resolve_pending(project)
    with project.reading() as session:
        entries = source_crud.list_entries(session=session, limit=limit, offset=offset,
                                           kind=kind, name_like=name_like,
                                           include_empty=include_empty)
        return _summaries(session, entries)


@dataclass(frozen=True)
class SourceDetail:
    summary: SourceSummary
    claims: list[ClaimRow]
    bands: dict[str, int] = field(default_factory=dict)
    """Strength distribution of its claims (band → count)."""


def show_source(project: Project, source_id: str, *, exclude_article: int | None = None,
                limit: int | None = None) -> SourceDetail:
    resolve_pending(project)
    with project.reading() as session:
        entry = source_crud.get_entry(session=session, source_id=source_id)
        if entry is None:
            raise UserInputError(f"source {source_id!r} does not exist "
                                 f"(see `annotator sources`)")
        (summary,) = _summaries(session, [entry])
        claims = source_crud.claims_of(session=session, source_id=source_id,
                                       exclude_article=exclude_article, limit=limit)
    rubric = project_rubric(project)
    bands: Counter[str] = Counter()
    for c in claims:
        try:
            bands[score(c.label, decode_facets(c.facets), rubric).band] += 1
        except ValueError:
            bands["unscored"] += 1
    return SourceDetail(summary, claims, dict(bands))


def source_of_annotation(project: Project, annotation_id: str) -> str | None:
    """The entry an annotation's mention links to (linking it first if queued).

    Selecting an annotation asks this, so a settled link is only read: no write (and no
    write lock, nor a failure on a read-only file) unless the mention is still queued.
    """
    with project.reading() as session:
        if not source_crud.is_pending(session=session, annotation_id=annotation_id):
            return source_crud.source_ids_of(session=session,
                                             annotation_ids=[annotation_id]).get(annotation_id)
    with project.transaction() as session:
        link_now(session, [annotation_id])
        return source_crud.source_ids_of(session=session,
                                         annotation_ids=[annotation_id]).get(annotation_id)


def source_ids_for_export(project: Project, *, article_id: int | None = None
                          ) -> dict[str, str]:
    """annotation id → source id for an export (linking what is queued first)."""
    resolve_pending(project)
    with project.reading() as session:
        if article_id is not None:
            return source_crud.source_ids_in_article(session=session, article_id=article_id)
        from sqlalchemy import text

        return {str(a): str(s) for a, s in session.execute(
            text("SELECT annotation_id, source_id FROM annotation_source"))}


# --- the analyst's edits ------------------------------------------------------------

def _require(session: Session, source_id: str) -> SourceEntry:
    entry = source_crud.get_entry(session=session, source_id=source_id)
    if entry is None:
        raise UserInputError(f"source {source_id!r} does not exist")
    return entry


def merge(project: Project, target: str, others: Sequence[str]) -> None:
    """Fold ``others`` into ``target`` (their claims, aliases and notes)."""
    rest = [o for o in dict.fromkeys(others) if o != target]
    if not rest:
        raise UserInputError("choose at least one other source to merge into this one")
    with project.transaction() as session:
        _require(session, target)
        for o in rest:
            _require(session, o)
        source_crud.merge_into(session=session, target=target, others=rest, stamp=utc_now_iso())


def split(project: Project, source_id: str, annotation_ids: Sequence[str], name: str) -> str:
    """Move the chosen claims to a new entry called ``name``; returns its id."""
    name = " ".join(name.split())
    if not name:
        raise UserInputError("give the new source a name")
    with project.transaction() as session:
        entry = _require(session, source_id)
        linked = source_crud.source_ids_of(session=session, annotation_ids=annotation_ids)
        strays = [a for a in annotation_ids if linked.get(a) != source_id]
        if strays or not annotation_ids:
            raise UserInputError(f"annotation {strays[0] if strays else '(none)'} is not a "
                                 f"claim of source {source_id}")
        new_id = "src_" + uuid.uuid4().hex[:16]
        stamp = utc_now_iso()
        source_crud.add_sources(session=session, entries=[
            (new_id, entry.kind, name, entry.outlet, "")], stamp=stamp)
        source_crud.set_links(session=session, links=[(a, new_id) for a in annotation_ids],
                              manual=True)
    return new_id


def rename(project: Project, source_id: str, name: str, *, affiliation: str = "") -> None:
    """A new display name; it also becomes an alias, so later mentions of it match."""
    name = " ".join(name.split())
    if not name:
        raise UserInputError("a source needs a name")
    with project.transaction() as session:
        entry = _require(session, source_id)
        key = alias_key(entry.kind, name, entry.outlet, affiliation, rules())
        owner = source_crud.key_owner(session=session, key=key)
        if owner is not None and owner != source_id:
            raise UserInputError(f"{name!r} already names source {owner}; merge the two "
                                 f"instead of renaming")
        source_crud.rename(session=session, source_id=source_id, name=name, stamp=utc_now_iso())
        if owner is None and key.split("|")[1]:
            source_crud.add_aliases(session=session, aliases=[(key, source_id)])


def annotate(project: Project, source_id: str, note: str) -> None:
    with project.transaction() as session:
        _require(session, source_id)
        source_crud.set_note(session=session, source_id=source_id, note=note,
                             stamp=utc_now_iso())


# --- offline merge ------------------------------------------------------------------

@dataclass(frozen=True)
class Registry:
    """A colleague's registry, read from their project file for an offline merge."""

    entries: list[SourceEntry]
    aliases: list[tuple[str, str]]
    links: dict[str, tuple[str, bool]]


def read_registry(session: Session) -> Registry:
    return Registry(source_crud.list_entries(session=session),
                    source_crud.all_aliases(session=session),
                    source_crud.all_links(session=session))


def import_registry(session: Session, theirs: Registry, added: Sequence[str]) -> int:
    """Bring the entries of the merged annotations over: the same entry (by id or by a
    shared alias key) gains their aliases and note; an unknown one is created with their
    id, name and note; the annotations keep their links (hand-made ones stay hand-made).
    Returns the number of entries created here."""
    wanted = {theirs.links[a][0] for a in added if a in theirs.links}
    if not wanted:
        return 0
    keys_of: dict[str, list[str]] = {}
    for key, sid in theirs.aliases:
        keys_of.setdefault(sid, []).append(key)
    local_owner = source_crud.sources_for_keys(
        session=session, keys=[k for sid in wanted for k in keys_of.get(sid, [])])
    present = source_crud.existing_source_ids(session=session, ids=wanted)
    stamp = utc_now_iso()
    mapping: dict[str, str] = {}
    created = 0
    for entry in theirs.entries:
        if entry.id not in wanted:
            continue
        local = entry.id if entry.id in present else next(
            (local_owner[k] for k in keys_of.get(entry.id, []) if k in local_owner), None)
        if local is None:
            source_crud.add_sources(session=session, entries=[
                (entry.id, entry.kind, entry.name, entry.outlet, "")], stamp=stamp)
            local = entry.id
            created += 1
        mapping[entry.id] = local
        source_crud.append_note(session=session, source_id=local, note=entry.note)
        new_keys = [(k, local) for k in keys_of.get(entry.id, []) if k not in local_owner]
        source_crud.add_aliases(session=session, aliases=new_keys)
        local_owner.update(dict(new_keys))
    for manual in (False, True):
        links = [(a, mapping[theirs.links[a][0]]) for a in added
                 if a in theirs.links and theirs.links[a][1] == manual
                 and theirs.links[a][0] in mapping]
        source_crud.set_links(session=session, links=links, manual=manual)
    source_crud.clear_pending(session=session, annotation_ids=[a for a in added
                                                               if a in theirs.links])
    return created


# --- imports that name their source ids ---------------------------------------------

def keep_source_ids(session: Session, wanted: dict[str, str]) -> None:
    """Keep the ``source_id`` an imported file gives each annotation (in the import's
    transaction), so export → import → export keeps the ids as the CSV does.

    The annotations are linked by the rules first — ids derive from the rule key, so
    that usually gives the file's id already. Where it does not (an entry split off or
    renamed in the exporting project), the annotation is linked by hand to the file's
    id: to the local entry of that id, or to a new one of that id with the rule
    entry's kind, name and outlet (the exporting project's name is not in the file)."""
    ids = list(wanted)
    for k in range(0, len(ids), BATCH):
        batch = ids[k:k + BATCH]
        link_now(session, batch)
        linked = source_crud.source_ids_of(session=session, annotation_ids=batch)
        differ = {a: wanted[a] for a in batch if a in linked and linked[a] != wanted[a]}
        if not differ:
            continue
        present = source_crud.existing_source_ids(session=session, ids=differ.values())
        stamp = utc_now_iso()
        for a, sid in differ.items():
            if sid not in present:
                model = source_crud.get_entry(session=session, source_id=linked[a])
                assert model is not None  # just linked to it
                source_crud.add_sources(session=session, entries=[
                    (sid, model.kind, model.name, model.outlet, "")], stamp=stamp)
                present.add(sid)
        source_crud.set_links(session=session, links=list(differ.items()), manual=True)
