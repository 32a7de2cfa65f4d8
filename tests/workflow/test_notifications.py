"""E-mail on every transition to the body that acts next and the group's contacts."""

import pytest
from django.core import mail

from tests.workflow.conftest import complete_decision, make_vorgang, user
from workflow.services import perform_transition

CONTACTS = {"a.keller@example.org", "t.brandt@example.org"}  # Gefährdungsbeurteilung (R5)


def run(vorgang, name, username, capture):
    with capture(execute=True):
        perform_transition(vorgang, name, user(username), **complete_decision(vorgang, name))
    assert len(mail.outbox) == 1
    return mail.outbox[0]


@pytest.mark.django_db
def test_submission_mails_ag_transfer_and_contacts(demo_home, django_capture_on_commit_callbacks):
    message = run(make_vorgang("produkt", "entwurf"), "einreichen", "fg-gefaehrdung",
                  django_capture_on_commit_callbacks)
    assert set(message.to) == {"agtransfer@example.org"} | CONTACTS
    assert "In der AG Transfer" in message.subject
    assert "Als Nächstes ist am Zug: AG Transfer" in message.body


@pytest.mark.django_db
def test_plenum_decision_mails_redaktion(demo_home, django_capture_on_commit_callbacks):
    message = run(make_vorgang("produkt", "im_plenum"), "plenum_beschliessen", "plenum",
                  django_capture_on_commit_callbacks)
    assert set(message.to) == {"redaktion@example.org"} | CONTACTS
    assert "20 Ja, 3 Nein, 1 Enthaltungen" in message.body


@pytest.mark.django_db
def test_dissolution_informs_the_plenum(demo_home, django_capture_on_commit_callbacks):
    message = run(make_vorgang("anerkennung", "anerkannt"), "aufloesung_bekanntgeben", "agtransfer",
                  django_capture_on_commit_callbacks)
    assert "plenum@example.org" in message.to  # R21: the Plenum is informed


@pytest.mark.django_db
def test_refused_step_sends_nothing(demo_home, django_capture_on_commit_callbacks):
    from django.core.exceptions import PermissionDenied

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        perform_transition(make_vorgang("produkt", "in_ag_transfer"), "ag_zustimmen", user("plenum"))
    assert mail.outbox == []


class RefusingBackend:
    """A mail server that refuses every message (stands in for SMTP being down)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP-Server nicht erreichbar")


@pytest.mark.django_db
def test_mail_failure_keeps_the_step_and_is_logged(demo_home, django_capture_on_commit_callbacks,
                                                    settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    vorgang = make_vorgang("produkt", "entwurf")
    with caplog.at_level("ERROR", logger="workflow"), django_capture_on_commit_callbacks(execute=True):
        perform_transition(vorgang, "einreichen", user("fg-gefaehrdung"),
                           **complete_decision(vorgang, "einreichen"))
    vorgang.refresh_from_db()
    assert vorgang.state == "in_ag_transfer"  # the decision stands
    assert [entry.target for entry in vorgang.entries()][-1] == "in_ag_transfer"
    failures = [r for r in caplog.records if "nicht versandt" in r.getMessage()]
    assert len(failures) == 1 and "agtransfer@example.org" in failures[0].getMessage()
    assert failures[0].exc_info is not None
