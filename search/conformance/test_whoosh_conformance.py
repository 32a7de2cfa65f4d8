"""``BackendTests`` for the Whoosh backend; every skip says why (STYLE.md habit 2)."""

from django.test import TestCase
from modelsearch.tests.test_backends import BackendTests


class TestWhooshSearchBackend(BackendTests, TestCase):
    backend_path = "search.backends.whoosh"
