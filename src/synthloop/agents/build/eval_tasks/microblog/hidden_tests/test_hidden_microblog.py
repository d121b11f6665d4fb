import pytest
from microblog.app import Microblog


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        self.t += 1.0
        return self.t


def _app():
    app = Microblog(clock=Clock())
    for u in ("alice", "bob", "carol"):
        app.register(u, u + "-pw")
    return app, {u: app.login(u, u + "-pw") for u in ("alice", "bob", "carol")}


def test_register_validation():
    app, _ = _app()
    with pytest.raises(ValueError):
        app.register("alice", "x")
    with pytest.raises(ValueError):
        app.register("", "x")
    with pytest.raises(ValueError):
        app.register("bad name!", "x")


def _strings(obj, depth=0, seen=None):
    seen = set() if seen is None else seen
    if depth > 6 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, (str, bytes)):
        yield obj if isinstance(obj, str) else obj.decode("latin-1")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k, depth + 1, seen)
            yield from _strings(v, depth + 1, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            yield from _strings(v, depth + 1, seen)
    elif hasattr(obj, "__dict__"):
        yield from _strings(vars(obj), depth + 1, seen)
    elif hasattr(obj, "__slots__"):
        for name in obj.__slots__:
            yield from _strings(getattr(obj, name, None), depth + 1, seen)


def test_password_not_stored_in_clear():
    app = Microblog()
    app.register("dave", "very-secret-pw-123")
    assert not any("very-secret-pw-123" in s for s in _strings(app))


def test_login_and_tokens():
    app, _ = _app()
    with pytest.raises(PermissionError):
        app.login("alice", "wrong")
    with pytest.raises(PermissionError):
        app.post("not-a-token", "hi")


def test_post_length_limit():
    app, t = _app()
    assert isinstance(app.post(t["alice"], "x" * 280), int)
    with pytest.raises(ValueError):
        app.post(t["alice"], "x" * 281)
    with pytest.raises(ValueError):
        app.post(t["alice"], "")


def test_timeline_follow_unfollow():
    app, t = _app()
    a1 = app.post(t["alice"], "alice one")
    b1 = app.post(t["bob"], "bob one")
    app.post(t["carol"], "carol one")
    app.follow(t["alice"], "bob")
    ids = [p["id"] for p in app.timeline(t["alice"])]
    assert ids == [b1, a1]
    p = app.timeline(t["alice"])[0]
    assert p["author"] == "bob" and p["text"] == "bob one" and p["likes"] == 0 and p["reply_to"] is None
    app.unfollow(t["alice"], "bob")
    assert [p["id"] for p in app.timeline(t["alice"])] == [a1]
    with pytest.raises(KeyError):
        app.follow(t["alice"], "nobody")
    with pytest.raises(ValueError):
        app.follow(t["alice"], "alice")


def test_delete_only_own_posts():
    app, t = _app()
    pid = app.post(t["alice"], "mine")
    with pytest.raises(PermissionError):
        app.delete_post(t["bob"], pid)
    app.delete_post(t["alice"], pid)
    assert app.user_posts("alice") == []
    with pytest.raises(KeyError):
        app.delete_post(t["alice"], pid)


def test_likes_once_per_user():
    app, t = _app()
    pid = app.post(t["alice"], "like me")
    app.like(t["bob"], pid)
    app.like(t["bob"], pid)
    app.like(t["carol"], pid)
    assert app.user_posts("alice")[0]["likes"] == 2


def test_replies():
    app, t = _app()
    pid = app.post(t["alice"], "question?")
    r1 = app.reply(t["bob"], pid, "answer 1")
    r2 = app.reply(t["carol"], pid, "answer 2")
    reps = app.replies(pid)
    assert [r["id"] for r in reps] == [r1, r2] and reps[0]["reply_to"] == pid


def test_search_and_trending():
    app, t = _app()
    app.post(t["alice"], "I love #Python and #tests")
    app.post(t["bob"], "more #python please")
    app.post(t["carol"], "nothing here #misc")
    found = app.search("PYTHON")
    assert [p["author"] for p in found] == ["bob", "alice"]
    top = app.trending(2)
    assert top[0] == "#python" and len(top) == 2 and top[1] in {"#tests", "#misc"}
    assert app.trending(1) == ["#python"]
