"""Two people pressing the same button: exactly one wins (ConcurrentTransitionMixin, PostgreSQL)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from workflow.models import Anerkennung, Eintrag, Vorgang
from workflow.services import TransitionConflict, TransitionError, perform_transition

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_transition_from_many_threads():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    group, _ = Group.objects.get_or_create(name="Leitungskreis")
    member = get_user_model().objects.create_user("lk-race", "lk-race@example.org", "x")
    member.groups.add(group)
    vorgang = Anerkennung.objects.create(page=None, page_title="Wettlauf", state="beim_leitungskreis")
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def press():
        from django.db import connection as thread_connection

        try:
            mine = Vorgang.objects.get(pk=vorgang.pk)
            barrier.wait(timeout=30)
            perform_transition(mine, "lk_weiterleiten", member, notify=False)
            outcome = "ok"
        except TransitionConflict as exc:  # a lost race has its own type (the view answers 409)
            outcome = "conflict:" + " ".join(exc.messages)
        except TransitionError as exc:
            outcome = "error:" + " ".join(exc.messages)
        finally:
            thread_connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=press) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results.count("ok") == 1, results
    errors = [r for r in results if r != "ok"]
    assert len(errors) == THREADS - 1
    assert all(e.startswith("conflict:") and "inzwischen" in e or "nicht möglich" in e
               for e in errors), errors
    assert Vorgang.objects.get(pk=vorgang.pk).state == "in_ag_transfer"
    assert Eintrag.objects.filter(vorgang_id=vorgang.pk).count() == 1
