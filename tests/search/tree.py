"""Page-tree helpers of the search backend tests (plain functions, no fixtures)."""

import datetime

from om_pages.models.pages import ProtokollPage
from search.backends.whoosh import current_searcher, document_key


def indexed_keys(backend) -> set[str]:
    """Keys of all documents in the index, read straight from Whoosh or from PostgreSQL's
    index table (``index_key``)."""
    if hasattr(backend, "ix"):
        return {fields["key"] for fields in current_searcher(backend.ix).documents()}
    from modelsearch.conf import get_app_config

    IndexEntry = get_app_config().get_model("IndexEntry")  # noqa: N806 - wagtail.search's model
    return {f"{ct}:{pk}" for ct, pk in IndexEntry.objects.values_list("content_type_id", "object_id")}


def index_key(backend, obj) -> str:
    """The key of ``obj`` in the index of ``backend`` (see ``indexed_keys``)."""
    if hasattr(backend, "ix"):
        return document_key(obj)
    from modelsearch.utils import get_content_type_pk

    return f"{get_content_type_pk(type(obj))}:{obj.pk}"


def add_protokoll(parent, title: str, body: str = "", *, live: bool = True, **fields) -> ProtokollPage:
    """A ProtokollPage under ``parent``; ``live=False`` makes a draft that was never published."""
    page = ProtokollPage(
        title=title, date=fields.pop("date", datetime.date(2026, 3, 12)), body=body, live=live, **fields
    )
    return parent.add_child(instance=page)


def titles(results) -> list[str]:
    return [page.title for page in results]
