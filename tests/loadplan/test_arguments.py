"""``is_null`` on a to-one: a NULL foreign key where a local key alone
joins it, else no related row (a reverse one-to-one, a custom join)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, ForeignKey, and_, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, aliased, mapped_column, relationship

from loadplan import Connective, Filter, FilterGroup, Operator
from loadplan.arguments import filter_condition
from loadplan.errors import PlanError
from loadplan.mapping import check_filter
from loadplan.testing import count_queries


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "isnull_owner"
    id: Mapped[int] = mapped_column(primary_key=True)
    badge: Mapped[Badge | None] = relationship(back_populates="owner")
    badges: Mapped[list[Badge]] = relationship(viewonly=True)


class Badge(Base):
    __tablename__ = "isnull_badge"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("isnull_owner.id"), unique=True)
    active: Mapped[bool]
    owner: Mapped[Owner | None] = relationship(back_populates="badge")
    active_owner: Mapped[Owner | None] = relationship(
        primaryjoin=lambda: and_(Badge.owner_id == Owner.id, Badge.active.is_(True)),
        viewonly=True,
    )


@pytest.fixture
def owners(engine: Engine) -> Engine:
    """Owners 1 and 2 have a badge (1's active), owner 3 none; badge 3 no owner."""
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Owner(id=1), Owner(id=2), Owner(id=3)])
        session.flush()
        session.add_all(
            [
                Badge(id=1, owner_id=1, active=True),
                Badge(id=2, owner_id=2, active=False),
                Badge(id=3, owner_id=None, active=True),
            ]
        )
        session.commit()
    return engine


def _ids(engine: Engine, entity: type[Base], item: Filter | FilterGroup) -> tuple[list[int], str]:
    """The ids of the rows of ``entity`` ``item`` keeps, and its SQL."""
    with Session(engine) as session, count_queries(engine) as log:
        ids = list(session.scalars(select(entity.id).where(filter_condition(entity, item))))
    assert log.count == 1
    return sorted(ids), " ".join(log.statements[0].sql.split())


def test_a_reverse_one_to_one_is_absent_without_a_related_row(owners: Engine) -> None:
    absent, sql = _ids(owners, Owner, Filter("badge", Operator.IS_NULL, True))
    assert absent == [3]
    assert "NOT (EXISTS (SELECT 1 FROM isnull_badge" in sql
    assert _ids(owners, Owner, Filter("badge", Operator.IS_NULL, False))[0] == [1, 2]


def test_a_many_to_one_is_absent_where_its_foreign_key_is_null(owners: Engine) -> None:
    absent, sql = _ids(owners, Badge, Filter("owner", Operator.IS_NULL, True))
    assert absent == [3]
    assert "WHERE isnull_badge.owner_id IS NULL" in sql
    assert "EXISTS" not in sql
    either = FilterGroup(
        Connective.OR,
        (Filter("owner", Operator.IS_NULL, True), Filter("owner.id", Operator.EQ, 2)),
    )
    assert _ids(owners, Badge, either)[0] == [2, 3]


def test_a_custom_join_is_absent_without_a_related_row(owners: Engine) -> None:
    absent, sql = _ids(owners, Badge, Filter("active_owner", Operator.IS_NULL, True))
    assert absent == [2, 3]
    assert "EXISTS" in sql


def test_an_alias_compares_its_own_foreign_key(owners: Engine) -> None:
    badge = aliased(Badge, name="b")
    with Session(owners) as session:
        ids = session.scalars(
            select(badge.id).where(
                filter_condition(badge, Filter("owner", Operator.IS_NULL, False))
            )
        )
        assert sorted(ids) == [1, 2]


def test_is_null_may_end_on_a_to_one_only() -> None:
    check_filter(Owner, Filter("badge", Operator.IS_NULL, True))
    with pytest.raises(PlanError) as to_many:
        check_filter(Owner, Filter("badges", Operator.IS_NULL, True))
    assert str(to_many.value) == "Owner.badges: is not a to-one relationship"
    with pytest.raises(PlanError) as compared:
        check_filter(Owner, Filter("badge", Operator.EQ, 1))
    assert str(compared.value) == "Owner.badge: is not a column"
