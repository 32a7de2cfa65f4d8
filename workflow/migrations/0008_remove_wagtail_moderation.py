"""One approval system: remove Wagtail's default "Moderators approval" workflow (R10, R11).

Wagtail's migration 0048 turned the "Moderators" group's publish permission on the root page
into a workflow "Moderators approval" with a group-approval task of the same name, assigned to
the root page. It offered group editors "In Moderators approval einreichen" on Protokolle, its
reviewer group was empty, one click locked the page, and a second to-do list appeared beside
"Zur Entscheidung". Decisions are taken in the Vorgänge of ``workflow.machines`` only, so every
Wagtail workflow, task, assignment and workflow state goes; ``WAGTAIL_WORKFLOW_ENABLED = False``
(cms/settings.py) keeps new ones from being offered. Deleting is idempotent: safe on a fresh
database and on one where they are gone already. There is nothing to restore on the way back.
"""

from django.db import migrations


def remove_wagtail_workflows(apps, schema_editor) -> None:
    for model in ("WorkflowState", "WorkflowPage", "WorkflowContentType", "WorkflowTask",
                  "Workflow", "Task"):  # states first (they lock pages); Task takes its subtypes
        apps.get_model("wagtailcore", model).objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0007_body_page_rights"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(remove_wagtail_workflows, migrations.RunPython.noop)]
