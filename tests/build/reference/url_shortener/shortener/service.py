"""Reference solution for the url_shortener eval task (validates the hidden tests)."""

import re
import secrets
import string
import time
from urllib.parse import urlparse

_ALIAS = re.compile(r"^[A-Za-z0-9_-]{3,32}$")
_ALPHABET = string.ascii_letters + string.digits


class URLShortener:
    def __init__(self, clock=None):
        self.clock = clock or time.time
        self.links = {}

    def shorten(self, url, custom_alias=None, expires_in_s=None, user=None):
        parsed = urlparse(url or "")
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"invalid url {url!r}")
        if custom_alias is not None:
            if not _ALIAS.match(custom_alias) or custom_alias in self.links:
                raise ValueError(f"alias {custom_alias!r} is invalid or taken")
            code = custom_alias
        else:
            code = "".join(secrets.choice(_ALPHABET) for _ in range(7))
            while code in self.links:
                code = "".join(secrets.choice(_ALPHABET) for _ in range(7))
        now = self.clock()
        self.links[code] = {"url": url, "user": user, "created": now, "clicks": 0, "last_access": None,
                            "expires": now + expires_in_s if expires_in_s is not None else None}
        return code

    def _live(self, code):
        link = self.links.get(code)
        if link is None or (link["expires"] is not None and self.clock() >= link["expires"]):
            raise KeyError(code)
        return link

    def resolve(self, code):
        link = self._live(code)
        link["clicks"] += 1
        link["last_access"] = self.clock()
        return link["url"]

    def stats(self, code):
        link = self.links[code]
        return {k: link[k] for k in ("url", "clicks", "created", "last_access")}

    def delete(self, code, user=None):
        link = self.links[code]
        if link["user"] is not None and link["user"] != user:
            raise PermissionError("not your link")
        del self.links[code]

    def list_urls(self, user):
        return [c for c, link in self.links.items() if link["user"] == user]

    def all_urls(self):
        return {c: link["url"] for c, link in self.links.items()}
