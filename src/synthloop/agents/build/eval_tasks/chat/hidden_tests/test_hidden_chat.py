import pytest
from chat.service import ChatService


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        self.t += 1.0
        return self.t


def _svc():
    s = ChatService(clock=Clock())
    for u in ("ann", "ben", "cid"):
        s.register(u)
    s.create_room("general", "ann")
    s.join("general", "ben")
    return s


def test_register_and_rooms():
    s = _svc()
    with pytest.raises(ValueError):
        s.register("ann")
    with pytest.raises(ValueError):
        s.create_room("general", "ben")
    assert s.members("general") == ["ann", "ben"]
    s.leave("general", "ben")
    assert s.members("general") == ["ann"]
    with pytest.raises(KeyError):
        s.join("nope", "ann")


def test_send_members_only_and_history():
    s = _svc()
    m1 = s.send("general", "ann", "hello")
    m2 = s.send("general", "ben", "hi ann")
    with pytest.raises(PermissionError):
        s.send("general", "cid", "let me in")
    with pytest.raises(ValueError):
        s.send("general", "ann", "")
    h = s.history("general")
    assert [m["id"] for m in h] == [m1, m2] and h[0]["user"] == "ann" and h[0]["edited"] is False
    assert h[0]["ts"] < h[1]["ts"]


def test_history_limit():
    s = _svc()
    ids = [s.send("general", "ann", f"m{i}") for i in range(10)]
    assert [m["id"] for m in s.history("general", limit=3)] == ids[-3:]


def test_edit_and_delete_own_only():
    s = _svc()
    mid = s.send("general", "ann", "typo")
    with pytest.raises(PermissionError):
        s.edit_message(mid, "ben", "hacked")
    s.edit_message(mid, "ann", "fixed")
    h = s.history("general")
    assert h[0]["text"] == "fixed" and h[0]["edited"] is True
    with pytest.raises(PermissionError):
        s.delete_message(mid, "ben")
    s.delete_message(mid, "ann")
    assert s.history("general") == []


def test_unread_counts():
    s = _svc()
    s.send("general", "ann", "one")
    s.send("general", "ann", "two")
    s.send("general", "ben", "mine")
    assert s.unread_count("general", "ben") == 2
    s.mark_read("general", "ben")
    assert s.unread_count("general", "ben") == 0
    s.send("general", "ann", "three")
    assert s.unread_count("general", "ben") == 1


def test_direct_messages():
    s = _svc()
    s.direct_message("ann", "cid", "psst")
    s.direct_message("cid", "ann", "yes?")
    s.direct_message("ben", "cid", "other")
    conv = s.conversation("cid", "ann")
    assert [m["text"] for m in conv] == ["psst", "yes?"] and conv[0]["user"] == "ann"


def test_search_and_status():
    s = _svc()
    s.send("general", "ann", "Lunch at noon?")
    s.send("general", "ben", "no")
    assert [m["text"] for m in s.search("general", "LUNCH")] == ["Lunch at noon?"]
    assert s.status("ann") == "offline"
    s.set_status("ann", "away")
    assert s.status("ann") == "away"
    with pytest.raises(ValueError):
        s.set_status("ann", "busy")
