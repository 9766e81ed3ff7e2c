"""The list query on SQLite, PostgreSQL and MariaDB: search, filters, sort, keyset pages, count, scope."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from list_models import NAMES, Customer, Order
from sqlalchemy.ext.automap import automap_base
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from dashkit.admin.cache import AdminCache
from dashkit.admin.list.query import ListQuery
from dashkit.admin.list.state import read_list_state
from dashkit.admin.options import ModelAdmin


class OrderAdmin(ModelAdmin):
    list_display = (
        "id",
        "reference",
        "customer.name",
        "total",
        "weight",
        "quantity",
        "placed_on",
        "placed_at",
        "paid",
    )
    search_fields = ("reference", "customer.name")
    list_filter = ("customer", "paid", "placed_on", "placed_at", "total", "weight", "quantity")
    page_size = 25
    page_size_choices = (7, 25, 1000)


class CustomerAdmin(ModelAdmin):
    page_size_choices = (5, 50)


def query(admin: ModelAdmin, **args: str | list[str]) -> ListQuery:
    return ListQuery(admin, read_list_state(admin, MultiDict(args)))


def ids(session: Session, admin: ModelAdmin, **args: str | list[str]) -> list[int]:
    return [row.id for row in query(admin, **args).page(session).rows]


def all_orders(session: Session) -> list[Order]:
    return list(session.scalars(sa.select(Order)))


# -- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%", ["100% Cotton Ltd"]),
        ("_", ["under_score Inc"]),
        ("o'brien", ["Zoë O'Brien"]),
        ("MÜLLER"[0] + "üller", ["Jürgen Müller"]),
        ("北京", ["北京 Trading"]),
        ("smith", ["Anna Smith", "Bob Smith"]),
        ("ann smith", ["Anna Smith"]),
        ('"; drop table list_customers; --', []),
    ],
)
def test_search_is_case_insensitive_and_literal(
    list_session: Session, text: str, expected: list[str]
):
    admin = ModelAdmin(Customer)
    rows = query(admin, q=text).page(list_session).rows
    assert sorted(row.name for row in rows) == sorted(expected)
    assert list_session.scalar(sa.select(sa.func.count()).select_from(Customer)) == len(NAMES)


def test_search_follows_a_relationship(list_session: Session):
    admin = OrderAdmin(Order)
    found = query(admin, q="lovelace", size="1000").page(list_session).rows
    assert found and all(order.customer.name == "Ada Lovelace" for order in found)
    expected = [
        o.id for o in all_orders(list_session) if o.customer and o.customer.name == "Ada Lovelace"
    ]
    assert sorted(order.id for order in found) == sorted(expected)


# -- filters ----------------------------------------------------------------------------------

FILTER_CASES = [
    ({"f.paid": "1"}, lambda o: o.paid),
    ({"f.paid": "0"}, lambda o: not o.paid),
    ({"f.customer_id": "3"}, lambda o: o.customer_id == 3),
    ({"f.customer_id": ["3", "4"]}, lambda o: o.customer_id in (3, 4)),
    ({"f.customer_id.null": "1"}, lambda o: o.customer_id is None),
    (
        {"f.placed_on.min": "2024-01-05", "f.placed_on.max": "2024-01-09"},
        lambda o: date(2024, 1, 5) <= o.placed_on <= date(2024, 1, 9),
    ),
    (
        {"f.placed_at.min": "2024-02-03T00:00", "f.placed_at.max": "2024-02-05"},
        lambda o: (
            o.placed_at is not None and datetime(2024, 2, 3) <= o.placed_at < datetime(2024, 2, 6)
        ),
    ),
    (
        {"f.total.min": "100", "f.total.max": "250.25"},
        lambda o: Decimal(100) <= o.total <= Decimal("250.25"),
    ),
    ({"f.weight.min": "3"}, lambda o: o.weight is not None and o.weight >= 3),
    ({"f.weight.null": "1"}, lambda o: o.weight is None),
    (
        {"f.weight.null": "0", "f.quantity.max": "1"},
        lambda o: o.weight is not None and o.quantity is not None and o.quantity <= 1,
    ),
]


@pytest.mark.parametrize(("args", "keep"), FILTER_CASES)
def test_every_filter_kind(list_session: Session, args: dict, keep):
    admin = OrderAdmin(Order)
    expected = sorted(o.id for o in all_orders(list_session) if keep(o))
    assert expected, "the seed data must give each filter something to find"
    assert sorted(ids(list_session, admin, size="1000", **args)) == expected


def test_enum_filter(list_session: Session):
    admin = ModelAdmin(Customer)
    found = query(admin, **{"f.tier": ["gold", "silver"]}).page(list_session).rows
    assert sorted(c.id for c in found) == [i + 1 for i in range(len(NAMES)) if i % 3 != 0]


def test_unknown_names_and_bad_values_are_ignored_with_a_notice(list_session: Session):
    admin = OrderAdmin(Order)
    state = read_list_state(
        admin,
        MultiDict(
            {
                "f.nope": "1",
                "sort": "id; drop table x",
                "cols": "secret",
                "f.total.min": "abc",
                "size": "99999",
                "f.paid.range": "1",
            }
        ),
    )
    assert len(state.notices) == 6
    assert state.sort is None and not state.filters and state.page_size == 25
    assert ids(list_session, admin, **{"f.nope": "1", "sort": "zzz"}) == list(range(1, 26))


# -- sort and keyset pages --------------------------------------------------------------------

SORTS = [
    "id",
    "-id",
    "reference",
    "-reference",
    "customer.name",
    "-customer.name",
    "total",
    "-total",
    "weight",
    "-weight",
    "quantity",
    "placed_on",
    "-placed_on",
    "placed_at",
    "-placed_at",
    "paid",
]


def walk(session: Session, admin: ModelAdmin, sort: str) -> tuple[list[list[int]], list[list[int]]]:
    """All pages forward from the first, then all pages backward from the last reached."""
    forward, args = [], {"sort": sort, "size": "7"}
    page = query(admin, **args).page(session)
    forward.append([row.id for row in page.rows])
    for _ in range(20):
        if page.is_last:
            break
        page = query(admin, after=page.next_cursor, **args).page(session)
        forward.append([row.id for row in page.rows])
    backward = []
    for _ in range(20):
        if page.is_first:
            break
        page = query(admin, before=page.previous_cursor, **args).page(session)
        backward.append([row.id for row in page.rows])
    return forward, backward


@pytest.mark.parametrize("sort", SORTS)
def test_keyset_pages_forward_and_back_give_the_same_rows(list_session: Session, sort: str):
    admin = OrderAdmin(Order)
    in_one_page = ids(list_session, admin, sort=sort, size="1000")
    forward, backward = walk(list_session, admin, sort)
    assert [i for page in forward for i in page] == in_one_page
    assert len(in_one_page) == 60 and len(set(in_one_page)) == 60
    assert backward == forward[-2::-1]
    name = sort.lstrip("-")
    if name in ("total", "weight", "quantity", "placed_on", "placed_at"):
        orders = {o.id: o for o in all_orders(list_session)}
        values = [getattr(orders[i], name) for i in in_one_page]
        present = [v for v in values if v is not None]
        assert values[len(present) :] == [None] * (len(values) - len(present)), "NULLs sort last"
        assert present == sorted(present, reverse=sort.startswith("-"))


def test_last_page_and_back(list_session: Session):
    admin = OrderAdmin(Order)
    last = query(admin, last="1", size="7").page(list_session)
    assert (
        [row.id for row in last.rows] == list(range(54, 61)) and last.is_last and not last.is_first
    )
    previous = query(admin, before=last.previous_cursor, size="7").page(list_session)
    assert [row.id for row in previous.rows] == list(range(47, 54))


def test_a_tampered_cursor_shows_the_first_page_with_a_notice(list_session: Session):
    admin = OrderAdmin(Order)
    state = read_list_state(admin, MultiDict({"after": "bm90IGpzb24", "size": "7"}))
    page = ListQuery(admin, state).page(list_session)
    assert [row.id for row in page.rows] == list(range(1, 8)) and page.is_first
    assert page.notices and page.notices[0].endswith("showing the first page.")
    assert state.notices == [] and state.after == "bm90IGpzb24", "the state is left as given"


def test_a_search_without_columns_to_search_is_a_notice_of_the_page(list_session: Session):
    class Unsearched(ModelAdmin):
        search_fields = ()

    admin = Unsearched(Customer)
    state = read_list_state(admin, MultiDict({"q": "smith"}))
    page = ListQuery(admin, state).page(list_session)
    assert len(page.rows) == len(NAMES) and state.notices == []
    assert page.notices == ["Customers have no column to search; the search was ignored."]


def test_a_query_made_without_a_request_says_it_needs_a_session():
    with pytest.raises(TypeError, match="session"):
        query(OrderAdmin(Order)).page()


def test_batches_cover_every_row_in_order(list_session: Session):
    admin = OrderAdmin(Order)
    batches = list(query(admin, sort="-total").batches(list_session, size=8))
    assert [len(batch) for batch in batches] == [8] * 7 + [4]
    assert [o.id for b in batches for o in b] == ids(
        list_session, admin, sort="-total", size="1000"
    )


# -- count, scope, query count ------------------------------------------------------------------


def test_total_is_exact_up_to_the_bound_then_estimated_or_bounded(list_session: Session):
    class Bounded(OrderAdmin):
        count_limit = 20

    assert query(OrderAdmin(Order)).total(list_session).describe() == "60"
    assert query(OrderAdmin(Order), **{"f.paid": "1"}).total(list_session).describe() == "30"
    filtered = query(Bounded(Order), **{"f.paid": "1"}).total(list_session)
    assert (filtered.kind, filtered.describe()) == ("at_least", "more than 20")
    dialect = list_session.get_bind().dialect.name
    if dialect == "postgresql":
        list_session.execute(sa.text("ANALYZE list_orders"))
    elif dialect != "sqlite":
        list_session.execute(sa.text("ANALYZE TABLE list_orders"))
    unfiltered = query(Bounded(Order)).total(list_session)
    if dialect == "sqlite":
        assert unfiltered.kind == "at_least"
    else:
        assert unfiltered.kind == "estimate" and unfiltered.describe().startswith("≈ ")


class RedTeamOrders(OrderAdmin):
    def scope(self, request, statement):
        red = sa.select(Customer.id).where(Customer.team == "red")
        return statement.where(Order.customer_id.in_(red))


def test_scope_limits_page_count_and_batches(list_session: Session):
    admin = RedTeamOrders(Order)
    expected = sorted(
        o.id for o in all_orders(list_session) if o.customer and o.customer.team == "red"
    )
    assert sorted(ids(list_session, admin, size="1000")) == expected
    assert query(admin).total(list_session).value == len(expected)
    assert sorted(o.id for b in query(admin).batches(list_session, 10) for o in b) == expected


def count_statements(engine: sa.Engine, work) -> int:
    seen = []
    listener = lambda *args: seen.append(args[2])
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_statements_per_page_do_not_grow_with_rows(list_engine: sa.Engine):
    admin = OrderAdmin(Order)

    def render(size: str):
        def work():
            with Session(list_engine) as session:
                for order in query(admin, size=size).page(session).rows:
                    for field in admin.list_fields:
                        field.display(order)

        return work

    assert count_statements(list_engine, render("7")) == count_statements(
        list_engine, render("1000")
    )


def test_callables_reading_relationships_stay_constant_with_list_select_related(
    list_engine: sa.Engine,
):
    def customer_team(order):
        return order.customer.team if order.customer else ""

    class Eager(ModelAdmin):
        list_display = ("id", customer_team)
        list_select_related = ("customer",)
        page_size_choices = (5, 1000)

    class Lazy(Eager):
        list_select_related = ()

    def statements(admin: ModelAdmin, size: str) -> int:
        def work():
            with Session(list_engine) as session:
                for order in query(admin, size=size).page(session).rows:
                    admin.list_fields[1].display(order)

        return count_statements(list_engine, work)

    assert statements(Eager(Order), "5") == statements(Eager(Order), "1000")
    assert statements(Lazy(Order), "1000") > statements(Lazy(Order), "5"), (
        "without it, one query per customer"
    )


# -- a real sample database -----------------------------------------------------------------


def test_chinook_tracks_sorted_by_album_title_page_both_ways(chinook_path):
    engine = sa.create_engine(f"sqlite:///{chinook_path}")
    Base = automap_base()
    Base.prepare(autoload_with=engine)
    Track = Base.classes.Track

    class TrackAdmin(ModelAdmin):
        list_display = ("TrackId", "Name", "album.Title", "UnitPrice", "Milliseconds")
        search_fields = ("Name", "album.Title")
        page_size_choices = (100, 1000)

    admin = TrackAdmin(Track)
    with Session(engine) as session:
        assert query(admin).total(session).value == 3503
        found = query(admin, q="love", size="1000").page(session).rows
        assert found and all("love" in (t.Name + t.album.Title).lower() for t in found)
        whole = [t.TrackId for b in query(admin, sort="-album.Title").batches(session) for t in b]
        pages, page = [], query(admin, sort="-album.Title", size="100").page(session)
        pages.append(ids_of(page.rows))
        while not page.is_last:
            page = query(admin, sort="-album.Title", size="100", after=page.next_cursor).page(
                session
            )
            pages.append(ids_of(page.rows))
        assert [i for p in pages for i in p] == whole and len(pages) == 36
        back = query(admin, sort="-album.Title", size="100", before=page.previous_cursor).page(
            session
        )
        assert ids_of(back.rows) == pages[-2]
    engine.dispose()


def ids_of(tracks) -> list[int]:
    return [track.TrackId for track in tracks]


def test_a_count_over_its_time_budget_falls_back_to_the_estimate(list_session: Session):
    from dashkit.admin.list.counting import bounded_total

    dialect = list_session.get_bind().dialect.name
    if dialect == "sqlite":
        pytest.skip("SQLite has no statement timeout; its count is bounded by rows only")
    sleep = sa.func.pg_sleep(0.05) if dialect == "postgresql" else sa.func.sleep(0.05)
    list_session.execute(
        sa.text("ANALYZE list_orders" if dialect == "postgresql" else "ANALYZE TABLE list_orders")
    )
    slow = sa.select(Order).where(sleep.is_not(None))
    table = Order.__table__
    fallback = bounded_total(
        list_session, slow, table, limit=10_000, timeout_ms=100, unfiltered=True
    )
    assert fallback.kind == "estimate" and fallback.value and fallback.describe().startswith("≈ ")
    filtered = bounded_total(
        list_session, slow, table, limit=10_000, timeout_ms=100, unfiltered=False
    )
    assert (filtered.kind, filtered.describe()) == ("unknown", "unknown")
    assert list_session.scalar(sa.select(sa.func.count()).select_from(Order)) == 60, (
        "the session still works"
    )


@pytest.mark.parametrize(
    "sort", ["tier", "-tier", "email", "-email", "active", "-active", "name", "-team"]
)
def test_customers_page_both_ways_on_enum_boolean_and_nullable_text(
    list_session: Session, sort: str
):
    class Customers(ModelAdmin):
        list_display = ("name", "email", "team", "active", "tier")
        page_size_choices = (5, 1000)

    admin = Customers(Customer)
    whole = [c.id for c in query(admin, sort=sort, size="1000").page(list_session).rows]
    pages, page = [], query(admin, sort=sort, size="5").page(list_session)
    pages.append([c.id for c in page.rows])
    while not page.is_last:
        page = query(admin, sort=sort, size="5", after=page.next_cursor).page(list_session)
        pages.append([c.id for c in page.rows])
    assert [i for p in pages for i in p] == whole and sorted(whole) == list(
        range(1, len(NAMES) + 1)
    )
    back = query(admin, sort=sort, size="5", before=page.previous_cursor).page(list_session)
    assert [c.id for c in back.rows] == pages[-2]


def app_with_admin() -> SimpleNamespace:
    """A stand-in app whose admin has nothing but its cache, as ListQuery reaches it."""
    return SimpleNamespace(extensions={"admin": SimpleNamespace(cache=AdminCache())})


class PlainOrders(ModelAdmin):
    list_display = ("id", "reference", "total", "weight", "paid")
    search_fields = ("reference",)
    list_filter = ("paid",)
    page_size = 7
    page_size_choices = (7, 25)


def test_a_list_without_search_filters_or_scope_shares_its_statements(list_session: Session):
    """Nothing of the request is in its SQL, so it is built once per app, model, sort and
    columns; every page still reads the rows an unshared query reads."""
    request = SimpleNamespace(app=app_with_admin())

    def shared(admin: ModelAdmin, **args: str | list[str]) -> ListQuery:
        return ListQuery(admin, read_list_state(admin, MultiDict(args)), request)  # type: ignore[arg-type]

    def rows(query: ListQuery) -> list[tuple[int, str]]:
        return [(row.id, row.reference) for row in query.page(list_session).rows]

    admin = PlainOrders(Order)
    first, again = shared(admin, sort="-total"), shared(admin, sort="-total")
    assert first.statement is again.statement
    assert rows(first) == rows(again) == rows(query(admin, sort="-total"))
    fewer_columns = shared(admin, sort="-total", cols=["id", "total"])
    assert fewer_columns.statement is first.statement, "one statement whichever columns show"
    assert rows(fewer_columns) == rows(first)
    cursor = first.page(list_session).next_cursor
    assert cursor is not None
    following = shared(admin, sort="-total", after=cursor)
    assert rows(following) == rows(query(admin, sort="-total", after=cursor))
    assert rows(shared(admin, sort="-total", size="25")) == rows(
        query(admin, sort="-total", size="25")
    )
    assert rows(shared(admin, sort="total")) == rows(query(admin, sort="total"))
    assert rows(shared(admin, sort="-total", last="1")) == rows(
        query(admin, sort="-total", last="1")
    )
    for sort in ("weight", "-weight"):  # NULL weights: boundaries with and without NULLs
        pages, cursor = [], None
        while True:
            position = {"after": cursor} if cursor else {}
            page = shared(admin, sort=sort, **position).page(list_session)
            assert page.rows == query(admin, sort=sort, **position).page(list_session).rows
            pages.append(page.rows)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert len(pages) > 3 and sum(len(rows) for rows in pages) == len(all_orders(list_session))
        cursor = page.previous_cursor
        while cursor is not None:  # and back, from the last page
            back = shared(admin, sort=sort, before=cursor).page(list_session)
            assert back.rows == query(admin, sort=sort, before=cursor).page(list_session).rows
            assert back.rows == pages.pop(-2)
            cursor = back.previous_cursor
    for args in ({"q": "R-01"}, {"f.paid": "1"}):
        narrowed = shared(admin, sort="-total", **args)
        assert narrowed.statement is not first.statement
        assert rows(narrowed) == rows(query(admin, sort="-total", **args))
    scoped = RedTeamOrders(Order)
    assert shared(scoped).statement is not shared(scoped).statement, "a scope may read the request"


def test_a_scope_set_on_the_model_admin_itself_is_never_shared(list_session: Session):
    """A scope given to a registered ModelAdmin (`admin.register(...).scope = ...`) reads
    the request like a subclass's: each request gets its own statement, its own rows."""
    app = app_with_admin()
    admin = PlainOrders(Order)

    def red_only(request, statement):
        if not request.red:
            return statement
        red = sa.select(Customer.id).where(Customer.team == "red")
        return statement.where(Order.customer_id.in_(red))

    admin.scope = red_only  # type: ignore[method-assign]

    def listed(red: bool) -> list[int]:
        request = SimpleNamespace(app=app, red=red)
        state = read_list_state(admin, MultiDict({"size": "25"}))
        return [row.id for row in ListQuery(admin, state, request).page(list_session).rows]  # type: ignore[arg-type]

    red_team = listed(red=True)
    everyone = listed(red=False)
    assert everyone == sorted(order.id for order in all_orders(list_session))[:25], (
        "the first request's scope was shared"
    )
    assert red_team != everyone


def test_a_row_label_set_on_the_model_admin_itself_reads_model_objects(list_session: Session):
    """A row label given to a registered ModelAdmin may read any attribute, as a
    subclass's may: its page holds model objects, not rows of the shown columns."""
    admin = PlainOrders(Order)
    admin.row_label = lambda order: f"order for {order.customer.name}"  # type: ignore[method-assign]
    request = SimpleNamespace(app=app_with_admin())
    state = read_list_state(admin, MultiDict({"cols": ["id"]}))
    page = ListQuery(admin, state, request).page(list_session)  # type: ignore[arg-type]
    assert admin.row_label(page.rows[0]).startswith("order for ")
    assert page.labels() == [admin.row_label(row) for row in page.rows]


def test_row_labels_of_a_page_of_columns_are_the_row_labels(list_session: Session):
    """A page of columns names its rows by position as `row_label` does by attribute:
    the first text column, or the model's label and key where that is empty."""
    list_session.add(Customer(id=900, name=""))
    list_session.flush()
    admin = ModelAdmin(Customer)
    page = query(admin, sort="-id", size="50").page(list_session)
    labels = page.labels()
    assert labels == [admin.row_label(row) for row in page.rows]
    assert labels[0] == "customer 900"
    assert labels[1:3] == [row.name for row in page.rows[1:3]]


@pytest.mark.parametrize(
    ("admin", "objects"),
    [(PlainOrders(Order), False), (OrderAdmin(Order), True)],
    ids=["columns", "objects"],
)
def test_a_page_reads_the_same_whether_it_holds_columns_or_objects(
    list_session: Session, admin: ModelAdmin, objects: bool
):
    """Whoever shows a page reads its keys and values through it, never knowing whether
    the query read rows of columns (PlainOrders) or model objects (customer.name)."""
    admin_of_app = SimpleNamespace(cache=AdminCache())
    request = SimpleNamespace(app=SimpleNamespace(extensions={"admin": admin_of_app}))
    state = read_list_state(admin, MultiDict({"sort": "-total"}))
    page = ListQuery(admin, state, request).page(list_session)  # type: ignore[arg-type]
    assert isinstance(page.rows[0], Order) is objects
    orders = {order.id: order for order in all_orders(list_session)}
    expected = sorted(orders.values(), key=lambda order: (-order.total, order.id))[: len(page.rows)]
    assert page.keys() == [(order.id,) for order in expected]
    by_name = {field.name: field for field in admin.list_fields}
    assert page.values(by_name["reference"]) == [order.reference for order in expected]
    assert page.values(by_name["total"]) == [order.total for order in expected]
