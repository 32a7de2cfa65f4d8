"""Hypothesis strategies: the nastiest queries users (and bots) type."""

from hypothesis import strategies as st

TOKENS = ["Sitzung", "a", " ", '"', "-", "*", "ODER", "OR", "NEAR", "AND", "NOT", "(", ")", ":",
          "^", "~", "\\", "'", "\x1f", "\u200b", "💥", "ß", "_", ".", "Ä", "Datensch*",
          '-"x', '""', "{title}", "%", "\n"]

# NUL never reaches a view: cms.middleware answers 400 first (tests/cms/test_fuzz.py).
# A lone surrogate cannot be put into a URL at all (UTF-8 refuses it): no client can send one,
# and the test client would fail before the request.
QUERIES = st.lists(st.sampled_from(TOKENS), max_size=14).map("".join) | st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=60)
