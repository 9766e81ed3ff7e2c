"""A list's state from its URL: search, filters, sort, columns, page size and position.

Every name in the query string is checked against the ModelAdmin; unknown ones are
dropped with a notice, so nothing of the URL reaches SQL but values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from dashkit.admin.list.filters import PREFIX, AppliedFilter, parse_filters
from dashkit.admin.options import ModelAdmin


@dataclass
class ListState:
    """What a list URL asks for: search, filters, sort, columns, page size and position."""

    search: str = ""
    sort: tuple[str, bool] | None = None
    filters: list[AppliedFilter] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    page_size: int = 50
    after: str | None = None
    before: str | None = None
    last: bool = False
    notices: list[str] = field(default_factory=list)
    custom_columns: bool = False
    custom_size: bool = False

    def query_args(self, **changes: Any) -> MultiDict[str, str]:
        """Query-string arguments for this state with some changed (`None` drops one).

        Changing anything but the position starts again from the first page.
        """
        args: MultiDict[str, str] = MultiDict()
        if self.search:
            args["q"] = self.search
        if self.sort is not None:
            name, descending = self.sort
            args["sort"] = f"-{name}" if descending else name
        for applied in self.filters:
            for part, values in applied.raw.items():
                key = f"{PREFIX}{applied.spec.name}" + ("" if part == "eq" else f".{part}")
                for value in values:
                    args.add(key, value)
        if self.custom_columns:
            for column in self.columns:
                args.add("cols", column)
        if self.custom_size:
            args["size"] = str(self.page_size)
        for key, value in changes.items():
            args.pop(key, None)
            if value is not None:
                args[key] = value
        return args

    def location_args(self) -> MultiDict[str, str]:
        """This state's arguments, page position included: the list's canonical URL."""
        return self.query_args(
            after=self.after, before=self.before, last="1" if self.last else None
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.search or self.filters)


def read_list_state(model_admin: ModelAdmin, args: MultiDict[str, str]) -> ListState:
    """Parse list arguments, keeping only names the ModelAdmin allows."""
    # each name's first value: MultiDict.get builds an HTTP error for every name not given
    given = args.to_dict()
    state = ListState(page_size=model_admin.page_size)
    state.filters, state.notices = parse_filters(model_admin.filters, args)
    state.search = given.get("q", "").strip()[:200]
    if "\x00" in state.search:
        state.notices.append("Search ignored: it holds a NUL character.")
        state.search = ""
    sort = given.get("sort", "").strip()
    if sort:
        name = sort.lstrip("-")
        field_ = model_admin.fields.get(name)
        if field_ is not None and field_.sortable:
            state.sort = (name, sort.startswith("-"))
        else:
            state.notices.append(f"Cannot sort by {name!r}; using the default order.")
    chosen = args.getlist("cols")
    known = [f.name for f in model_admin.list_fields]
    if chosen:
        state.columns = [name for name in known if name in chosen]
        unknown = [name for name in chosen if name not in known]
        if unknown:
            state.notices.append(f"Unknown columns ignored: {', '.join(unknown)}.")
        state.custom_columns = bool(state.columns) and state.columns != known
    if not state.columns:
        state.columns = known
    size = given.get("size", "")
    if size:
        if size.isdigit() and int(size) in model_admin.page_size_choices:
            state.page_size = int(size)
            state.custom_size = state.page_size != model_admin.page_size
        else:
            state.notices.append(f"Page size {size!r} is not offered; showing {state.page_size}.")
    state.after = given.get("after") or None
    state.before = None if state.after else (given.get("before") or None)
    state.last = not (state.after or state.before) and given.get("last") == "1"
    return state
