"""Hypothesis strategies: the nastiest queries users (and bots) type."""

from hypothesis import strategies as st

TOKENS = ["Sitzung", "a", " ", '"', "-", "*", "ODER", "OR", "NEAR", "AND", "NOT", "(", ")", ":",
          "^", "~", "\\", "'", "\x1f", "\u200b", "💥", "ß", "_", ".", "Ä", "Datensch*",
          '-"x', '""', "{title}", "%", "\n"]

# NUL never reaches a view: cms.middleware answers 400 first (tests/cms/test_fuzz.py).
QUERIES = st.lists(st.sampled_from(TOKENS), max_size=14).map("".join) | st.text(
    st.characters(blacklist_characters="\x00"), max_size=60)
