"""Data access for the source registry (entries, aliases, links, pending queue).

Matching itself is domain logic (``annotator.domain.source_registry``); this module
only reads what the matcher needs and writes its decisions, in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, bindparam, text
from sqlmodel import Session

from annotator.domain.source_registry import surname_of_key


@dataclass(frozen=True)
class MentionInput:
    annotation_id: str
    article_id: int
    label: str
    facets: str
    mention: str
    """Empty when the annotation has no source mention (any more)."""
    outlet: str
    manual_source: str | None
    """The source the analyst linked it to by hand (kept as is), else None."""
    published: str = ""


@dataclass(frozen=True)
class SourceEntry:
    id: str
    kind: str
    name: str
    outlet: str
    note: str
    claims: int
    created_at: str
    updated_at: str


_ENTRY = "s.id, s.kind, s.name, s.outlet, s.note, s.claims, s.created_at, s.updated_at"


def _entry(row: Sequence[object]) -> SourceEntry:
    return SourceEntry(str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]),
                       int(str(row[5])), str(row[6]), str(row[7]))


def _in(name: str) -> BindParameter[Any]:
    return bindparam(name, expanding=True)


def pending_ids(*, session: Session, limit: int, after: str | None = None) -> list[str]:
    """Queued annotation ids in id order (``after``: only those past this id)."""
    where = "WHERE annotation_id > :c " if after is not None else ""
    rows = session.execute(text(f"SELECT annotation_id FROM source_pending {where}"
                                "ORDER BY annotation_id LIMIT :n"), {"n": limit, "c": after})
    return [str(r[0]) for r in rows]


def is_pending(*, session: Session, annotation_id: str) -> bool:
    return session.execute(text("SELECT 1 FROM source_pending WHERE annotation_id = :a"),
                           {"a": annotation_id}).first() is not None


def count_pending(*, session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM source_pending")).scalar() or 0)


def mention_inputs(*, session: Session, annotation_ids: Sequence[str]) -> list[MentionInput]:
    """What the matcher needs for each annotation (mention text cut by the database)."""
    if not annotation_ids:
        return []
    stmt = text(
        "SELECT a.id, a.article_id, a.label, a.facets, "
        "CASE WHEN a.source_start IS NULL OR a.source_end IS NULL THEN '' ELSE "
        "substr(ar.text, a.source_start + 1, a.source_end - a.source_start) END, "
        "ar.outlet, CASE WHEN l.manual THEN l.source_id END, ar.published "
        "FROM annotation a JOIN article ar ON ar.id = a.article_id "
        "LEFT JOIN annotation_source l ON l.annotation_id = a.id "
        "WHERE a.id IN :ids").bindparams(_in("ids"))
    return [MentionInput(str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4] or ""),
                         str(r[5] or ""), None if r[6] is None else str(r[6]), str(r[7] or ""))
            for r in session.execute(stmt, {"ids": list(annotation_ids)})]


def sources_for_keys(*, session: Session, keys: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    stmt = text("SELECT key, source_id FROM source_alias WHERE key IN :keys").bindparams(
        _in("keys"))
    return {str(r[0]): str(r[1]) for r in session.execute(stmt, {"keys": wanted})}


def existing_source_ids(*, session: Session, ids: Iterable[str]) -> set[str]:
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    stmt = text("SELECT id FROM source WHERE id IN :ids").bindparams(_in("ids"))
    return {str(r[0]) for r in session.execute(stmt, {"ids": wanted})}


def add_sources(*, session: Session, entries: Sequence[tuple[str, str, str, str, str]],
                stamp: str) -> None:
    """``(id, kind, name, outlet, key)`` per new entry; each key (if any) becomes its first
    alias (an entry split off by the analyst has none: the rules never lead to it)."""
    if not entries:
        return
    session.execute(text(
        "INSERT INTO source (id, kind, name, outlet, note, claims, created_at, updated_at) "
        "VALUES (:id, :kind, :name, :outlet, '', 0, :at, :at)"),
        [{"id": i, "kind": k, "name": n, "outlet": o, "at": stamp}
         for i, k, n, o, _ in entries])
    add_aliases(session=session, aliases=[(key, i) for i, _, _, _, key in entries if key])


def add_aliases(*, session: Session, aliases: Sequence[tuple[str, str]]) -> None:
    """Add match keys; a full-name named key also records its surname (rule 7)."""
    if aliases:
        session.execute(text("INSERT INTO source_alias (key, source_id, surname) "
                             "VALUES (:k, :s, :n)"),
                        [{"k": k, "s": s, "n": surname_of_key(k)} for k, s in aliases])


def set_links(*, session: Session, links: Sequence[tuple[str, str]], manual: bool = False
              ) -> None:
    """Link ``(annotation_id, source_id)`` pairs, replacing an existing link."""
    if not links:
        return
    ids = [a for a, _ in links]
    current = {str(r[0]): str(r[1]) for r in session.execute(text(
        "SELECT annotation_id, source_id FROM annotation_source WHERE annotation_id IN :ids"
    ).bindparams(_in("ids")), {"ids": ids})}
    new = [{"a": a, "s": s, "m": manual} for a, s in links if a not in current]
    changed = [{"a": a, "s": s, "m": manual} for a, s in links
               if a in current and (current[a] != s or manual)]
    if new:
        session.execute(text(
            "INSERT INTO annotation_source (annotation_id, source_id, manual, article_id) "
            "SELECT id, :s, :m, article_id FROM annotation WHERE id = :a"), new)
    if changed:
        session.execute(text("UPDATE annotation_source SET source_id = :s, manual = :m "
                             "WHERE annotation_id = :a"), changed)


def delete_links(*, session: Session, annotation_ids: Sequence[str]) -> None:
    if annotation_ids:
        session.execute(text("DELETE FROM annotation_source WHERE annotation_id IN :ids")
                        .bindparams(_in("ids")), {"ids": list(annotation_ids)})


def clear_pending(*, session: Session, annotation_ids: Sequence[str]) -> None:
    ids = list(annotation_ids)
    for k in range(0, len(ids), 5000):
        session.execute(text("DELETE FROM source_pending WHERE annotation_id IN :ids")
                        .bindparams(_in("ids")), {"ids": ids[k:k + 5000]})


# --- reading the registry -------------------------------------------------------------

def list_entries(*, session: Session, limit: int | None = None, offset: int = 0,
                 kind: str | None = None, name_like: str | None = None,
                 include_empty: bool = True) -> list[SourceEntry]:
    """Entries by claim count (most first), then name; uses ``ix_source_claims``."""
    where: list[str] = [] if include_empty else ["s.claims > 0"]
    params: dict[str, object] = {"n": limit if limit is not None else -1, "o": offset}
    if kind:
        where.append("s.kind = :kind")
        params["kind"] = kind
    if name_like:
        where.append("lower(s.name) LIKE :like")
        params["like"] = f"%{name_like.lower()}%"
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    limit_sql = "LIMIT :n OFFSET :o" if limit is not None else ""
    if limit is None:
        params.pop("n")
        params.pop("o")
    rows = session.execute(text(f"SELECT {_ENTRY} FROM source s {clause}"
                                f"ORDER BY s.claims DESC, s.name, s.id {limit_sql}"), params)
    return [_entry(r) for r in rows]


def get_entry(*, session: Session, source_id: str) -> SourceEntry | None:
    row = session.execute(text(f"SELECT {_ENTRY} FROM source s WHERE s.id = :i"),
                          {"i": source_id}).first()
    return _entry(row) if row else None


def aliases_of(*, session: Session, source_ids: Sequence[str]) -> dict[str, list[str]]:
    if not source_ids:
        return {}
    out: dict[str, list[str]] = {i: [] for i in source_ids}
    for key, sid in session.execute(text(
            "SELECT key, source_id FROM source_alias WHERE source_id IN :ids ORDER BY key")
            .bindparams(_in("ids")), {"ids": list(source_ids)}):
        out[str(sid)].append(str(key))
    return out


def spread_of(*, session: Session, source_ids: Sequence[str]
              ) -> dict[str, tuple[int, list[str], str, str]]:
    """Per entry: (articles, outlets, first published, last published) of its claims,
    from the trigger-kept counters and spread tables (index seeks, no aggregation)."""
    if not source_ids:
        return {}
    out: dict[str, tuple[int, list[str], str, str]] = {}
    rows = session.execute(text(
        "SELECT s.id, s.articles, "
        "(SELECT min(sa.published) FROM source_article sa WHERE sa.source_id = s.id "
        "AND sa.published > ''), "
        "(SELECT max(sa.published) FROM source_article sa WHERE sa.source_id = s.id "
        "AND sa.published > '') "
        "FROM source s WHERE s.id IN :ids").bindparams(_in("ids")), {"ids": list(source_ids)})
    for sid, n_articles, first, last in rows:
        out[str(sid)] = (int(n_articles), [], str(first or ""), str(last or ""))
    for sid, outlet in session.execute(text(
            "SELECT source_id, outlet FROM source_outlet WHERE source_id IN :ids "
            "AND claims > 0 AND outlet <> '' ORDER BY source_id, outlet")
            .bindparams(_in("ids")), {"ids": list(source_ids)}):
        if str(sid) in out:
            out[str(sid)][1].append(str(outlet))
    return out


@dataclass(frozen=True)
class ClaimRow:
    annotation_id: str
    article_id: int
    annotator: str
    label: str
    start: int
    end: int
    text: str
    facets: str
    source_start: int | None
    source_end: int | None
    title: str
    outlet: str
    published: str
    left: str
    right: str
    mention: str
    manual: bool


def claims_of(*, session: Session, source_id: str, context: int = 60,
              exclude_article: int | None = None, limit: int | None = None) -> list[ClaimRow]:
    """An entry's claims with KWIC context cut by the database, in article order."""
    params: dict[str, object] = {"sid": source_id, "w": context}
    extra = ""
    if exclude_article is not None:
        extra = " AND a.article_id <> :ex"
        params["ex"] = exclude_article
    tail = ""
    if limit is not None:
        tail = " LIMIT :n"
        params["n"] = limit
    rows = session.execute(text(
        'SELECT a.id, a.article_id, a.annotator, a.label, a.start, a."end", a.text, a.facets, '
        "a.source_start, a.source_end, ar.title, ar.outlet, ar.published, "
        "substr(ar.text, CASE WHEN a.start > :w THEN a.start - :w ELSE 0 END + 1, "
        "CASE WHEN a.start > :w THEN :w ELSE a.start END), "
        'substr(ar.text, a."end" + 1, :w), '
        "CASE WHEN a.source_start IS NULL OR a.source_end IS NULL THEN '' ELSE "
        "substr(ar.text, a.source_start + 1, a.source_end - a.source_start) END, l.manual "
        "FROM annotation_source l JOIN annotation a ON a.id = l.annotation_id "
        "JOIN article ar ON ar.id = a.article_id "
        f"WHERE l.source_id = :sid{extra} ORDER BY a.article_id, a.start, a.id{tail}"), params)
    return [ClaimRow(str(r[0]), int(r[1]), str(r[2]), str(r[3]), int(r[4]), int(r[5]),
                     str(r[6]), str(r[7]), None if r[8] is None else int(r[8]),
                     None if r[9] is None else int(r[9]), str(r[10]), str(r[11]),
                     str(r[12]), str(r[13] or ""), str(r[14] or ""), str(r[15] or ""),
                     bool(r[16])) for r in rows]


def source_ids_of(*, session: Session, annotation_ids: Sequence[str]) -> dict[str, str]:
    if not annotation_ids:
        return {}
    out: dict[str, str] = {}
    ids = list(annotation_ids)
    for i in range(0, len(ids), 5000):
        for aid, sid in session.execute(text(
                "SELECT annotation_id, source_id FROM annotation_source "
                "WHERE annotation_id IN :ids").bindparams(_in("ids")), {"ids": ids[i:i + 5000]}):
            out[str(aid)] = str(sid)
    return out


def source_ids_in_article(*, session: Session, article_id: int) -> dict[str, str]:
    rows = session.execute(text(
        "SELECT l.annotation_id, l.source_id FROM annotation_source l "
        "JOIN annotation a ON a.id = l.annotation_id WHERE a.article_id = :aid"),
        {"aid": article_id})
    return {str(a): str(s) for a, s in rows}


# --- editing entries ------------------------------------------------------------------

def rename(*, session: Session, source_id: str, name: str, stamp: str) -> None:
    session.execute(text("UPDATE source SET name = :n, updated_at = :t WHERE id = :i"),
                    {"n": name, "t": stamp, "i": source_id})


def set_note(*, session: Session, source_id: str, note: str, stamp: str) -> None:
    session.execute(text("UPDATE source SET note = :n, updated_at = :t WHERE id = :i"),
                    {"n": note, "t": stamp, "i": source_id})


def merge_into(*, session: Session, target: str, others: Sequence[str], stamp: str) -> None:
    """Move links and aliases of ``others`` to ``target``; delete ``others``."""
    params = {"t": target, "ids": list(others), "at": stamp}
    session.execute(text("UPDATE annotation_source SET source_id = :t WHERE source_id IN :ids")
                    .bindparams(_in("ids")), params)
    session.execute(text("UPDATE source_alias SET source_id = :t WHERE source_id IN :ids")
                    .bindparams(_in("ids")), params)
    notes = [str(r[0]) for r in session.execute(text(
        "SELECT note FROM source WHERE id IN :ids AND note <> '' ORDER BY id")
        .bindparams(_in("ids")), params)]
    if notes:
        current = session.execute(text("SELECT note FROM source WHERE id = :t"),
                                  params).scalar() or ""
        joined = "\n".join([str(current)] + notes if current else notes)
        session.execute(text("UPDATE source SET note = :n WHERE id = :t"),
                        {"n": joined, "t": target})
    session.execute(text("DELETE FROM source WHERE id IN :ids").bindparams(_in("ids")), params)
    session.execute(text("UPDATE source SET updated_at = :at WHERE id = :t"), params)


def key_owner(*, session: Session, key: str) -> str | None:
    value = session.execute(text("SELECT source_id FROM source_alias WHERE key = :k"),
                            {"k": key}).scalar()
    return None if value is None else str(value)


def all_aliases(*, session: Session) -> list[tuple[str, str]]:
    return [(str(k), str(s)) for k, s in session.execute(
        text("SELECT key, source_id FROM source_alias ORDER BY key"))]


def spread_check(*, session: Session) -> list[tuple[str, int, int]]:
    """``(source_id, articles counter, articles recounted)`` where they differ (tests)."""
    rows = session.execute(text(
        "SELECT s.id, s.articles, (SELECT count(DISTINCT l.article_id) FROM annotation_source l "
        "WHERE l.source_id = s.id), s.claims, (SELECT count(*) FROM annotation_source l "
        "WHERE l.source_id = s.id) FROM source s"))
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows
            if int(r[1]) != int(r[2]) or int(r[3]) != int(r[4])]


def all_links(*, session: Session) -> dict[str, tuple[str, bool]]:
    return {str(a): (str(s), bool(m)) for a, s, m in session.execute(
        text("SELECT annotation_id, source_id, manual FROM annotation_source"))}


def append_note(*, session: Session, source_id: str, note: str) -> None:
    current = str(session.execute(text("SELECT note FROM source WHERE id = :i"),
                                  {"i": source_id}).scalar() or "")
    if note and note not in current:
        session.execute(text("UPDATE source SET note = :n WHERE id = :i"),
                        {"n": f"{current}\n{note}" if current else note, "i": source_id})


# --- bulk links (counters kept set-based, see source_schema) ---------------------------

def write_rule_links_bulk(*, session: Session,
                          links: Sequence[tuple[str, str, int, str, str]],
                          unlink: Sequence[str]) -> None:
    """Link ``(annotation_id, source_id, article_id, outlet, published)`` by the rules (not by
    hand) and remove the links of ``unlink``, with the per-row link triggers standing
    aside (``source_bulk``) and the counters and spread tables updated by a few
    set-based statements instead — the same end state as the triggers give."""
    ids = [a for a, _s, _art, _o, _p in links] + list(unlink)
    if not ids:
        return
    current: dict[str, tuple[str, int, str]] = {}
    for k in range(0, len(ids), 5000):
        for aid, sid, art, outlet in session.execute(text(
                "SELECT l.annotation_id, l.source_id, l.article_id, sa.outlet "
                "FROM annotation_source l LEFT JOIN source_article sa "
                "ON sa.source_id = l.source_id AND sa.article_id = l.article_id "
                "WHERE l.annotation_id IN :ids").bindparams(_in("ids")),
                {"ids": ids[k:k + 5000]}):
            current[str(aid)] = (str(sid), int(art), str(outlet or ""))
    claims: dict[str, int] = {}
    per_article: dict[tuple[str, int], int] = {}
    per_outlet: dict[tuple[str, str], int] = {}

    def count(sid: str, art: int, outlet: str, d: int) -> None:
        claims[sid] = claims.get(sid, 0) + d
        per_article[sid, art] = per_article.get((sid, art), 0) + d
        per_outlet[sid, outlet] = per_outlet.get((sid, outlet), 0) + d

    new: list[tuple[str, str, bool, int]] = []
    changed: list[tuple[str, int, bool, str]] = []
    meta: dict[int, tuple[str, str]] = {}
    for aid, sid, art, outlet, published in links:
        old = current.get(aid)
        if old is None:
            new.append((aid, sid, False, art))
        elif old[0] != sid or old[1] != art:
            changed.append((sid, art, False, aid))
            count(*old, -1)
        else:
            continue
        count(sid, art, outlet, 1)
        meta[art] = (outlet, published)
    gone = [a for a in unlink if a in current]
    for aid in gone:
        count(*current[aid], -1)
    if not (new or changed or gone):
        return
    session.execute(text("INSERT INTO source_bulk (flag) VALUES (1)"))
    _many(session, "INSERT INTO annotation_source (annotation_id, source_id, manual, "
          "article_id) VALUES (?, ?, ?, ?)", new)
    _many(session, "UPDATE annotation_source SET source_id = ?, article_id = ?, manual = ? "
          "WHERE annotation_id = ?", changed)
    _many(session, "DELETE FROM annotation_source WHERE annotation_id = ?",
          [(a,) for a in gone])
    session.execute(text("DELETE FROM source_bulk"))
    _apply_link_deltas(session, claims, per_article, per_outlet, meta)


def _many(session: Session, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
    """executemany straight to the driver (``?`` written as the driver's placeholder):
    SQLAlchemy's per-row parameter processing costs more than the statement here."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        sql = sql.replace("?", "%s")
    conn.exec_driver_sql(sql, list(rows))


def _apply_link_deltas(session: Session, claims: dict[str, int],
                       per_article: dict[tuple[str, int], int],
                       per_outlet: dict[tuple[str, str], int],
                       meta: dict[int, tuple[str, str]]) -> None:
    """What the link triggers would have done, one statement per table (executemany).
    ``meta``: article id → (outlet, published) of the articles newly linked."""
    _many(session, "UPDATE source SET claims = claims + ? WHERE id = ?",
          [(d, s) for s, d in claims.items() if d])
    # a new (source, article) pair fires source_article_ai (articles + 1)
    _many(session, "INSERT INTO source_article (source_id, article_id, outlet, published, "
          "claims) VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_id, article_id) DO UPDATE "
          "SET claims = source_article.claims + excluded.claims",
          [(s, a, *meta.get(a, ("", "")), d) for (s, a), d in per_article.items() if d > 0])
    _many(session, "UPDATE source_article SET claims = claims + ? "
          "WHERE source_id = ? AND article_id = ?",
          [(d, s, a) for (s, a), d in per_article.items() if d < 0])
    _many(session, "DELETE FROM source_article WHERE source_id = ? AND article_id = ? "
          "AND claims <= 0", [(s, a) for (s, a), d in per_article.items() if d < 0])
    _many(session, "INSERT INTO source_outlet (source_id, outlet, claims) VALUES (?, ?, ?) "
          "ON CONFLICT (source_id, outlet) DO UPDATE "
          "SET claims = source_outlet.claims + excluded.claims",
          [(s, o, d) for (s, o), d in per_outlet.items() if d > 0])
    _many(session, "UPDATE source_outlet SET claims = claims + ? WHERE source_id = ? "
          "AND outlet = ?", [(d, s, o) for (s, o), d in per_outlet.items() if d < 0])
    _many(session, "DELETE FROM source_outlet WHERE source_id = ? AND outlet = ? "
          "AND claims <= 0", [(s, o) for (s, o), d in per_outlet.items() if d < 0])


# --- surname-only mentions (rule 7) ---------------------------------------------------

@dataclass(frozen=True)
class SurnameCandidates:
    """Entries with a full-name key ending in each surname, with claims, per scope."""

    in_article: dict[tuple[str, int], set[str]]
    in_outlet: dict[tuple[str, str], set[str]]
    in_corpus: dict[str, set[str]]


def surname_candidates(*, session: Session, surnames: Iterable[str],
                       article_ids: Iterable[int], outlets: Iterable[str]
                       ) -> SurnameCandidates:
    """Index seeks on ``ix_source_alias_surname``, joined to the spread tables."""
    names = sorted(set(surnames))
    out = SurnameCandidates({}, {}, {})
    if not names:
        return out
    arts, outs = sorted(set(article_ids)), sorted(set(outlets))
    for n, sid in session.execute(text(
            "SELECT DISTINCT sa.surname, sa.source_id FROM source_alias sa "
            "JOIN source s ON s.id = sa.source_id WHERE sa.surname IN :n AND s.claims > 0")
            .bindparams(_in("n")), {"n": names}):
        out.in_corpus.setdefault(str(n), set()).add(str(sid))
    if arts:
        for n, art, sid in session.execute(text(
                "SELECT DISTINCT sa.surname, x.article_id, sa.source_id FROM source_alias sa "
                "JOIN source_article x ON x.source_id = sa.source_id "
                "WHERE sa.surname IN :n AND x.article_id IN :a AND x.claims > 0")
                .bindparams(_in("n"), _in("a")), {"n": names, "a": arts}):
            out.in_article.setdefault((str(n), int(art)), set()).add(str(sid))
    if outs:
        for n, outlet, sid in session.execute(text(
                "SELECT DISTINCT sa.surname, x.outlet, sa.source_id FROM source_alias sa "
                "JOIN source_outlet x ON x.source_id = sa.source_id "
                "WHERE sa.surname IN :n AND x.outlet IN :o AND x.claims > 0")
                .bindparams(_in("n"), _in("o")), {"n": names, "o": outs}):
            out.in_outlet.setdefault((str(n), str(outlet)), set()).add(str(sid))
    return out


def queue_rule_links_of(*, session: Session, source_ids: Sequence[str]) -> None:
    """Queue the annotations linked by the rules (not by hand) to these entries, so they
    are linked again (a full-name entry appeared for a surname entry's mentions)."""
    ids = list(source_ids)
    for k in range(0, len(ids), 5000):
        session.execute(text(
            "INSERT INTO source_pending (annotation_id) SELECT annotation_id FROM "
            "annotation_source WHERE source_id IN :ids AND NOT manual "
            "ON CONFLICT DO NOTHING").bindparams(_in("ids")), {"ids": ids[k:k + 5000]})


def names_of(*, session: Session, source_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """Entry id → (name, claims)."""
    if not source_ids:
        return {}
    return {str(i): (str(n), int(c)) for i, n, c in session.execute(text(
        "SELECT id, name, claims FROM source WHERE id IN :ids").bindparams(_in("ids")),
        {"ids": list(source_ids)})}


def entries_with_surname(*, session: Session, surnames: Sequence[str]) -> set[str]:
    """Entries (with claims) owning a full-name key ending in one of ``surnames``."""
    return set().union(*surname_candidates(session=session, surnames=surnames,
                                           article_ids=(), outlets=()).in_corpus.values())


# --- the rules the aliases were keyed with ---------------------------------------------

def get_state(*, session: Session, name: str) -> str | None:
    value = session.execute(text("SELECT value FROM source_state WHERE name = :n"),
                            {"n": name}).scalar()
    return None if value is None else str(value)


def set_state(*, session: Session, name: str, value: str) -> None:
    session.execute(text("INSERT INTO source_state (name, value) VALUES (:n, :v) "
                         "ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
                    {"n": name, "v": value})
