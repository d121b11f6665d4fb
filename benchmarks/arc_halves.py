"""The fixed DEV / CHECK halves of ARC-AGI-1 training used to tune the symbolic solver (evaluation stays held out).

    python benchmarks/arc_halves.py --out DIR      # writes DIR/dev.txt and DIR/check.txt (200 ids each)

Tune on DEV; confirm a change on CHECK before keeping it. The split is a seeded shuffle of the sorted ids, so it is
the same on every machine.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SEED = 20261127


def halves() -> tuple[list[str], list[str]]:
    """(DEV, CHECK): the 400 training ids split in two halves of 200, each sorted."""
    from synthloop.arc.dataset import load_tasks

    ids = sorted(t.id for t in load_tasks("arcagi", "training"))
    random.Random(SEED).shuffle(ids)
    return sorted(ids[:200]), sorted(ids[200:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=".", help="folder for dev.txt and check.txt")
    out = Path(ap.parse_args().out)
    dev, check = halves()
    out.mkdir(parents=True, exist_ok=True)
    (out / "dev.txt").write_text("\n".join(dev) + "\n")
    (out / "check.txt").write_text("\n".join(check) + "\n")
    print(json.dumps({"dev": len(dev), "check": len(check), "out": str(out)}))


if __name__ == "__main__":
    main()
