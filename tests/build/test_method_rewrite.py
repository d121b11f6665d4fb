"""The rewrite of class methods and of failing tests from the task's text, when a sub-agent resubmits the same files.
Only the model is scripted; the checks are real sandboxed pytest runs of the spliced modules."""

from __future__ import annotations

from build_director import RecordingModel
from test_files_protocol import files

from synthloop.agents.build.checks import run_checks
from synthloop.agents.build.files_agent import FilesSubagent
from synthloop.agents.build.method_rewrite import (
    code_fault,
    exercised_names,
    members,
    rewrite_class,
    skeleton,
    splice,
    splice_class,
)
from synthloop.agents.build.subagent import Brief
from synthloop.agents.build.tools import ToolBox
from synthloop.memory.filestore import DiskFileStore

TASK = ("Write a shopping cart as class `Cart` in `cart.py`:\n"
        "- `add(name, qty=1)`: add `qty` of item `name`.\n"
        "- `total_items() -> int`: the sum of the quantities of all items.\n"
        "- `names() -> list[str]`: the item names, sorted.\n")
INIT = "    def __init__(self):\n        self.items = {}\n"
ADD = "    def add(self, name, qty=1):\n        self.items[name] = self.items.get(name, 0) + qty\n"
NAMES = "    @property\n    def size(self):\n        return len(self.items)\n\n" \
        "    def names(self):\n        return sorted(self.items)\n"
WRONG_TOTAL = "    def total_items(self):\n        return len(self.items)\n"
CART = "class Cart:\n" + INIT + "\n" + ADD + "\n" + WRONG_TOTAL + "\n" + NAMES
RIGHT_TOTAL = "class Cart:\n    def total_items(self):\n        return sum(self.items.values())\n"
HEAD = "import pytest\nfrom cart import Cart\n\n\n@pytest.fixture\ndef cart():\n    c = Cart()\n" \
       "    c.add('b', 2)\n    c.add('a', 3)\n    return c\n"
TEST_TOTAL = "\n\ndef test_total_items(cart):\n    assert cart.total_items() == 5\n"
TEST_NAMES_WRONG = "\n\ndef test_names(cart):\n    assert cart.names() == {'a': 3, 'b': 2}\n"  # the task says a list
TEST_NAMES_RIGHT = "def test_names(cart):\n    assert cart.names() == ['a', 'b']\n"
OK_TEST = "\n\ndef test_add(cart):\n    cart.add('a')\n    assert 'a' in cart.names()\n"


def _agent(model, store, sandbox, events, max_fix_rounds=3):
    tools = ToolBox(store, sandbox, lambda k, **d: events.append((k, d)), test_timeout_s=20)
    brief = Brief(task=TASK, instruction_id="cart", instruction="write Cart with tests",
                  owned=["cart.py", "tests/test_cart.py"], foreign=[], dependencies=[], relevant=[])
    return FilesSubagent(model, tools, brief, lambda: run_checks(store, sandbox, timeout_s=20), max_steps=8,
                         max_fix_rounds=max_fix_rounds, temperature=0.2, max_tokens=512,
                         emit=lambda k, **d: events.append((k, d)), review_tests=False)


def test_failures_map_to_the_methods_they_exercise():
    names = ["__init__", "add", "total_items", "total", "names"]
    assert exercised_names("test_total_items_empty", "", names, []) == ["total_items"]  # the longest match
    msg = ">       assert cart.names() == {}\nE   AssertionError\ntests/test_cart.py:9: AssertionError"
    assert exercised_names("test_listing", msg, names, ["tests/test_cart.py"]) == ["names"]
    crash = ">   c.add('x')\n\ncart.py:5: in add\n    self.items[name] += qty\nE   KeyError: 'x'\ncart.py:5: KeyError"
    assert exercised_names("test_total[1]", crash, names, ["tests/test_cart.py"]) == ["total", "add"]
    assert code_fault(crash, ["tests/test_cart.py"]) and not code_fault(msg, ["tests/test_cart.py"])


def test_skeleton_shows_init_whole_and_only_signatures_of_the_others():
    shape = skeleton("import os\n\n\n" + CART, "Cart", "total_items")
    assert shape.startswith("import os\n\nclass Cart:\n")
    assert INIT in shape and "self.items.get(name, 0)" not in shape and "return len(self.items)" not in shape
    assert "def total_items(self):\n        ...  # <- write this one" in shape
    assert "@property\n    def size(self):\n        ..." in shape


def test_splice_replaces_one_method_and_keeps_the_rest_of_the_class():
    module = '"""Carts."""\nimport os\n\n\n' + CART + "\n\ndef helper():\n    return os.sep\n"
    reply = ("import math\n\n\ndef scale(x):\n    return x\n\n\nclass Cart:\n    def __init__(self):\n"
             "        self.items = {}\n        self.log = []\n\n    @staticmethod\n    def unused():\n        return 1\n\n"
             "    def total_items(self):\n        return self._count()\n\n    def _count(self):\n"
             "        return sum(self.items.values())\n")
    out = splice(module, "Cart", "total_items", reply)
    assert out is not None
    assert out.startswith('"""Carts."""\nimport os\nimport math\n')
    assert "def scale(x):\n    return x\n\n\nclass Cart:\n" in out  # a new top-level helper goes before the class
    assert INIT.rstrip("\n") + "\n        self.log = []\n" in out  # a new attribute joins the old __init__
    assert "    def total_items(self):\n        return self._count()\n\n    def _count(self):\n" in out
    assert "def unused" not in out and WRONG_TOTAL not in out  # methods it does not call stay out
    assert ADD in out and NAMES in out and out.endswith("def helper():\n    return os.sep\n")
    top = splice(module, "Cart", "total_items", "def total_items(self):\n    return 0\n")  # a bare, unindented method
    assert top is not None and "    def total_items(self):\n        return 0\n" in top
    assert splice(module, "Cart", "total_items", "class Cart:\n    def total_items(self):\n        pass\n") is None
    assert splice(module, "Cart", "total_items", "I cannot help with that.") is None
    assert splice(module, "Other", "total_items", RIGHT_TOTAL) is None


def test_a_method_resubmitted_wrong_is_rewritten_from_the_task_and_passes(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    same = files(cart_py=CART, tests__test_cart_py=HEAD + TEST_TOTAL + OK_TEST)
    model = RecordingModel([same, same, "Here it is:\n```python\n" + RIGHT_TOTAL + "```\n"])
    events: list = []
    res = _agent(model, store, sandbox, events).run()
    assert res.status == "done", res.reason
    fresh = model.calls[2]["messages"]
    assert len(fresh) == 1 and TASK.strip() in fresh[0]["content"] and INIT in fresh[0]["content"]
    assert "return len(self.items)" not in fresh[0]["content"] and "test_total_items" not in fresh[0]["content"]
    assert "`total_items() -> int`: the sum of the quantities" in fresh[0]["content"]
    assert ("method_rewritten", {"path": "cart.py", "method": "Cart.total_items"}) in events
    assert store.read("cart.py") == CART.replace(WRONG_TOTAL, "    def total_items(self):\n"
                                                              "        return sum(self.items.values())\n")
    assert model.remaining == 0 and [k for k, _ in events].count("checks") == 2  # passed at the next check


def test_a_test_wrong_against_the_task_is_rewritten_when_the_method_rewrite_does_not_help(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    same = files(cart_py=CART.replace(WRONG_TOTAL, RIGHT_TOTAL.split("\n", 1)[1]),
                 tests__test_cart_py=HEAD + TEST_NAMES_WRONG + OK_TEST)
    method = "```python\nclass Cart:\n    def names(self):\n        return sorted(self.items)\n```"
    model = RecordingModel([same, same, method, "```python\n" + TEST_NAMES_RIGHT + "```"])
    events: list = []
    res = _agent(model, store, sandbox, events).run()
    assert res.status == "done", res.reason
    ask = model.calls[3]["messages"][0]["content"]
    assert "named `test_names`" in ask and "`names() -> list[str]`: the item names, sorted." in ask
    assert "def cart():" in ask and "{'a': 3, 'b': 2}" not in ask  # the fixtures, not the old test
    assert "def names(self):\n        ..." in ask and "sorted(self.items)" not in ask  # signatures only
    assert "Write the method `names` of class `Cart`" in model.calls[2]["messages"][0]["content"]
    # the method written again from the task is what it was: confirmed, unchanged; then the test is rewritten
    assert [k for k, _ in events if k.endswith("_rewritten")] == ["test_rewritten"]
    test = store.read("tests/test_cart.py")
    assert test == HEAD + "\n\n" + TEST_NAMES_RIGHT + OK_TEST
    assert [c["change"] for c in store_changes(events)] == []  # as many tests and asserts: no weakening recorded


def store_changes(events: list) -> list[dict]:
    return [d for k, d in events if k == "test_weakened"]


def test_an_unusable_reply_changes_nothing_and_each_method_is_rewritten_once(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    test = HEAD + TEST_TOTAL + OK_TEST
    same = files(cart_py=CART, tests__test_cart_py=test)
    model = RecordingModel([same, same, "I cannot do that.", same, same])
    events: list = []
    res = _agent(model, store, sandbox, events, max_fix_rounds=8).run()
    assert res.status == "failed" and "stuck" in res.reason
    assert not [k for k, _ in events if k.endswith("_rewritten")]
    assert sum(len(c["messages"]) == 1 for c in model.calls) == 1  # one fresh request in all: once per method
    assert store.read("cart.py") == CART and store.read("tests/test_cart.py") == test
    assert model.remaining == 0


def test_members_are_the_methods_of_classes_only():
    module = "def bare(x):\n    return x\n\n\n" + CART
    assert members(module) == {"__init__": "Cart", "add": "Cart", "total_items": "Cart", "size": "Cart",
                               "names": "Cart"}  # `bare` is left to the fix rounds
    assert members("def broken(:\n") == {}


def test_a_class_with_several_failing_methods_is_rewritten_whole_from_the_task(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    layout = ("import os\n\n\nclass Cart:\n    def __init__(self):\n        self.items = []  # names only: no quantities\n\n"
              "    def add(self, name, qty=1):\n        self.items.append(name)\n\n    def total_items(self):\n"
              "        return len(self.items)\n\n    def names(self):\n        return self.items\n\n\n"
              "def helper():\n    return os.sep\n")
    test = HEAD + TEST_TOTAL + "\n\n" + TEST_NAMES_RIGHT
    same = files(cart_py=layout, tests__test_cart_py=test)
    whole = ("```python\nfrom collections import Counter\n\nLIMIT = 99\n\n\nclass Cart:\n    def __init__(self):\n"
             "        self.items = Counter()\n\n    def add(self, name, qty=1):\n        self.items[name] += qty\n\n"
             "    def total_items(self):\n        return sum(self.items.values())\n\n    def names(self):\n"
             "        return sorted(self.items)\n```")
    model = RecordingModel([same, same, whole])
    events: list = []
    res = _agent(model, store, sandbox, events).run()
    assert res.status == "done", res.reason
    ask = model.calls[2]["messages"][0]["content"]
    assert "Write the complete class `Cart`" in ask and "def total_items(self):\n        ..." in ask
    assert "self.items.append" not in ask and TASK.strip() in ask  # the task and signatures, not the old bodies
    assert [k for k, _ in events if k.endswith("_rewritten")] == ["class_rewritten"]
    out = store.read("cart.py")
    assert out.startswith("import os\nfrom collections import Counter\n\n\nLIMIT = 99\n\n\nclass Cart:\n")
    assert "self.items = Counter()" in out and out.endswith("\n\n\ndef helper():\n    return os.sep\n")
    assert splice_class(layout, "Cart", whole.strip("`").removeprefix("python\n").replace("    def names(self):\n"
                        "        return sorted(self.items)\n", "")) is None  # a method the tests call is missing


def test_the_whole_class_must_keep_the_methods_the_task_names_as_calls():
    module = "class Cart:\n" + INIT + "\n    @property\n    def owner(self):\n        return 'me'\n\n" + ADD
    reply = "class Cart:\n    def __init__(self):\n        self.items = {}\n        self.owner = 'me'\n\n" \
            "    def total_items(self):\n        return 0\n"
    model = RecordingModel([reply, reply])
    assert rewrite_class(model, module, "Cart", TASK, 256) is None  # add() is named as a call in the task
    task = TASK.replace("`add(name, qty=1)`", "`add`") + "Each cart has an `owner`.\n"
    out = rewrite_class(model, module, "Cart", task, 256)  # `owner` is no call: it may become an attribute
    assert out is not None and "self.owner = 'me'" in out and "def owner" not in out


def test_the_whole_class_keeps_old_methods_it_calls_but_lacks():
    module = "class Cart:\n" + INIT + "\n" + ADD + "\n    def _key(self, name):\n        return name.lower()\n"
    reply = "class Cart:\n    def __init__(self):\n        self.items = {}\n\n    def add(self, name, qty=1):\n" \
            "        k = self._key(name)\n        self.items[k] = self.items.get(k, 0) + qty\n"
    out = splice_class(module, "Cart", reply)
    assert out is not None and out.endswith("        self.items[k] = self.items.get(k, 0) + qty\n\n"
                                            "    def _key(self, name):\n        return name.lower()\n")
    assert splice_class(module, "Cart", reply.replace("self._key(name)", "name")).count("_key") == 0
