"""Failing-test feedback keeps what explains a failure (real pytest runs in the sandbox)."""

from __future__ import annotations

from synthloop.agents.build.checks import condense, run_checks
from synthloop.memory.filestore import DiskFileStore

# shaped like a 1.5B model's URL shortener: a long method whose bug sits below many lines of traceback context
CODE = ("class Shortener:\n    def __init__(self):\n        self.urls = {}\n\n"
        "    def shorten(self, url, alias=None):\n"
        + "".join(f"        step_{i} = '{'x' * 60}'  # padding line {i}\n" for i in range(25))
        + "        if alias is not None and len(alias) < 3 or len(alias) > 32:\n"
        "            raise ValueError('bad alias')\n        self.urls[url] = url\n        return url\n")
TESTS = ("from shortener import Shortener\n\n\n"
         + "".join(f"def test_case_{i}():\n    assert Shortener().shorten('http://a/{i}') == 'http://a/{i}'\n\n\n"
                   for i in range(6))
         + "def test_alias():\n    assert Shortener().shorten('http://b', alias='abcd') == 'abcd'\n")


def test_one_error_in_many_tests_is_shown_once_and_whole(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("shortener.py", CODE)
    store.write("tests/test_shortener.py", TESTS)
    rep = run_checks(store, sandbox, timeout_s=60)
    assert (rep.passed, rep.failed) == (0, 7)
    text = rep.feedback(2000)
    assert text.count("TypeError: object of type 'NoneType' has no len()") == 1  # the cause, not cut off
    assert "(the same error in 5 more: tests/test_shortener.py::test_case_1" in text
    assert "FAILED tests/test_shortener.py::test_alias" in text and "assert 'http://b' == 'abcd'" in text
    assert "padding line 3" not in text  # context lines give way to the error lines
    assert len(text) < 2000


def test_condense_keeps_short_messages_and_the_end_of_long_ones():
    assert condense("E   assert 1 == 2", 800) == "E   assert 1 == 2"
    long = "\n".join([f"    line {i}" for i in range(200)] + [">       f()", "E   ValueError: boom", "m.py:3: ValueError"])
    assert condense(long, 800) == ">       f()\nE   ValueError: boom\nm.py:3: ValueError"
    many = "\n".join(f"E   detail {i}" for i in range(300))
    out = condense(many, 100)
    assert len(out) == 100 and out.endswith("E   detail 299")


def test_a_method_the_class_calls_but_never_defines_is_named(open_tmp, sandbox):
    """The 1.5B design run's failure: shorten() calls self.generate_code(), which the class never defines; the model
    resubmitted the same files twice on the bare AttributeError."""
    from synthloop.agents.build.checks import missing_attribute_hints

    store = DiskFileStore(open_tmp / "ws")
    store.write("shortener/service.py", "class URLShortener:\n    def __init__(self):\n        self.urls = {}\n\n"
                "    def shorten(self, url):\n        code = self.generate_code()\n        self.urls[code] = url\n"
                "        return code\n\n    def count(self):\n        return len(self.urls)\n")
    store.write("tests/test_service.py", "from shortener.service import URLShortener\n\n\ndef test_shorten():\n"
                "    s = URLShortener()\n    assert s.urls[s.shorten('http://a')] == 'http://a'\n\n\n"
                "def test_missing_on_purpose():\n    assert URLShortener().size() == 0\n")
    rep = run_checks(store, sandbox, timeout_s=60)
    hints = missing_attribute_hints(rep.feedback(2000), store)
    assert hints == ["Class `URLShortener` in shortener/service.py uses `self.generate_code` but never defines it: add "
                     "the method `def generate_code(self, ...)` (or set `self.generate_code` in `__init__`) to "
                     "`URLShortener`, or use a name that exists."]  # `size` is the test's mistake: no hint
