"""The benchmark's Protokoll: the search fields of ``om_pages.ProtokollPage``, flat.

A real ``ProtokollPage`` needs a page tree (treebeard paths, revisions), which would make
creating 100,000 of them the slowest part of the bench. This model has the same searchable
text in the same kinds of fields – title (boost 2, as Wagtail's ``Page``), body, attendees,
agenda items with decisions (one text field here instead of ``RelatedFields``), the
attachments' extracted text – and the ``live`` filter the public search applies (R19).
No migrations: the bench creates its table with ``migrate --run-syncdb``.
"""

from django.db import models
from modelsearch import index


class BenchProtokoll(index.Indexed, models.Model):
    title = models.CharField(max_length=255)
    date = models.DateField()
    location = models.CharField(max_length=255, blank=True)
    attendees = models.TextField(blank=True)
    agenda = models.TextField(blank=True)
    body = models.TextField(blank=True)
    attachment_text = models.TextField(blank=True)
    live = models.BooleanField(default=True)

    search_fields = [
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.FilterField("live"),
        index.FilterField("date"),
        index.SearchField("body"),
        index.SearchField("attendees"),
        index.SearchField("agenda"),
        index.AutocompleteField("agenda"),
        index.AutocompleteField("body"),
        index.SearchField("attachment_text"),
        index.AutocompleteField("attachment_text"),
    ]

    def __str__(self) -> str:
        return self.title
