"""Fuzzing the approval-chain steps (issue 6; R1, R10, R11, R21, R22)."""

from __future__ import annotations

import pytest

from tests.workflow.conftest import form_data, make_vorgang, user
from workflow.models import Vorgang

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [str(2**63), str(10**40), str(-(2**63) - 1), "9" * 5000])
def test_protokoll_id_beyond_64_bits_is_an_invalid_choice(demo_home, client, value):
    """Found by the fuzzer: such an id was a 500 on SQLite (OverflowError), now the usual German error."""
    vorgang = make_vorgang("produkt", "im_plenum")
    client.force_login(user("plenum"))
    data = {**form_data(vorgang, "plenum_beschliessen"), "protokoll": value}
    response = client.post(f"/admin/freigabe/{vorgang.page_id}/plenum_beschliessen/", data)
    assert response.status_code == 400
    assert "Bitte ein Protokoll dieses Gremiums wählen." in response.content.decode()
    assert Vorgang.objects.get(pk=vorgang.pk).state == "im_plenum" and not vorgang.eintraege.exists()
