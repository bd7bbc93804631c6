"""Strategies for bad input: arbitrary JSON, hostile text, and platform items mutated from real ones."""

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

# Items as each connector's fetch hands them to normalize(), captured from the recorded exchanges in
# tests/sources/connectors/recordings (long strings cut to 300 characters).
CONNECTOR_ITEMS: dict[str, list[dict[str, Any]]] = json.loads(
    (Path(__file__).parent / "connector_items.json").read_text(encoding="utf-8")
)

# Control characters, bidi overrides and isolates, zero-width characters, a lone surrogate's neighbours.
HOSTILE_CHARACTERS = (
    "\x00\x01\x07\x1b\x7f\u0085\u200b\u200e\u200f\u202a\u202b\u202d\u202e\u2066\u2067\u2069\ufeff\ufffd"
)

hostile_text = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE_CHARACTERS), st.characters(codec="utf-8")), max_size=80
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
    st.sampled_from(
        ["", "0", "-1", "1e309", "2026-02-30T25:61:00Z", "0001-01-01T00:00:00+14:00", '=HYPERLINK("x")']
    ),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw, value: Any, depth: int = 0) -> Any:
    """`value` with some of its parts deleted, replaced by arbitrary JSON, or mutated in turn."""
    if depth == 0:
        action = "recurse"  # The item itself stays an object, as fetch() hands it over.
    elif depth < 4:
        action = draw(st.sampled_from(["keep", "keep", "replace", "recurse"]))
    else:
        action = draw(st.sampled_from(["keep", "replace"]))
    if action == "keep":
        return value
    if action == "replace":
        return draw(json_values)
    if isinstance(value, dict):
        result = {}
        for key, child in value.items():
            if draw(st.integers(0, 9)) == 0:
                continue  # Dropped key.
            result[key] = draw(mutated(child, depth + 1))
        return result
    if isinstance(value, list):
        return [draw(mutated(child, depth + 1)) for child in value]
    return draw(json_values)


def platform_items(kind: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(CONNECTOR_ITEMS[kind]).flatmap(lambda item: mutated(item))
