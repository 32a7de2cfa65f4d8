"""Hypothesis strategies: the nastiest queries users (and bots) type."""

from hypothesis import strategies as st

TOKENS = ["Sitzung", "a", " ", '"', "-", "*", "ODER", "OR", "NEAR", "AND", "NOT", "(", ")", ":",
          "^", "~", "\\", "'", "\x00", "\x1f", "\u200b", "💥", "ß", "_", ".", "Ä", "Datensch*",
          '-"x', '""', "{title}", "%", "\n"]

QUERIES = st.lists(st.sampled_from(TOKENS), max_size=14).map("".join) | st.text(max_size=60)
