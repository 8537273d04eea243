"""Keyword-only data access for editing the label set (the taxonomy).

Like :mod:`annotator.storage.crud`, every function takes the session it works in
and returns domain records. Label *keys* are never updated here: annotations refer
to labels by key (a foreign key), so renaming or recolouring a label never touches
an annotation row.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, delete, func, select, update
from sqlmodel import Session

from annotator.domain.model import Label
from annotator.storage.tables import AnnotationRow, LabelRow

_A = AnnotationRow.__table__.c  # type: ignore[attr-defined]
_L = LabelRow.__table__.c  # type: ignore[attr-defined]
_LABEL_TABLE = LabelRow.__table__  # type: ignore[attr-defined]

_LABEL_COLUMNS = (_L.key, _L.name, _L.color, _L.position, _L.description, _L.example,
                  _L.retired)


def list_labels(*, session: Session, for_update: bool = False) -> list[Label]:
    """All labels by position (then key, so ties are stable).

    ``for_update`` locks the rows until the transaction ends (``SELECT … FOR UPDATE``
    on PostgreSQL; SQLite has a single writer anyway), so two analysts editing the
    taxonomy at the same moment are serialised instead of overwriting each other's
    positions.
    """
    stmt = select(*_LABEL_COLUMNS).order_by(_L.position, _L.key)
    if for_update:
        stmt = stmt.with_for_update()
    return [Label(*row) for row in session.execute(stmt).all()]


def insert_label(*, session: Session, label: Label) -> None:
    session.execute(_LABEL_TABLE.insert().values(
        key=label.key, name=label.name, color=label.color, position=label.position,
        description=label.description, example=label.example, retired=label.retired,
    ))


def update_label(
    *, session: Session, key: str, name: str | None = None, color: str | None = None,
    description: str | None = None, example: str | None = None, retired: bool | None = None,
) -> bool:
    """Change the given fields of label ``key``; ``False`` if there is no such label."""
    values: dict[str, object] = {
        field: value for field, value in (
            ("name", name), ("color", color), ("description", description),
            ("example", example), ("retired", retired),
        ) if value is not None
    }
    if not values:
        return session.execute(select(_L.key).where(_L.key == key)).first() is not None
    result = session.execute(update(_LABEL_TABLE).where(_L.key == key).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def set_positions(*, session: Session, positions: Mapping[str, int]) -> None:
    """Write ``{key: position}`` in one ``executemany`` (used to reorder)."""
    if not positions:
        return
    session.execute(
        update(_LABEL_TABLE).where(_L.key == bindparam("k")).values(position=bindparam("p")),
        [{"k": key, "p": pos} for key, pos in positions.items()],
    )


def delete_label(*, session: Session, key: str) -> bool:
    """Delete label ``key``. The annotation foreign key refuses it if any annotation
    still uses the label (``IntegrityError``); callers check usage first."""
    result = session.execute(delete(_LABEL_TABLE).where(_L.key == key))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def count_annotations_by_label(*, session: Session) -> dict[str, int]:
    """``{label key: number of annotations}`` over all annotators; unused keys absent."""
    rows = session.execute(select(_A.label, func.count()).group_by(_A.label)).all()
    return {str(key): int(n) for key, n in rows}


def count_annotations_with_label(*, session: Session, key: str) -> int:
    return int(session.execute(
        select(func.count()).select_from(AnnotationRow.__table__)  # type: ignore[attr-defined]
        .where(_A.label == key)
    ).scalar_one())
