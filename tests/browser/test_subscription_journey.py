"""A visitor subscribes to a saved search from /suche/, confirms through the link in the mail and
unsubscribes, in a real Chromium (issue 16, R14). The live server shares ``mail.outbox``."""

import re

import pytest
from django.core import mail

from workflow.subscriptions import Abonnement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_to_a_search_confirm_and_unsubscribe(demo_home, browser_page, screenshot):
    page = browser_page
    page.goto("/suche/?q=Gef%C3%A4hrdungsbeurteilung&jahr=2025")
    form = page.get_by_role("form", name="Diese Suche abonnieren")
    form.get_by_label("E-Mail-Adresse").fill("leserin@example.org")
    form.get_by_label("Wie oft?").select_option("taeglich")
    form.get_by_role("button", name="Suche abonnieren").click()
    page.get_by_role("heading", name="Fast geschafft").wait_for()
    screenshot(page, "abo-01-angefordert")  # (a full-page shot before the click made it miss)
    abo = Abonnement.objects.get(email="leserin@example.org")
    assert not abo.is_active and abo.search == "q=Gef%C3%A4hrdungsbeurteilung&jahr=2025"

    [confirmation] = [m for m in mail.outbox if m.to == ["leserin@example.org"]]
    link = re.search(r"https?://[^/\s]+(/abo/bestaetigen/[^\s]+/)", confirmation.body).group(1)
    page.goto(link)
    page.get_by_role("heading", name="Abonnement bestätigen").wait_for()
    assert not Abonnement.objects.get(pk=abo.pk).is_active  # opening the link is not enough
    page.get_by_role("button", name="Abonnement bestätigen").click()
    page.get_by_role("heading", name="Abonnement bestätigt").wait_for()
    assert Abonnement.objects.get(pk=abo.pk).is_active
    screenshot(page, "abo-02-bestaetigt")

    page.get_by_role("link", name="Abonnement abbestellen").click()
    page.get_by_role("heading", name="Abonnement abbestellen").wait_for()
    assert Abonnement.objects.get(pk=abo.pk).is_active  # opening the page is not enough
    page.get_by_role("button", name="Abonnement abbestellen").click()
    page.get_by_role("heading", name="Abonnement abbestellt").wait_for()
    assert Abonnement.objects.get(pk=abo.pk).unsubscribed_at is not None
    screenshot(page, "abo-03-abbestellt")
