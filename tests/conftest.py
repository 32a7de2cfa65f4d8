"""Shared fixtures: the demo site, loaded once per test database, as the realistic baseline.

The demo content is created in ``django_db_setup`` (once per session); every ``db`` test runs
in a transaction that is rolled back, so each test sees the pristine demo site. Transactional
tests flush the database and run last (pytest-django orders them so); ``demo_home`` reloads
the content for them when it is gone.
"""

import datetime

import pytest

from om_pages.demo.loader import load_demo_content
from om_pages.models import HomePage

DEMO_TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo_content(today=DEMO_TODAY)


@pytest.fixture
def demo_home(db):
    """The full demo site (fixed 'today', so years and counts are stable)."""
    return HomePage.objects.first() or load_demo_content(today=DEMO_TODAY)
