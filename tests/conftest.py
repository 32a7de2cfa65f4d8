"""Shared fixtures: the demo site as the realistic baseline for most tests."""

import datetime

import pytest

from om_pages.demo.loader import load_demo_content

DEMO_TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def demo_home(db):
    """The full demo site (fixed 'today', so years and counts are stable)."""
    return load_demo_content(today=DEMO_TODAY)
