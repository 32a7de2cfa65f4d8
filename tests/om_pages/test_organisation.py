"""D1: whether an organisation is an intermediary follows from its kind, never typed in."""

import pytest

from om_pages.models import Organisation, OrganisationKind

EXPECTED_INTERMEDIARY = {
    OrganisationKind.KOERPERSCHAFT: True,
    OrganisationKind.SOZIALVERSICHERUNG: True,
    OrganisationKind.BILDUNG_FORSCHUNG: True,
    OrganisationKind.VERBAND: True,
    OrganisationKind.GEWERKSCHAFT: True,
    OrganisationKind.UNTERNEHMEN: False,
    OrganisationKind.PRIVATPERSON: False,
}


def test_every_d1_kind_has_an_expectation():
    assert set(EXPECTED_INTERMEDIARY) == set(OrganisationKind)


@pytest.mark.parametrize(("kind", "expected"), EXPECTED_INTERMEDIARY.items())
def test_is_intermediary_per_d1_kind(kind, expected):
    assert Organisation(name="X", kind=kind).is_intermediary is expected


@pytest.mark.django_db
def test_intermediaries_queryset_matches_property():
    for kind in OrganisationKind:
        Organisation.objects.create(name=f"Org {kind}", kind=kind)
    from_query = set(Organisation.objects.intermediaries().values_list("kind", flat=True))
    assert from_query == {k for k, v in EXPECTED_INTERMEDIARY.items() if v}


def test_is_intermediary_is_not_a_stored_field():
    field_names = {field.name for field in Organisation._meta.get_fields()}
    assert "is_intermediary" not in field_names


@pytest.mark.django_db
def test_regional_unit_of_national_partner():
    national = Organisation.objects.create(
        name="Bundesverband", kind=OrganisationKind.VERBAND, is_om_partner=True
    )
    unit = Organisation.objects.create(
        name="Landesverband Nord", kind=OrganisationKind.VERBAND, parent=national
    )
    other = Organisation.objects.create(name="Solo e.V.", kind=OrganisationKind.VERBAND)
    assert unit.is_regional_unit_of_partner
    assert not other.is_regional_unit_of_partner
    assert not national.is_regional_unit_of_partner
