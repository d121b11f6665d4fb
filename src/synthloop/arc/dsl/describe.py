"""English descriptions of DSL programs, built from the phrases of their primitives."""

from __future__ import annotations

from collections.abc import Sequence

from synthloop.arc.dsl.primitives import NEW


def describe_colour_map(cmap: dict[int, int]) -> str:
    """'paint the new cells colour 3 and recolour 1 as 2' (empty when the map is the identity)."""
    parts = []
    if NEW in cmap:
        parts.append(f"paint the marked cells colour {cmap[NEW]}")
    rest = [f"{a} as {b}" for a, b in sorted(cmap.items()) if a != NEW]
    if rest:
        parts.append("recolour " + ", ".join(rest))
    return " and ".join(parts)


def describe_program(phrases: Sequence[str], cmap: dict[int, int], frame: str = "") -> str:
    """One sentence: the step phrases in order, then the colour map."""
    steps = list(phrases)
    cm = describe_colour_map(cmap)
    if cm:
        steps.append(cm)
    if not steps:
        text = "The output is the input unchanged."
    else:
        text = "Take the input grid, " + ", then ".join(steps) + "."
    if frame == "bg<->0":
        text = "Treating the most common colour as background: " + text[0].lower() + text[1:]
    elif frame:
        text = (
            "Numbering the colours by frequency (1 = the most common non-background colour, 2 = the next, ...): "
            + text[0].lower() + text[1:]
        )
    return text
