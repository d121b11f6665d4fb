"""Reference solution for the chat eval task (validates the hidden tests)."""

import time


class ChatService:
    def __init__(self, clock=None):
        self.clock = clock or time.time
        self.users, self.rooms, self.messages, self.dms = {}, {}, {}, []
        self.next_id = 1

    def register(self, username):
        if not username or username in self.users:
            raise ValueError("bad or taken username")
        self.users[username] = "offline"

    def _check_user(self, user):
        if user not in self.users:
            raise KeyError(user)

    def _room(self, room):
        if room not in self.rooms:
            raise KeyError(room)
        return self.rooms[room]

    def create_room(self, name, owner):
        self._check_user(owner)
        if name in self.rooms:
            raise ValueError("room exists")
        self.rooms[name] = {"members": {}, "ids": []}
        self.join(name, owner)
        return name

    def join(self, room, user):
        self._check_user(user)
        r = self._room(room)
        r["members"][user] = self.next_id - 1  # last read message id

    def leave(self, room, user):
        self._check_user(user)
        self._room(room)["members"].pop(user, None)

    def members(self, room):
        return sorted(self._room(room)["members"])

    def _msg(self, user, text):
        if not 1 <= len(text) <= 1000:
            raise ValueError("text must be 1-1000 characters")
        mid, self.next_id = self.next_id, self.next_id + 1
        self.messages[mid] = {"id": mid, "user": user, "text": text, "ts": self.clock(), "edited": False}
        return mid

    def send(self, room, user, text):
        self._check_user(user)
        r = self._room(room)
        if user not in r["members"]:
            raise PermissionError("not a member")
        mid = self._msg(user, text)
        r["ids"].append(mid)
        return mid

    def history(self, room, limit=50):
        ids = [i for i in self._room(room)["ids"] if i in self.messages]
        return [dict(self.messages[i]) for i in ids[-limit:]] if limit else []

    def _own(self, msg_id, user):
        m = self.messages[msg_id]
        if m["user"] != user:
            raise PermissionError("not your message")
        return m

    def edit_message(self, msg_id, user, text):
        m = self._own(msg_id, user)
        if not 1 <= len(text) <= 1000:
            raise ValueError("text must be 1-1000 characters")
        m["text"], m["edited"] = text, True

    def delete_message(self, msg_id, user):
        self._own(msg_id, user)
        del self.messages[msg_id]

    def unread_count(self, room, user):
        r = self._room(room)
        last = r["members"][user]
        return sum(1 for i in r["ids"] if i > last and i in self.messages and self.messages[i]["user"] != user)

    def mark_read(self, room, user):
        self._room(room)["members"][user] = self.next_id - 1

    def direct_message(self, sender, recipient, text):
        self._check_user(sender)
        self._check_user(recipient)
        mid = self._msg(sender, text)
        self.dms.append((frozenset((sender, recipient)), mid))
        return mid

    def conversation(self, user_a, user_b):
        pair = frozenset((user_a, user_b))
        return [dict(self.messages[m]) for p, m in self.dms if p == pair and m in self.messages]

    def search(self, room, query):
        q = query.lower()
        return [m for m in self.history(room, limit=0 or 10**9) if q in m["text"].lower()]

    def set_status(self, user, status):
        self._check_user(user)
        if status not in ("online", "away", "offline"):
            raise ValueError("bad status")
        self.users[user] = status

    def status(self, user):
        self._check_user(user)
        return self.users[user]
