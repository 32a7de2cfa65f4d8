"""The fingerprint of a submitted revision (R10, R11): SHA-256 of its serialised content.

Recorded on the Vorgang when a revision is pinned and on every Eintrag; ``veroeffentlichen``
and the deciding steps compare it with the stored content, so a write that bypassed every
guard (``QuerySet.update``, raw SQL) is still found before anything goes public.
"""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.models import Revision


def content_digest(revision: Revision) -> str:
    """SHA-256 over the revision's content in a canonical JSON form (key order, no spaces).

    Computed from what is stored, so SQLite's and PostgreSQL's JSON round trips agree.
    """
    stored = Revision.objects.filter(pk=revision.pk).values_list("content", flat=True).first()
    return digest_of_content(stored if stored is not None else revision.content)


def digest_of_content(content) -> str:
    """SHA-256 of serialised content (also used by the migration that fingerprints old Vorgänge)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
