from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Approval chains of the OM (R1, R10, R11, R19, R21, R22): machines, guards, record, access."""

    name = "workflow"
    verbose_name = "Freigabeverfahren"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the receivers and register into om_pages' hook points.

        The imports sit here, as Django requires for modules that import models: ``apps.py``
        is imported before the models are loaded.
        """
        from django.db.models.signals import post_save, pre_delete, pre_save
        from django_fsm.signals import post_transition
        from wagtail.models import Page, Revision
        from wagtail.signals import page_published

        from om_pages.extension import register_calendar_source, register_group_status
        from om_pages.models import FachgruppePage, GremiumPage, ProtokollPage
        from om_pages.signals import demo_content_loaded
        from workflow import (
            body_pages,
            decided_page_form,
            demo,
            freeze,
            group_publishing,
            group_status,
            invitation,
            page_forms,
            protokoll_sitzung,
            publishing,
            records,
            sitzung_feed,
        )
        from workflow.sitzung import Sitzung

        # After every step (like DCWorkflow's subscribers): the record first, then R19 access.
        post_transition.connect(records.record_transition, dispatch_uid="workflow.record")
        post_transition.connect(records.update_access, dispatch_uid="workflow.access")
        for model in (*publishing.GATED_PAGE_TYPES, Page):  # Page: saves via a plain Page instance
            pre_save.connect(publishing.guard_live_revision, sender=model,
                             dispatch_uid=f"workflow.guard.{model.__name__}")
        # R1, R26: only a group recognised (now or once) has a public page.
        for model in (FachgruppePage, Page):
            pre_save.connect(group_publishing.guard_group_publication, sender=model,
                             dispatch_uid=f"workflow.group_guard.{model.__name__}")
        # R10, R11: a submitted revision is never rewritten (edit view, autosave, API, code).
        pre_save.connect(freeze.guard_frozen_revision, sender=Revision, dispatch_uid="workflow.freeze")
        pre_delete.connect(freeze.guard_frozen_revision_delete, sender=Revision,
                           dispatch_uid="workflow.freeze.delete")
        # Every Protokoll belongs to a Sitzung; publishing it closes the Sitzung (R24).
        post_save.connect(protokoll_sitzung.attach_sitzung, sender=ProtokollPage,
                          dispatch_uid="workflow.protokoll_sitzung")
        page_published.connect(protokoll_sitzung.close_sitzung, sender=ProtokollPage,
                               dispatch_uid="workflow.protokoll_sitzung.close")
        # R19: each body writes the Protokolle under its own GremiumPage, not the page itself.
        post_save.connect(body_pages.sync_body_page_rights, sender=GremiumPage,
                          dispatch_uid="workflow.body_page_rights")
        body_pages.register_body_page_tester()
        # A change to an invited Sitzung (time, place, link, agenda) sends an update (R24).
        post_save.connect(invitation.schedule_update_check, sender=Sitzung,
                          dispatch_uid="workflow.sitzung_invitation_update")
        # Upcoming Sitzungen in the public iCal feeds: date, time, place, body only (R19).
        register_calendar_source(sitzung_feed.public_sitzung_events)
        publishing.register_permission_testers()  # R10, R11: only the decided revision goes live
        # R21, R22, R26: the public list and the group's page show its status.
        register_group_status(group_status.public_group_statuses)
        group_publishing.register_group_tester()
        page_forms.register_fachgruppe_form()  # R2, R17, R21 on every edit of a Fachgruppe page
        decided_page_form.register_decided_page_form()  # R10, R11: no go-live time in the editor
        demo_content_loaded.connect(demo.load_demo_workflow, dispatch_uid="workflow.demo")
