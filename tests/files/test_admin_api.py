"""The admin API lists only files the user may see (R19).

Before, every admin login listed every document with its download URL at
``/admin/api/main/documents/``. Now the endpoints (documents and images) keep only collections
in which the user has the add, change or choose permission (superusers: all).
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from wagtail.images import get_image_model

from tests.files.conftest import OTHER_GROUP, OWN_GROUP, collection_of, upload
from tests.sample_files import image_bytes
from tests.workflow.conftest import user


def listed(client, username: str, endpoint: str) -> set[str]:
    client.force_login(user(username))
    titles, offset = set(), 0
    while True:
        response = client.get(f"/admin/api/main/{endpoint}/", {"limit": 20, "offset": offset})
        assert response.status_code == 200
        items = response.json()["items"]
        titles |= {item["title"] for item in items}
        if len(items) < 20:
            return titles
        offset += 20


@pytest.fixture
def files_of_two_groups(demo_home):
    own = upload(collection_of(OWN_GROUP), "eigen.txt", title="Eigene Notiz")
    other = upload(collection_of(OTHER_GROUP), "fremd.txt", title="Fremde Notiz")
    return own, other


def test_a_group_editor_lists_only_its_own_documents(client, files_of_two_groups):
    titles = listed(client, "fg-gefaehrdung", "documents")
    assert "Eigene Notiz" in titles
    assert "Fremde Notiz" not in titles
    assert not any(title.startswith("Anlage zum Protokoll") for title in titles)  # root collection


def test_a_document_of_another_group_has_no_detail_either(client, files_of_two_groups):
    _, other = files_of_two_groups
    client.force_login(user("fg-gefaehrdung"))
    assert client.get(f"/admin/api/main/documents/{other.pk}/").status_code == 404


def test_a_body_member_without_collection_permission_lists_nothing(client, files_of_two_groups):
    assert listed(client, "plenum", "documents") == set()


def test_the_superuser_lists_every_document(client, files_of_two_groups):
    assert {"Eigene Notiz", "Fremde Notiz"} <= listed(client, "admin", "documents")


def test_images_follow_the_same_rule(client, demo_home):
    image = get_image_model()(title="Fremdes Bild", collection=collection_of(OTHER_GROUP))
    image.file.save("fremd.png", ContentFile(image_bytes("PNG")), save=False)
    image.width = image.height = 4
    image.save()
    assert "Fremdes Bild" not in listed(client, "fg-gefaehrdung", "images")
    assert "Fremdes Bild" in listed(client, "admin", "images")
