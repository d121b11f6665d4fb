"""Reference solution for the microblog eval task (validates the hidden tests)."""

import hashlib
import re
import secrets
import time
from collections import Counter


class Microblog:
    def __init__(self, clock=None):
        self.clock = clock or time.time
        self.users, self.tokens, self.posts, self.follows = {}, {}, {}, {}
        self.next_id = 1

    def register(self, username, password):
        if not username or not re.fullmatch(r"\w+", username) or username in self.users:
            raise ValueError("bad or taken username")
        salt = secrets.token_bytes(16)
        self.users[username] = (salt, hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000))
        self.follows[username] = set()

    def login(self, username, password):
        rec = self.users.get(username)
        if rec is None or hashlib.pbkdf2_hmac("sha256", password.encode(), rec[0], 1000) != rec[1]:
            raise PermissionError("bad credentials")
        token = secrets.token_hex(16)
        self.tokens[token] = username
        return token

    def _user(self, token):
        if token not in self.tokens:
            raise PermissionError("bad token")
        return self.tokens[token]

    def _new(self, author, text, reply_to=None):
        if not 1 <= len(text) <= 280:
            raise ValueError("text must be 1-280 characters")
        pid, self.next_id = self.next_id, self.next_id + 1
        self.posts[pid] = {"id": pid, "author": author, "text": text, "created": self.clock(), "likers": set(),
                           "reply_to": reply_to}
        return pid

    def _view(self, p):
        return {"id": p["id"], "author": p["author"], "text": p["text"], "created": p["created"],
                "likes": len(p["likers"]), "reply_to": p["reply_to"]}

    def _newest(self, posts):
        return [self._view(p) for p in sorted(posts, key=lambda p: (p["created"], p["id"]), reverse=True)]

    def post(self, token, text):
        return self._new(self._user(token), text)

    def delete_post(self, token, post_id):
        user = self._user(token)
        if post_id not in self.posts:
            raise KeyError(post_id)
        if self.posts[post_id]["author"] != user:
            raise PermissionError("not your post")
        del self.posts[post_id]

    def follow(self, token, username):
        user = self._user(token)
        if username not in self.users:
            raise KeyError(username)
        if username == user:
            raise ValueError("cannot follow yourself")
        self.follows[user].add(username)

    def unfollow(self, token, username):
        user = self._user(token)
        if username not in self.users:
            raise KeyError(username)
        self.follows[user].discard(username)

    def timeline(self, token, limit=20):
        user = self._user(token)
        who = self.follows[user] | {user}
        return self._newest(p for p in self.posts.values() if p["author"] in who)[:limit]

    def like(self, token, post_id):
        self.posts[post_id]["likers"].add(self._user(token))

    def reply(self, token, post_id, text):
        if post_id not in self.posts:
            raise KeyError(post_id)
        return self._new(self._user(token), text, reply_to=post_id)

    def replies(self, post_id):
        return list(reversed(self._newest(p for p in self.posts.values() if p["reply_to"] == post_id)))

    def user_posts(self, username):
        return self._newest(p for p in self.posts.values() if p["author"] == username)

    def search(self, query):
        q = query.lower()
        return self._newest(p for p in self.posts.values() if q in p["text"].lower())

    def trending(self, n=5):
        counts = Counter(t.lower() for p in self.posts.values() for t in re.findall(r"#\w+", p["text"]))
        return [t for t, _ in counts.most_common(n)]
