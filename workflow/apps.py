from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Approval chains of the OM (R1, R10, R11, R21, R22): filled by the workflow issue."""

    name = "workflow"
    verbose_name = "Freigabeverfahren"
    default_auto_field = "django.db.models.BigAutoField"
