import re

import pytest
from shortener.service import URLShortener


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_shorten_and_resolve():
    s = URLShortener()
    code = s.shorten("https://example.com/a?b=1")
    assert re.fullmatch(r"[A-Za-z0-9]{6,}", code)
    assert s.resolve(code) == "https://example.com/a?b=1"


def test_codes_are_unique():
    s = URLShortener()
    codes = {s.shorten(f"https://example.com/{i}") for i in range(200)}
    assert len(codes) == 200


@pytest.mark.parametrize("bad", ["example.com", "ftp://example.com", "http://", "", "not a url"])
def test_invalid_urls_rejected(bad):
    with pytest.raises(ValueError):
        URLShortener().shorten(bad)


def test_custom_alias():
    s = URLShortener()
    assert s.shorten("https://a.org", custom_alias="my-link") == "my-link"
    assert s.resolve("my-link") == "https://a.org"
    with pytest.raises(ValueError):
        s.shorten("https://b.org", custom_alias="my-link")
    with pytest.raises(ValueError):
        s.shorten("https://b.org", custom_alias="x")


def test_unknown_code():
    with pytest.raises(KeyError):
        URLShortener().resolve("nope123")


def test_stats_count_clicks():
    clock = Clock()
    s = URLShortener(clock=clock)
    code = s.shorten("https://example.com")
    st = s.stats(code)
    assert st["url"] == "https://example.com" and st["clicks"] == 0 and st["last_access"] is None
    assert st["created"] == 1000.0
    clock.t = 1005.0
    s.resolve(code)
    s.resolve(code)
    st = s.stats(code)
    assert st["clicks"] == 2 and st["last_access"] == 1005.0


def test_expiration():
    clock = Clock()
    s = URLShortener(clock=clock)
    code = s.shorten("https://example.com", expires_in_s=60)
    clock.t += 30
    assert s.resolve(code) == "https://example.com"
    clock.t += 31
    with pytest.raises(KeyError):
        s.resolve(code)


def test_users_and_delete():
    s = URLShortener()
    a = s.shorten("https://a.org", user="alice")
    b = s.shorten("https://b.org", user="alice")
    s.shorten("https://c.org", user="bob")
    assert s.list_urls("alice") == [a, b]
    with pytest.raises(PermissionError):
        s.delete(a, user="bob")
    s.delete(a, user="alice")
    with pytest.raises(KeyError):
        s.resolve(a)
    assert s.list_urls("alice") == [b]


def test_admin_view():
    s = URLShortener()
    a = s.shorten("https://a.org")
    b = s.shorten("https://b.org", custom_alias="bee")
    assert s.all_urls() == {a: "https://a.org", b: "https://b.org"}
