import pytest

from dashkit.auth.passwords import PasswordHasher, PasswordPolicyError, check_password_policy

FAST = PasswordHasher(n=2**10)


def test_hash_verifies_and_carries_its_parameters():
    encoded = FAST.hash("correct horse battery")
    assert encoded.startswith("scrypt$n=1024,r=8,p=1$")
    assert "correct horse" not in encoded
    assert FAST.verify("correct horse battery", encoded)
    assert not FAST.verify("correct horse batterx", encoded)


def test_same_password_hashes_differently_each_time():
    assert FAST.hash("same password!") != FAST.hash("same password!")


def test_old_parameters_still_verify_but_need_rehash():
    old = PasswordHasher(n=2**9).hash("upgrade me please")
    assert FAST.verify("upgrade me please", old)
    assert FAST.needs_rehash(old)
    assert not FAST.needs_rehash(FAST.hash("upgrade me please"))


@pytest.mark.parametrize(
    "encoded", [None, "", "plain", "scrypt$n=x$a$b", "bcrypt$n=2,r=8,p=1$aa$bb"]
)
def test_malformed_hashes_never_match(encoded):
    assert not FAST.verify("anything", encoded)
    assert FAST.needs_rehash(encoded)


def test_cost_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        PasswordHasher(n=1000)


def test_policy_minimum_length():
    with pytest.raises(PasswordPolicyError, match="at least 10 characters"):
        check_password_policy("short", "alice")
    check_password_policy("long enough pw", "alice")


@pytest.mark.parametrize("password", ["alicealice", "ALICEALICE", "ecilaecila"])
def test_policy_rejects_the_username(password):
    with pytest.raises(PasswordPolicyError, match="must not be the username"):
        check_password_policy(password, "alicealice"[: len(password)])
