"""pg_trgm for "Meinten Sie …?" on the PostgreSQL search backend (issue 18).

A no-op on other databases. pg_trgm is a trusted extension (PostgreSQL 13+): the owner of
the database may create it, no superuser needed.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("om_search", "0002_extraction_status_and_reason")]

    operations = [TrigramExtension()]
