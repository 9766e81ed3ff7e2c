import pytest

from dashkit.auth.headers import allowed_hosts, is_allowed_host
from dashkit.config import build_config

DEFAULT = ["localhost", "127.0.0.1", "::1"]


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST:8000", "127.0.0.1:5000", "[::1]:80", "[::1]"]
)
def test_default_hosts_allowed(host):
    assert is_allowed_host(host, DEFAULT)


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "localhost.evil.example",
        "evil.example@localhost",
        "",
        "localhost:1:2",
        "a b",
    ],
)
def test_other_hosts_refused(host):
    assert not is_allowed_host(host, DEFAULT)


def test_leading_dot_allows_subdomains_and_star_allows_any_wellformed_host():
    assert is_allowed_host("admin.example.com", [".example.com"])
    assert is_allowed_host("example.com:443", [".example.com"])
    assert not is_allowed_host("badexample.com", [".example.com"])
    assert is_allowed_host("anything.test", ["*"])
    assert not is_allowed_host("bad host", ["*"])


def test_allowed_hosts_from_environment_string():
    config = build_config({}, {"DASHKIT_ALLOWED_HOSTS": "admin.example.com, .internal"})
    assert allowed_hosts(config) == ["admin.example.com", ".internal"]
    assert allowed_hosts(build_config({}, {})) == DEFAULT
