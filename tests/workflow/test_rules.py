"""One test per rule check: each fails if the rule in workflow/rules.py is removed or weakened."""

import datetime

import pytest

from om_pages.models import (
    FachgruppeMember,
    FachgruppePage,
    JahresberichtPage,
    Organisation,
    OrganisationKind,
    Person,
    ProtokollPage,
)
from tests.purge import purge_as_superuser
from workflow import rule_inputs, rules
from workflow.rules import Severity


@pytest.fixture
def fachgruppe(demo_home):
    """The demo group 'Gefährdungsbeurteilung', which meets every application rule."""
    return FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")


def r17(group):
    """R17 against the groups that hold a topic, as the guard and the report load them."""
    return rules.check_r17_one_group_per_topic(group, rule_inputs.active_fachgruppen())


def r12(group, year):
    return rules.check_r12_yearly_report(group, year, rule_inputs.yearly_reports([group])[group.pk])


def r24(group, year, today):
    return rules.check_r24_meets_twice(group, year, rule_inputs.held_meeting_dates([group])[group.pk],
                                       today=today)


def codes(findings):
    return [f.rule for f in findings if f.severity is Severity.ERROR]


@pytest.mark.django_db
def test_demo_groups_pass_every_application_rule(demo_home):
    for group in FachgruppePage.objects.all():
        findings = rules.check_application(group, rule_inputs.active_fachgruppen())
        assert rules.blocking(findings) == [], group.title


@pytest.mark.django_db
class TestR2TopicInName:
    def test_topic_in_name_passes(self, fachgruppe):
        assert rules.check_r2_topic_in_name(fachgruppe) == []

    def test_umlaut_spelling_variants_match(self, fachgruppe):
        fachgruppe.title = "Fachgruppe Gefaehrdungsbeurteilung"
        assert rules.check_r2_topic_in_name(fachgruppe) == []

    def test_compound_word_matches(self, fachgruppe):
        fachgruppe.topic_area = "Betriebliches Gesundheitsmanagement"
        fachgruppe.title = "Fachgruppe Gesundheit"
        assert rules.check_r2_topic_in_name(fachgruppe) == []

    def test_unrelated_name_fails(self, fachgruppe):
        fachgruppe.title = "Fachgruppe Nord-West"
        findings = rules.check_r2_topic_in_name(fachgruppe)
        assert codes(findings) == ["R2"]
        assert "nicht erkennbar" in findings[0].message

    def test_missing_topic_fails(self, fachgruppe):
        fachgruppe.topic_area = ""
        assert codes(rules.check_r2_topic_in_name(fachgruppe)) == ["R2"]


@pytest.mark.django_db
class TestR3OpenNoFees:
    def test_open_and_free_passes(self, fachgruppe):
        assert rules.check_r3_open_no_fees(fachgruppe) == []

    def test_closed_group_fails(self, fachgruppe):
        fachgruppe.open_to_all_partners = False
        assert codes(rules.check_r3_open_no_fees(fachgruppe)) == ["R3"]

    def test_mandatory_fee_fails(self, fachgruppe):
        fachgruppe.mandatory_fee = True
        assert codes(rules.check_r3_open_no_fees(fachgruppe)) == ["R3"]


@pytest.mark.django_db
class TestR4ThreeIntermediaries:
    def test_three_intermediaries_pass(self, fachgruppe):
        assert rules.check_r4_three_intermediaries(fachgruppe) == []

    def test_two_intermediaries_fail(self, fachgruppe):
        intermediaries = [m for m in fachgruppe.members.all() if m.organisation.is_intermediary]
        FachgruppeMember.objects.filter(pk__in=[m.pk for m in intermediaries[2:]]).delete()
        findings = rules.check_r4_three_intermediaries(FachgruppePage.objects.get(pk=fachgruppe.pk))
        assert codes(findings) == ["R4"]
        assert "Nur 2" in findings[0].message

    def test_companies_do_not_count(self, fachgruppe):
        FachgruppeMember.objects.filter(page=fachgruppe).delete()
        for i in range(5):
            org = Organisation.objects.create(name=f"Firma {i}", kind=OrganisationKind.UNTERNEHMEN)
            FachgruppeMember.objects.create(page=fachgruppe, organisation=org)
        assert codes(rules.check_r4_three_intermediaries(fachgruppe)) == ["R4"]

    def test_unsaved_revision_members_are_counted(self, fachgruppe):
        """The guard reads the revision under review, not only the database rows."""
        revision_object = fachgruppe.save_revision().as_object()
        assert rules.check_r4_three_intermediaries(revision_object) == []


@pytest.mark.django_db
class TestR5TwoContacts:
    def test_two_contacts_one_intermediary_pass(self, fachgruppe):
        assert rules.check_r5_two_contacts(fachgruppe) == []

    def test_missing_moderation_fails(self, fachgruppe):
        fachgruppe.moderation = None
        assert codes(rules.check_r5_two_contacts(fachgruppe)) == ["R5"]

    def test_same_person_twice_fails(self, fachgruppe):
        fachgruppe.moderation = fachgruppe.koordination
        assert codes(rules.check_r5_two_contacts(fachgruppe)) == ["R5"]

    def test_no_intermediary_contact_fails(self, fachgruppe):
        company = Organisation.objects.create(name="Beratung AG", kind=OrganisationKind.UNTERNEHMEN)
        fachgruppe.koordination = Person.objects.create(first_name="A", last_name="B", organisation=company)
        fachgruppe.moderation = Person.objects.create(first_name="C", last_name="D", organisation=company)
        findings = rules.check_r5_two_contacts(fachgruppe)
        assert codes(findings) == ["R5"]
        assert "intermediären" in findings[0].message


@pytest.mark.django_db
class TestR17OneGroupPerTopic:
    def test_unique_topic_passes(self, fachgruppe):
        assert r17(fachgruppe) == []

    def test_same_topic_fails(self, fachgruppe):
        other = FachgruppePage.objects.get(slug="digitalisierung")
        other.topic_area = "gefährdungsbeurteilung"
        other.save()
        assert codes(r17(fachgruppe)) == ["R17"]

    def test_overlapping_topic_is_a_warning(self, fachgruppe):
        other = FachgruppePage.objects.get(slug="digitalisierung")
        other.topic_area = "Gefährdungsbeurteilung psychischer Belastung"
        other.save()
        findings = r17(fachgruppe)
        assert [f.severity for f in findings] == [Severity.WARNING]

    def test_unpublished_group_holds_no_topic(self, fachgruppe):
        other = FachgruppePage.objects.get(slug="digitalisierung")
        other.topic_area = fachgruppe.topic_area
        other.save()
        other.unpublish()
        assert r17(fachgruppe) == []


@pytest.mark.django_db
def test_check_application_reports_every_reason_at_once(fachgruppe):
    fachgruppe.title = "Fachgruppe Nord"
    fachgruppe.mandatory_fee = True
    fachgruppe.moderation = None
    findings = rules.check_application(fachgruppe, rule_inputs.active_fachgruppen())
    assert set(codes(findings)) == {"R2", "R3", "R5"}


@pytest.mark.django_db
class TestR12YearlyReport:
    def test_published_report_passes(self, fachgruppe):
        assert r12(fachgruppe, 2025) == []

    def test_missing_report_fails(self, fachgruppe):
        assert codes(r12(fachgruppe, 2024)) == ["R12"]

    def test_unpublished_report_is_amber(self, fachgruppe):
        JahresberichtPage.objects.child_of(fachgruppe).get(year=2025).unpublish()
        findings = r12(fachgruppe, 2025)
        assert [f.severity for f in findings] == [Severity.WARNING]


@pytest.mark.django_db
class TestR13PartnersJoin:
    def test_non_partner_member_is_named(self, fachgruppe):
        findings = rules.check_r13_partners_join(fachgruppe)
        assert [f.rule for f in findings] == ["R13"]
        assert "Müller & Partner" in findings[0].message
        assert findings[0].severity is Severity.WARNING

    def test_regional_unit_of_partner_is_exempt(self, demo_home):
        group = FachgruppePage.objects.get(slug="fachkraeftesicherung")
        message = rules.check_r13_partners_join(group)[0].message
        assert "Agentur für Arbeit Köln" not in message
        assert "Institut für Mittelstandsforschung" in message

    def test_all_partners_pass(self, fachgruppe):
        Organisation.objects.update(is_om_partner=True)
        assert rules.check_r13_partners_join(FachgruppePage.objects.get(pk=fachgruppe.pk)) == []


@pytest.mark.django_db
class TestR24MeetsTwice:
    def test_two_protokolle_pass(self, fachgruppe):
        assert r24(fachgruppe, 2025, today=datetime.date(2026, 11, 25)) == []

    def test_one_protokoll_in_past_year_fails(self, fachgruppe):
        purge_as_superuser(ProtokollPage.objects.child_of(fachgruppe).filter(date__year=2025).first())
        findings = r24(fachgruppe, 2025, today=datetime.date(2026, 11, 25))
        assert codes(findings) == ["R24"]

    def test_current_year_short_is_amber(self, fachgruppe):
        ProtokollPage.objects.child_of(fachgruppe).filter(date__year=2026).first().unpublish()
        findings = r24(fachgruppe, 2026, today=datetime.date(2026, 11, 25))
        assert [f.severity for f in findings] == [Severity.WARNING]
