"""Run modelsearch's ``BackendTests`` for Whoosh and for the database backend; print both counts.

Usage: ``python -m search.conformance.run`` (``make conformance``). Exit status 1 when Whoosh
fails a case the database backend passes.
"""

import os
import sys
import unittest


def _outcomes(result: unittest.TestResult) -> dict[str, str]:
    outcome: dict[str, str] = {}
    for test, _ in result.failures + result.errors:
        outcome[test.id().split(" ")[0]] = "fail"
    for test, _ in result.skipped:
        outcome.setdefault(test.id(), "skip")
    for test, _ in result.expectedFailures:
        outcome[test.id()] = "xfail"
    for test in result.unexpectedSuccesses:
        outcome[test.id()] = "xpass"
    return outcome


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "search.conformance.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner

    fixture = os.path.join(settings.FIXTURE_DIRS[0], "search.json")
    if not os.path.exists(fixture):
        print(f"Fixture fehlt: {fixture} (OM_SHARED_DIR setzen)", file=sys.stderr)
        return 2

    from modelsearch.tests.test_sqlite_backend import TestSQLiteSearchBackend

    from search.conformance.test_whoosh_conformance import TestWhooshSearchBackend

    runner = get_runner(settings)(verbosity=0, interactive=False)
    runner.setup_test_environment()
    old_config = runner.setup_databases()
    try:
        counts = {}
        verdicts = {}
        for label, case in (("whoosh", TestWhooshSearchBackend), ("db (sqlite)", TestSQLiteSearchBackend)):
            suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
            result = unittest.TextTestRunner(verbosity=int(os.environ.get("VERBOSITY", "1")),
                                             stream=sys.stderr).run(suite)
            outcome = _outcomes(result)
            # unittest's own arithmetic (a failing subTest counts once per failure), as in
            # /work/shared/conformance/README.md: run - failures - errors - skipped - xfail.
            passed = result.testsRun - len(result.failures) - len(result.errors) - len(
                result.skipped) - len(result.expectedFailures)
            counts[label] = (passed, result.testsRun, result, outcome)
            verdicts[label] = {t.split(".")[-1]: v for t, v in outcome.items()}
    finally:
        runner.teardown_databases(old_config)
        runner.teardown_test_environment()

    for label, (passed, total, result, _outcome) in counts.items():
        print(f"{label:12} passed {passed} of {total} (failures+errors "
              f"{len(result.failures) + len(result.errors)}, skipped {len(result.skipped)}, "
              f"expected failures {len(result.expectedFailures)})")
    db_fail = {name for name, v in verdicts["db (sqlite)"].items() if v != "xpass"}
    regressions = sorted(name for name in verdicts["whoosh"] if name not in db_fail)
    if regressions:
        print("Whoosh fails where the database backend passes: " + ", ".join(regressions))
        return 1
    print("Whoosh passes every case the database backend passes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
