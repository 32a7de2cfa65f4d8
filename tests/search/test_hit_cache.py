"""The per-process hit cache of the Whoosh backend under load: fast, never stale, never a leak.

Whoosh is asked once per query and index version; any committed write (publish, unpublish,
move, delete, rebuild) starts a new version. Visibility is checked by the database on every
request, so a page made private without touching the index disappears all the same (R19).
"""

import shutil

import pytest
from wagtail.models import Page, PageViewRestriction
from whoosh.searching import Searcher

from search.backends.whoosh import HitCache, current_searcher, index_version

from .tree import add_protokoll, titles

pytestmark = [pytest.mark.django_db,
              pytest.mark.whoosh_only("the Whoosh backend's per-process hit cache; PostgreSQL has none")]


@pytest.fixture
def whoosh_searches(monkeypatch) -> list[str]:
    """Every query Whoosh itself scores (the cache's misses), by its repr."""
    seen: list[str] = []
    original = Searcher.search

    def counting(self, q, *args, **kwargs):
        seen.append(repr(q))
        return original(self, q, *args, **kwargs)

    monkeypatch.setattr(Searcher, "search", counting)
    return seen


def public(query: str) -> list[str]:
    return titles(Page.objects.live().public().search(query))


def test_repeated_query_is_scored_once(fachgruppe, whoosh_searches):
    add_protokoll(fachgruppe, "Sitzung Lärm", "Hörschutz beschlossen")
    assert public("Hörschutz") == ["Sitzung Lärm"]
    assert public("Hörschutz") == ["Sitzung Lärm"]
    assert public("hörschutz") == ["Sitzung Lärm"]  # same analysed query, same entry
    assert len(whoosh_searches) == 1
    assert public("Lärm") == ["Sitzung Lärm"]
    assert len(whoosh_searches) == 2


def test_publishing_a_page_is_seen_at_once(backend, fachgruppe, whoosh_searches):
    assert public("Xylophonwerkstatt") == []
    page = add_protokoll(fachgruppe, "Sitzung Entwurf", "noch nichts", live=False)
    page.body = "Besuch der Xylophonwerkstatt"
    page.save_revision().publish()
    assert public("Xylophonwerkstatt") == ["Sitzung Entwurf"]
    assert len(whoosh_searches) == 2  # the publish made the cached empty list invalid


def test_unpublished_or_restricted_page_never_comes_from_the_cache(fachgruppe):
    open_page = add_protokoll(fachgruppe, "Sitzung offen", "Staubschutz beschlossen")
    other = add_protokoll(fachgruppe, "Sitzung zwei", "Staubschutz vertagt")
    assert set(public("Staubschutz")) == {"Sitzung offen", "Sitzung zwei"}

    open_page.unpublish()
    assert public("Staubschutz") == ["Sitzung zwei"]

    # A view restriction does not touch the index: the database check alone hides the page.
    PageViewRestriction.objects.create(page=other, restriction_type=PageViewRestriction.LOGIN)
    assert public("Staubschutz") == []


def test_index_created_again_at_the_same_path_is_a_new_version(backend, whoosh_dir, fachgruppe):
    add_protokoll(fachgruppe, "Sitzung Leiter", "Leiterprüfung besprochen")
    before = index_version(current_searcher(backend.ix).reader())
    assert public("Leiterprüfung") == ["Sitzung Leiter"]

    shutil.rmtree(whoosh_dir)
    add_protokoll(fachgruppe, "Sitzung Gerüst", "Gerüstbau besprochen")  # creates the index anew
    after = index_version(current_searcher(backend.ix).reader())

    assert after != before
    assert public("Leiterprüfung") == []  # not the cached list of the deleted index
    assert public("Gerüstbau") == ["Sitzung Gerüst"]


def test_cache_is_bounded_and_forgets_old_versions():
    cache = HitCache(size=2)
    cache.put(("idx", 1), "a", [(1, 1.0)])
    cache.put(("idx", 1), "b", [(2, 1.0)])
    assert cache.get(("idx", 1), "a") == [(1, 1.0)]  # "a" is now the most recent
    cache.put(("idx", 1), "c", [(3, 1.0)])
    assert cache.get(("idx", 1), "b") is None  # least recently used went
    assert cache.get(("idx", 1), "a") == [(1, 1.0)]
    assert cache.get(("idx", 2), "a") is None  # another version never sees old entries
    cache.put(("idx", 2), "d", [])
    assert cache.get(("idx", 1), "a") is None


def test_ranked_matches_the_loaded_results(fachgruppe):
    for number, body in enumerate(["Gabelstapler", "Gabelstapler Gabelstapler", "Gabelstapler Schulung"]):
        add_protokoll(fachgruppe, f"Sitzung {number}", body)
    results = Page.objects.live().public().search("Gabelstapler").annotate_score("_score")
    loaded = [(page.pk, page._score) for page in results]
    assert len(loaded) == 3
    assert results.ranked(10) == loaded
    assert results.ranked(2) == loaded[:2]
