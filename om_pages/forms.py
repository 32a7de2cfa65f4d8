"""Admin forms that accept only files the user may choose (R19).

Wagtail's document and image choosers list only collections with the ``choose`` permission,
but the page and snippet forms take any id that is posted. ``ReferencedFilesFormMixin``
checks on the server, for the form and each inline form, every document and image the
submission references (foreign keys, rich text links and embeds, StreamField blocks): a file
*newly* referenced must lie in a collection the user may choose from. A file the page already
referenced when the form was opened (e.g. attached by the Redaktion) stays, so an editor's
unrelated change is not refused.

Every page type of om_pages uses ``OMPageForm`` as its ``base_form_class`` (the workflow's
``FachgruppePageForm`` extends it), every snippet ``OMSnippetForm``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from om_pages import files

MESSAGES = {
    "document": ("Das Dokument „{title}“ liegt in einer Sammlung, aus der Sie keine Dokumente "
                 "auswählen dürfen (R19: jede Fachgruppe verwendet ihre eigenen Dateien)."),
    "image": ("Das Bild „{title}“ liegt in einer Sammlung, aus der Sie keine Bilder auswählen "
              "dürfen (R19: jede Fachgruppe verwendet ihre eigenen Dateien)."),
}


def _child_forms(form):
    """(inline form) for each kept form of each formset, nested formsets included."""
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            if formset.can_delete and formset._should_delete_form(child):
                continue
            yield child
            yield from _child_forms(child)


def _previous_references(form) -> set[tuple[type, int]]:
    """Files the instance referenced when the form was opened (page: its newest revision)."""
    instance = form.instance
    if instance is None or instance.pk is None:
        return set()
    return files.object_references(instance, getattr(form, "formsets", {}).keys())


class ReferencedFilesFormMixin:
    """Refuse newly referenced documents and images the user may not choose; errors at the field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Before validation changes the instance: what was there stays allowed.
        self._files_before = _previous_references(self)
        self._files_checked = False
        self._files_refused = False

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not self._files_checked:  # Wagtail's views may ask more than once
            self._files_checked = True
            user = getattr(self, "for_user", None)  # Wagtail's admin views always set it
            self._files_refused = user is not None and any(
                [self._check_files(form, user) for form in (self, *_child_forms(self))])
        return valid and not self._files_refused

    def _check_files(self, form, user) -> bool:
        """Add a German error at each field of ``form`` that newly references a refused file."""
        cleaned = getattr(form, "cleaned_data", None) or {}
        model = form._meta.model
        by_field: dict[str, set[tuple[type, int]]] = {}
        for name, value in cleaned.items():
            new = set(files.field_references(model, name, value)) - self._files_before
            if new:
                by_field[name] = new
        if not by_field:
            return False
        wanted: dict[type, set[int]] = {}
        for refs in by_field.values():
            for file_model, pk in refs:
                wanted.setdefault(file_model, set()).add(pk)
        allowed = {(m, pk) for m, ids in wanted.items() for pk in files.choosable_ids(user, m, ids)}
        refused_any = False
        for name, refs in by_field.items():
            for file_model, pk in sorted(refs - allowed, key=lambda ref: ref[1]):
                obj = file_model.objects.filter(pk=pk).first()
                kind = "document" if file_model is files.file_models()[0] else "image"
                title = obj.title if obj is not None else f"#{pk}"
                form.add_error(name, MESSAGES[kind].format(title=title))
                refused_any = True
        return refused_any


class SlugClashMixin:
    """Name the page that holds the address, with a link, at the top and at the slug.

    Wagtail reports a clash only at the slug field on the "Veröffentlichung" tab; an editor
    who restarted a Protokoll (autosave had already made a draft of the first attempt) saw
    the publish fail on a tab they were not looking at.
    """

    def clean(self):
        slug = self.cleaned_data.get("slug")  # Wagtail's clean drops it from cleaned_data on a clash
        cleaned = super().clean()
        parent = getattr(self, "parent_page", None)
        if not slug or parent is None or "slug" not in self.errors:
            return cleaned
        holder = (parent.get_children().filter(slug=slug)
                  .exclude(pk=getattr(self.instance, "pk", None)).first())
        if holder is None:
            return cleaned
        state = "veröffentlichte Seite" if holder.live else "Entwurf"
        message = format_html(
            "Die Adresse „{}“ ist schon vergeben: an den {} „{}“ (<a href=\"{}\">öffnen</a>). "
            "Bitte jenen Entwurf weiterbearbeiten oder hier eine andere Kurzform wählen "
            "(Reiter „Veröffentlichung“).",
            slug, state, holder.title, reverse("wagtailadmin_pages:edit", args=(holder.pk,)))
        self.errors.pop("slug")
        self.add_error("slug", message)
        self.add_error(None, message)
        return cleaned


class OMPageForm(ReferencedFilesFormMixin, SlugClashMixin, WagtailAdminPageForm):
    """The admin form of every om_pages page type."""


class OMSnippetForm(ReferencedFilesFormMixin, WagtailAdminModelForm):
    """The admin form of every om_pages snippet."""
