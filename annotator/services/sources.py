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

import hashlib
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from annotator.domain.errors import OperationCancelled, UserInputError
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
    rekey,
    source_id_for,
    surname_of_key,
    surname_only,
)
from annotator.services.project import Project
from annotator.services.resources import RESOURCES
from annotator.services.scoring import project_rubric
from annotator.storage import source_crud
from annotator.storage.source_crud import ClaimRow, MentionInput, SourceEntry

RULES_PATH = RESOURCES / "source_rules.json"
BATCH = 5000
BULK_FROM = 20
"""Link this many annotations at once or more and the counters are kept set-based."""


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


def _link_batch(session: Session, inputs: Sequence[MentionInput], stamp: str, *,
                bulk: bool = False, defer_surnames: bool = False) -> list[str]:
    """Link (or unlink) each annotation by the rules; create entries for new keys.

    Full names and other keys first, then surname-only mentions (rule 7), so a
    "Witkoff" in the batch finds the "Steve Witkoff" of the same batch. With
    ``defer_surnames`` the surname-only ones are left queued (a large build links all
    full names first, whatever the order of the queue). Returns the annotation ids done
    (their queue rows are cleared)."""
    r = rules()
    matches: dict[str, SourceMatch] = {}
    surnamed: dict[str, tuple[SourceMatch, str]] = {}
    unlink = []
    by_id = {i.annotation_id: i for i in inputs}
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
            continue
        surname = surname_only(m, r)
        if surname is None:
            matches[item.annotation_id] = m
        else:
            surnamed[item.annotation_id] = (m, surname)
    deferred = set(surnamed) if defer_surnames else set()
    _link_by_keys(session, matches, by_id, stamp, bulk=bulk, unlink=unlink)
    if surnamed and not defer_surnames:
        _link_surnames(session, surnamed, by_id, stamp, bulk=bulk)
    ids = [i.annotation_id for i in inputs if i.annotation_id not in deferred]
    source_crud.clear_pending(session=session, annotation_ids=ids)
    return ids


def _write_links(session: Session, links: dict[str, str], by_id: dict[str, MentionInput],
                 *, bulk: bool, unlink: Sequence[str] = ()) -> None:
    if bulk:
        source_crud.write_rule_links_bulk(session=session, links=[
            (a, s, by_id[a].article_id, by_id[a].outlet, by_id[a].published)
            for a, s in links.items()],
            unlink=unlink)
        return
    source_crud.set_links(session=session, links=list(links.items()))
    source_crud.delete_links(session=session, annotation_ids=list(unlink))


def _link_by_keys(session: Session, matches: dict[str, SourceMatch],
                  by_id: dict[str, MentionInput], stamp: str, *, bulk: bool,
                  unlink: Sequence[str] = ()) -> None:
    """Each annotation to the owner of its key, creating entries for unknown keys."""
    owners = source_crud.sources_for_keys(session=session, keys=(m.key for m in matches.values()))
    new: dict[str, tuple[str, str, str, str, str]] = {}
    for m in matches.values():
        if m.key not in owners and m.key not in new:
            new[m.key] = (m.source_id, m.kind, m.name, m.outlet, m.key)
    if new:
        taken = source_crud.existing_source_ids(session=session,
                                                ids=[v[0] for v in new.values()])
        for key, value in list(new.items()):
            if value[0] in taken:  # an entry split off or renamed earlier took this id
                new[key] = ("src_" + uuid.uuid4().hex[:16],) + value[1:]
        source_crud.add_sources(session=session, entries=list(new.values()), stamp=stamp)
        owners.update({key: value[0] for key, value in new.items()})
        # a new full name: mentions of its surname linked to a surname entry look again
        surnames = {surname_of_key(k) for k in new} - {None}
        if surnames and rules().surname_only is not None:
            source_crud.queue_rule_links_of(session=session, source_ids=sorted(
                source_id_for(f"named|{n}") for n in surnames if n))
    _write_links(session, {aid: owners[m.key] for aid, m in matches.items()}, by_id,
                 bulk=bulk, unlink=unlink)


def _link_surnames(session: Session, surnamed: dict[str, tuple[SourceMatch, str]],
                   by_id: dict[str, MentionInput], stamp: str, *, bulk: bool) -> None:
    """Rule 7: a surname-only mention to the one full-name entry found in the first
    scope that has any; otherwise (none, or two and more) to its own surname entry."""
    rule = rules().surname_only
    assert rule is not None
    owners = source_crud.sources_for_keys(session=session,
                                          keys=(m.key for m, _n in surnamed.values()))
    found = source_crud.surname_candidates(
        session=session, surnames=(n for _m, n in surnamed.values()),
        article_ids=(by_id[a].article_id for a in surnamed),
        outlets=(by_id[a].outlet for a in surnamed))
    chosen: dict[str, str] = {}
    own: dict[str, SourceMatch] = {}
    for aid, (m, surname) in surnamed.items():
        owner = owners.get(m.key)
        if owner is not None and owner != source_id_for(m.key):
            chosen[aid] = owner  # the analyst's surname alias (a merge or rename) wins
            continue
        pick = _candidate(rule.scopes, found, surname, by_id[aid])
        if pick is None:
            own[aid] = m
        else:
            chosen[aid] = pick
    if chosen:
        _write_links(session, chosen, by_id, bulk=bulk)
    if own:
        _link_by_keys(session, own, by_id, stamp, bulk=bulk)


def _candidate(scopes: Sequence[str], found: source_crud.SurnameCandidates, surname: str,
               item: MentionInput) -> str | None:
    for scope in scopes:
        if scope == "article":
            ids = found.in_article.get((surname, item.article_id), set())
        elif scope == "outlet":
            ids = found.in_outlet.get((surname, item.outlet), set())
        else:
            ids = found.in_corpus.get(surname, set())
        if ids:
            return next(iter(ids)) if len(ids) == 1 else None
    return None


def link_now(session: Session, annotation_ids: Sequence[str]) -> None:
    """Link these annotations in the caller's transaction (tagging: O(1) each)."""
    inputs = source_crud.mention_inputs(session=session, annotation_ids=annotation_ids)
    found = {i.annotation_id for i in inputs}
    _link_batch(session, inputs, utc_now_iso(), bulk=len(inputs) > BULK_FROM)
    gone = [a for a in annotation_ids if a not in found]
    source_crud.clear_pending(session=session, annotation_ids=gone)


class LinkingCancelled(OperationCancelled):
    """Linking stopped at the user's request; what was linked is kept (committed)."""

    def __init__(self, done: int, left: int) -> None:
        super().__init__(f"linking stopped: {done} mention(s) linked and kept, {left} still "
                         f"queued (linked the next time the registry is read)")
        self.done, self.left = done, left


ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


def pending_count(project: Project) -> int:
    """How many mentions are queued for linking (the window asks before a long read)."""
    with project.reading() as session:
        return source_crud.count_pending(session=session)


def resolve_pending(project: Project, *, limit: int | None = None,
                    progress: ProgressFn | None = None,
                    cancelled: CancelledFn | None = None) -> int:
    """Link every queued annotation, in committed batches of :data:`BATCH`; returns how
    many. Two passes: full names and other keys first, surname-only mentions after (so
    rule 7 sees every full name, whatever order the queue is in).

    ``progress(done, total)`` is called after each batch; when ``cancelled()`` turns
    true, :class:`LinkingCancelled` is raised after the batch in hand is committed —
    every link made so far stays, the rest stays queued."""
    _sync_rules(project)
    with project.reading() as session:
        total = source_crud.count_pending(session=session)
    if total == 0 or project.read_only:
        return 0
    done = 0
    after: str | None = None
    for defer in (rules().surname_only is not None, False):
        while limit is None or done < limit:
            if cancelled is not None and cancelled():
                with project.reading() as session:
                    left = source_crud.count_pending(session=session)
                raise LinkingCancelled(done, left)
            with project.transaction() as session:
                ids = source_crud.pending_ids(session=session, limit=BATCH,
                                              after=after if defer else None)
                if not ids:
                    break
                inputs = source_crud.mention_inputs(session=session, annotation_ids=ids)
                linked = _link_batch(session, inputs, utc_now_iso(),
                                     bulk=len(inputs) > BULK_FROM,
                                     defer_surnames=defer)
                present = {i.annotation_id for i in inputs}
                source_crud.clear_pending(session=session,
                                          annotation_ids=[a for a in ids if a not in present])
            after = ids[-1]
            done += len(linked) + len(ids) - len(present)
            if progress is not None:
                progress(min(done, total), max(total, done))
        if not defer:
            break
    return done


def _rules_fingerprint() -> str:
    return hashlib.sha256(RULES_PATH.read_bytes()).hexdigest()[:16]


def _sync_rules(project: Project) -> None:
    """After the rules changed (an upgrade, or a team edited the file), give each entry
    its keys under the new rules as aliases too (where no other entry holds them), so
    existing links, merges and names stay and new mentions still find their entries;
    and queue the mentions of surname entries the rules made, so rule 7 applies to them.
    Read-only unless the fingerprint differs."""
    mark = _rules_fingerprint()
    with project.reading() as session:
        if project.read_only or source_crud.get_state(session=session, name="rules") == mark:
            return
    r = rules()
    with project.transaction() as session:
        aliases = source_crud.all_aliases(session=session)
        held = {k for k, _s in aliases}
        added: dict[str, str] = {}
        for key, sid in aliases:
            new = rekey(key, r)
            if new != key and new not in held and new not in added:
                added[new] = sid
        source_crud.add_aliases(session=session, aliases=sorted(added.items()))
        if r.surname_only is not None:
            # surname entries the rules made (not the analyst's: their id is the key's)
            # look again, so an upgraded file's "Witkoff"s join "Steve Witkoff" too
            source_crud.queue_rule_links_of(session=session, source_ids=sorted({
                sid for key, sid in aliases if key.startswith("named|")
                and " " not in key and sid == source_id_for(key)}))
        source_crud.set_state(session=session, name="rules", value=mark)


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
    possibly_same: tuple[tuple[str, str, int], ...] = ()
    """``(source_id, name, claims)`` of entries that may be the same person (rule 7):
    for a surname entry ("Witkoff", left apart because two full names fit or none was
    known yet) the full-name entries ending in it; for a full-name entry the surname
    entry of its last name. Shown so the analyst can merge; never merged by itself."""


def show_source(project: Project, source_id: str, *, exclude_article: int | None = None,
                limit: int | None = None, resolve: bool = True) -> SourceDetail:
    if resolve:
        resolve_pending(project)
    with project.reading() as session:
        entry = source_crud.get_entry(session=session, source_id=source_id)
        if entry is None:
            raise UserInputError(f"source {source_id!r} does not exist "
                                 f"(see `annotator sources`)")
        (summary,) = _summaries(session, [entry])
        claims = source_crud.claims_of(session=session, source_id=source_id,
                                       exclude_article=exclude_article, limit=limit)
        same = _possibly_same(session, source_id)
    rubric = project_rubric(project)
    bands: Counter[str] = Counter()
    for c in claims:
        try:
            bands[score(c.label, decode_facets(c.facets), rubric).band] += 1
        except ValueError:
            bands["unscored"] += 1
    return SourceDetail(summary, claims, dict(bands), same)


def _possibly_same(session: Session, source_id: str) -> tuple[tuple[str, str, int], ...]:
    keys = source_crud.aliases_of(session=session, source_ids=[source_id])[source_id]
    names = [k.partition("|")[2] for k in keys if k.startswith("named|")]
    one_word = [n for n in names if n and " " not in n]
    ids = source_crud.entries_with_surname(session=session, surnames=one_word) \
        if one_word else set()
    surnames = sorted({s for s in (surname_of_key(k) for k in keys) if s})
    if surnames:
        ids |= set(source_crud.sources_for_keys(
            session=session, keys=[f"named|{n}" for n in surnames]).values())
    ids.discard(source_id)
    found = source_crud.names_of(session=session, source_ids=sorted(ids))
    return tuple(sorted(((i, n, c) for i, (n, c) in found.items() if c > 0),
                        key=lambda t: (-t[2], t[1], t[0])))


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
    """Keep the ``source_id`` an imported file (CSV column, JSON field) gives each
    annotation, in the import's transaction, so the analyst's merges and splits travel
    and export → import → export keeps the ids.

    The annotations are linked by this database's rules first. Where that gives another
    entry than the file names:

    - the file's entry exists here → the annotation is linked to it, by hand (the rules
      will not move it again);
    - it does not exist here and is just the id the rules derive for that mention (the
      exporting database did nothing by hand) → this database's link stays (its own
      merges and rules decide);
    - otherwise (an entry split off, merged into, or reached by a rule in the exporting
      database) → an entry of that id is created, with the kind, name and outlet of the
      rule entry (names do not travel in the file), and the annotation linked to it by
      hand."""
    ids = list(wanted)
    r = rules()
    for k in range(0, len(ids), BATCH):
        batch = ids[k:k + BATCH]
        link_now(session, batch)
        linked = source_crud.source_ids_of(session=session, annotation_ids=batch)
        differ = {a: wanted[a] for a in batch if a in linked and linked[a] != wanted[a]}
        if not differ:
            continue
        present = source_crud.existing_source_ids(session=session, ids=differ.values())
        default: dict[str, str] = {}
        for item in source_crud.mention_inputs(session=session, annotation_ids=list(differ)):
            named, affiliation = _facet_cells(item.facets)
            m = _match(item.mention, item.label, named, affiliation, item.outlet, r)
            if m is not None:
                default[item.annotation_id] = m.source_id
        differ = {a: sid for a, sid in differ.items()
                  if sid in present or default.get(a) != sid}
        stamp = utc_now_iso()
        for a, sid in differ.items():
            if sid not in present:
                model = source_crud.get_entry(session=session, source_id=linked[a])
                assert model is not None  # just linked to it
                source_crud.add_sources(session=session, entries=[
                    (sid, model.kind, model.name, model.outlet, "")], stamp=stamp)
                present.add(sid)
        source_crud.set_links(session=session, links=list(differ.items()), manual=True)
