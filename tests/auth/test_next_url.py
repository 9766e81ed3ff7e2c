import pytest

from dashkit.auth.next_url import safe_next_url


@pytest.mark.parametrize(
    "value", ["/admin/", "/admin/order?page=2&sort=-id", "/admin/order/%C3%A9t%C3%A9", "/a/b#frag"]
)
def test_local_paths_are_followed(value):
    assert safe_next_url(value) == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "//evil.example",
        "///evil.example",
        "https://evil.example",
        "http:evil.example",
        "HTTPS://evil.example/admin",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "%2F%2Fevil.example",
        "/%2Fevil.example",
        "/%5Cevil.example",
        "%252F%252Fevil.example",
        "/%252F%252Fevil.example",
        "/%25252F%25252Fevil.example",
        "javascript%3Aalert(1)",
        "%6Aavascript:alert(1)",
        "/\t/evil.example",
        "/%09/evil.example",
        " //evil.example",
        "/\n/evil.example",
        "admin/",
        "data:text/html,<script>alert(1)</script>",
        "/" + "a" * 3000,
    ],
)
def test_other_sites_and_schemes_are_refused(value):
    assert safe_next_url(value) is None
