"""The repository map on a small synthetic tree and on a copy of this project's own src/ tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest

from synthloop.memory.repomap import build_repo_map, module_name

SRC = Path(__file__).resolve().parents[2] / "src"


def make_tree(root: Path) -> Path:
    files = {
        "src/shop/__init__.py": "from .cart import Cart\n",
        "src/shop/cart.py": ('"""Shopping cart."""\nfrom .pricing import price_of\nTAX = 0.2\n\n\n'
                             "class Cart:\n    \"\"\"A cart of items.\"\"\"\n\n    def add(self, item):\n        pass\n\n"
                             "    def total(self) -> float:\n        return sum(price_of(i) for i in self.items)\n\n"
                             "    def _hidden(self):\n        pass\n"),
        "src/shop/pricing.py": "def price_of(item: str, *, discount: float = 0.0) -> float:\n    \"\"\"Price.\"\"\"\n    return 1.0\n",
        "src/shop/util/__init__.py": "",
        "src/shop/util/fmt.py": "from ..pricing import price_of\nimport shop.cart\n\n\nasync def show(x):\n    return x\n",
        "tests/test_cart.py": "from shop.cart import Cart\nimport os\n\n\ndef test_cart():\n    assert Cart\n",
        "broken.py": "def oops(:\n",
        "README.md": "# shop\nline two\n",
        "build/out.txt": "ignored build output\n",
        ".git/HEAD": "ref\n",
    }
    for p, text in files.items():
        (root / p).parent.mkdir(parents=True, exist_ok=True)
        (root / p).write_text(text)
    (root / "logo.png").write_bytes(b"\x89PNG\x00\xff\xfe")
    return root


def test_symbols_imports_and_graph(tmp_path):
    m = build_repo_map(make_tree(tmp_path))
    assert sorted(m.files) == ["README.md", "broken.py", "logo.png", "src/shop/__init__.py", "src/shop/cart.py",
                               "src/shop/pricing.py", "src/shop/util/__init__.py", "src/shop/util/fmt.py",
                               "tests/test_cart.py"]
    cart = m.files["src/shop/cart.py"]
    assert cart.module == "shop.cart" and cart.lines == 16
    assert [(s.name, s.kind) for s in cart.symbols] == [("TAX", "var"), ("Cart", "class")]
    assert cart.symbols[1].methods == ["add", "total"] and cart.symbols[1].doc == "A cart of items."
    assert m.files["src/shop/pricing.py"].symbols[0].signature == \
        "def price_of(item: str, *, discount: float=0.0) -> float"
    assert m.files["src/shop/util/fmt.py"].symbols[0].kind == "async def"
    assert m.files["broken.py"].error.startswith("SyntaxError") and not m.files["logo.png"].is_text
    # relative (one and two levels), absolute and package imports resolve to files; stdlib imports do not
    assert m.imports_of("src/shop/util/fmt.py") == ["src/shop/cart.py", "src/shop/pricing.py"]
    assert m.imports_of("tests/test_cart.py") == ["src/shop/cart.py"]
    assert m.imports_of("src/shop/__init__.py") == ["src/shop/cart.py"]
    assert "src/shop/util/fmt.py" in m.imported_by("src/shop/pricing.py")
    rank = m.rank()
    assert rank["src/shop/pricing.py"] > rank["tests/test_cart.py"]
    ref = nx.pagerank(m.graph)  # our scipy-free power iteration agrees with networkx's
    assert max(abs(ref[k] - rank[k]) for k in ref) < 1e-4 and abs(sum(rank.values()) - 1) < 1e-6
    assert module_name(tmp_path, "src/shop/util/__init__.py") == "shop.util"


def test_relevance_and_render_within_budget(tmp_path):
    m = build_repo_map(make_tree(tmp_path))
    rel = m.relevant("change how the cart total is computed")
    assert rel[0] == "src/shop/cart.py" and "src/shop/pricing.py" in rel  # an import neighbour comes along
    text = m.render(600, query="cart total")
    assert len(text) <= 600 and text.startswith("Repository map: 9 files")
    assert "src/shop/cart.py (16 lines)" in text and "class Cart" in text and "methods: add, total" in text
    assert "_hidden" not in text
    tiny = m.render(200)
    assert len(tiny) <= 200 and "more files" in tiny
    assert m.to_dict()["edges"][0] == ["src/shop/__init__.py", "src/shop/cart.py"]


def test_map_of_this_projects_src_tree(open_tmp):
    if not (SRC / "synthloop").is_dir():
        pytest.skip("the project's src/ tree is not next to the tests (installed from a wheel)")
    copy = open_tmp / "src"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    m = build_repo_map(copy)
    assert m.total_lines > 3000 and len(m.python_files()) > 50
    inst = m.files["synthloop/agents/build/instruction.py"]
    assert inst.module == "synthloop.agents.build.instruction"
    assert "synthloop/memory/filestore.py" in inst.imports and "synthloop/agents/build/subagent.py" in inst.imports
    assert m.relevant("add a method to the DiskFileStore file store")[0] == "synthloop/memory/filestore.py"
    text = m.render(6000, query="file store snapshot")
    assert len(text) <= 6000 and "class DiskFileStore" in text
