"""Whatever a user types, searching never raises (hypothesis, few examples, no deadline)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page

from .tree import add_protokoll

pytestmark = pytest.mark.django_db

queries = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60
) | st.sampled_from(['"', "AND OR NOT", "*", "ä*", "()", "-", "~2", "\x00", "ß" * 50, "Gefähr dung"])


@pytest.fixture
def some_pages(fachgruppe):
    add_protokoll(fachgruppe, "Sitzung Fuzz", "Gefährdungsbeurteilung und Arbeitsschutz")
    return fachgruppe


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_any_query_string_is_safe(some_pages, backend, query):
    results = Page.objects.live().public().search(query)
    assert results.count() == len(list(results))
    assert isinstance(list(Page.objects.live().autocomplete(query)), list)
    suggestion = backend.suggest(query)
    assert suggestion is None or isinstance(suggestion, str)
    assert "<script" not in backend.highlight("<script>x</script> Arbeitsschutz", query)
