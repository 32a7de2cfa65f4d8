"""A database search backend that also offers ``suggest``, like the Whoosh backend will.

Selected with ``override_settings(WAGTAILSEARCH_BACKENDS=...)`` to test "Meinten Sie …?".
"""

from modelsearch.backends.database import SearchBackend as database_backend

CORRECTIONS = {"laermschuts": "Lärmschutz"}


def SearchBackend(params):  # noqa: N802 - modelsearch looks up this name
    backend = database_backend(params)

    def suggest(query: str) -> str | None:
        words = [CORRECTIONS.get(word.lower(), word) for word in query.split()]
        proposal = " ".join(words)
        return proposal if proposal != query else None

    backend.suggest = suggest
    return backend
