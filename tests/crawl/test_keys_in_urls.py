"""Every row has a working URL, whatever its key: dot segments, slashes, percent signs,
query and fragment marks, spaces and the empty text, on each dialect."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from crawl.serving import signed_in

from dashkit.db import make_engine
from dashkit.serve import ServeOptions, build_app

AWKWARD_KEYS = ["..", ".", "/", "%2F", "a/../b", "a?b#c", " padded ", "~2E", "x,y", ""]


def test_each_awkward_key_links_to_its_own_row(database_url):
    engine = make_engine(database_url)
    metadata = sa.MetaData()
    table = sa.Table(
        "skey",
        metadata,
        sa.Column("k", sa.String(20), primary_key=True),
        sa.Column("note", sa.String(40)),
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(), [{"k": key, "note": f"row {index}"} for index, key in enumerate(AWKWARD_KEYS)]
        )
    engine.dispose()
    served = build_app(ServeOptions(database_url))
    client = signed_in(served)

    listing = client.get("/admin/skey/?size=100").get_data(as_text=True)
    hrefs = re.findall(r'<a href="(/admin/skey/[^"?]*/)"', listing)  # the rows' own pages
    links = {as_a_browser_sends(unescape(href)) for href in hrefs} - {"/admin/skey/"}
    notes = set()
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, (link, response.status_code)
        notes.update(re.findall(r"row \d+", response.get_data(as_text=True)))
        edit = client.get(link + "edit")
        assert edit.status_code == 200, (link + "edit", edit.status_code)
    assert notes == {f"row {index}" for index in range(len(AWKWARD_KEYS))}


def as_a_browser_sends(href: str) -> str:
    """The path a browser requests for a link: dot segments resolved (RFC 3986)."""
    return urlsplit(urljoin("http://127.0.0.1/admin/skey/", href)).path
