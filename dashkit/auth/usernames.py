"""Usernames: one comparison key per name, and no names that pass for someone else's.

Two names are the same account when their keys match: NFKC, then case folding, so
`ＡＤＭＩＮ`, `Admin` and `admin` are one name, as are `Straße` and `STRASSE`. A new name
is refused when it would look like another while differing in its key: written with
compatibility characters (fullwidth letters, ligatures), holding letters whose case
does not round-trip (dotless `ı`, dotted `İ`, long `ſ`), mixing scripts (Latin with
Cyrillic or Greek), or spelled entirely in Cyrillic or Greek letters that look Latin.
"""

from __future__ import annotations

import unicodedata

from dashkit.errors import DashkitError

MAX_LENGTH = 150
CASE_CONFUSABLES = frozenset("ıİſ\u0307")
"""Dotless i, dotted capital I, long s and the combining dot above: their case mapping
turns them into, or out of, plain Latin letters."""
LATIN_LOOKALIKES = frozenset("аеорсухіјѕԁԛԝһӏαοικνρτυχАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧ")
"""Cyrillic and Greek letters drawn like Latin ones; a name made only of them reads as Latin."""
SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "CJK": "CJK"}
"""Scripts written together in one language count as one (Japanese mixes three)."""


class UsernameError(DashkitError):
    """A username is not acceptable; the message says why and what to type instead."""


def username_key(name: str) -> str:
    """The form names are compared and stored in for uniqueness: NFKC of the case-folded NFKC."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name.strip()).casefold())


def checked_username(name: str) -> str:
    """The name to store for a new account (trimmed, lower case); UsernameError if refused."""
    name = name.strip()
    if not name or len(name) > MAX_LENGTH or not name.isprintable() or any(map(str.isspace, name)):
        raise UsernameError(
            f"A username needs 1 to {MAX_LENGTH} characters, no spaces or control characters."
        )
    plain = unicodedata.normalize("NFKC", name)
    if plain != unicodedata.normalize("NFC", name):
        raise UsernameError(
            f"The username {name!r} uses special forms of characters (such as fullwidth "
            f"letters or ligatures); type {plain!r} instead."
        )
    odd = sorted({char for char in plain if char in CASE_CONFUSABLES})
    if odd:
        raise UsernameError(
            f"The username {name!r} contains {', '.join(map(repr, odd))}, which looks like "
            f"another letter (i or s) in some cases; use plain letters."
        )
    scripts = letter_scripts(plain)
    if len(scripts) > 1:
        raise UsernameError(
            f"The username {name!r} mixes letters of several scripts "
            f"({', '.join(sorted(scripts)).title()}); use letters of one script."
        )
    letters = [char for char in plain if char.isalpha()]
    if letters and scripts & {"CYRILLIC", "GREEK"} and all(c in LATIN_LOOKALIKES for c in letters):
        raise UsernameError(
            f"The username {name!r} is spelled in {next(iter(scripts)).title()} letters "
            f"that look like Latin ones; choose a name that does not pass for a Latin one."
        )
    return plain.lower()


def letter_scripts(name: str) -> set[str]:
    """The scripts of the letters in `name` (digits and punctuation belong to none)."""
    found = set()
    for char in name:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split()[0]
            found.add(SCRIPT_GROUPS.get(script, script))
    return found
