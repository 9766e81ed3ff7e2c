"""Password hashing with scrypt (memory-hard), and the password policy.

A hash string carries its own parameters, `scrypt$n=65536,r=8,p=1$<salt>$<key>`, so
a hash made with older parameters still verifies and is re-hashed at the next login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cached_property

ALGORITHM = "scrypt"
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 10


class PasswordPolicyError(ValueError):
    """A new password breaks the policy; the message says how to fix it."""


@dataclass(frozen=True)
class PasswordHasher:
    """scrypt with a cost `n` (a power of two), block size `r` and parallelism `p`."""

    n: int = 2**16
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1):
            raise ValueError(f"scrypt cost n must be a power of two above 1, got {self.n}")

    def hash(self, password: str) -> str:
        """A new salted hash of `password` with this hasher's parameters."""
        salt = secrets.token_bytes(SALT_BYTES)
        key = _scrypt(password, salt, self.n, self.r, self.p)
        return f"{ALGORITHM}${self._parameters()}${_encode(salt)}${_encode(key)}"

    def verify(self, password: str, encoded: str | None) -> bool:
        """True when `password` matches `encoded`; malformed or empty hashes never match."""
        parsed = _parse(encoded)
        if parsed is None:
            return False
        n, r, p, salt, expected = parsed
        return hmac.compare_digest(_scrypt(password, salt, n, r, p), expected)

    def needs_rehash(self, encoded: str | None) -> bool:
        """True when `encoded` was made with parameters other than this hasher's."""
        parsed = _parse(encoded)
        return parsed is None or parsed[:3] != (self.n, self.r, self.p)

    @cached_property
    def dummy_hash(self) -> str:
        """A hash of a random password, checked for unknown users so timing reveals nothing."""
        return self.hash(secrets.token_urlsafe(16))

    def _parameters(self) -> str:
        return f"n={self.n},r={self.r},p={self.p}"


def check_password_policy(password: str, username: str, min_length: int = MIN_LENGTH) -> None:
    """Raise PasswordPolicyError unless `password` is long enough and not the username."""
    if len(password) < min_length:
        raise PasswordPolicyError(f"The password must have at least {min_length} characters.")
    folded = password.strip().casefold()
    if username and username.casefold() in (folded, folded[::-1]):
        raise PasswordPolicyError("The password must not be the username.")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    memory = 128 * n * r * p + 128 * r * (n + p + 2)
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=memory + 2**20, dklen=KEY_BYTES
    )


def _parse(encoded: str | None) -> tuple[int, int, int, bytes, bytes] | None:
    if not encoded:
        return None
    try:
        algorithm, parameters, salt, key = encoded.split("$")
        values = dict(item.split("=", 1) for item in parameters.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        return (n, r, p, _decode(salt), _decode(key)) if algorithm == ALGORITHM else None
    except (ValueError, KeyError):
        return None


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
