"""ctest's entry to one integration module: runs it as `python3 -m unittest -v NAME` would and
tells ctest "skipped" (exit 77, SKIP_RETURN_CODE in tests/CMakeLists.txt) instead of "passed".

ctest says one thing per module. The rule:
  - a test failed or errored                          -> exit 1 (failed)
  - no test passed and at least one was skipped
    (every test skipped, a class skipped in setUpClass,
    or the whole module raised unittest.SkipTest)     -> exit 77 (skipped)
  - otherwise (some passed, maybe some skipped)       -> exit 0 (passed); the skipped tests and
                                                         their reasons are printed last
  - no test at all                                    -> exit 1 (a module without tests is a mistake)

Usage: run.py MODULE [MODULE.Class.test ...]  (names as unittest.loadTestsFromName takes them)."""

import sys
import unittest

SKIPPED = 77


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    loader = unittest.defaultTestLoader
    try:
        suite = unittest.TestSuite(loader.loadTestsFromName(n) for n in argv[1:])
    except unittest.SkipTest as e:  # raised at module import
        print(f"SKIPPED {' '.join(argv[1:])}: {e}")
        return SKIPPED
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    # A skip of one test counts in testsRun; a class skipped in setUpClass does not.
    skipped_tests = sum(1 for t, _ in result.skipped if isinstance(t, unittest.TestCase))
    passed = (result.testsRun - skipped_tests - len(result.failures) - len(result.errors)
              - len(result.expectedFailures) - len(result.unexpectedSuccesses))
    for test, reason in result.skipped:
        print(f"skipped: {test}: {reason}")
    if not result.wasSuccessful():
        return 1
    if passed == 0 and result.skipped:
        print(f"SKIPPED {' '.join(argv[1:])}: no test passed, {len(result.skipped)} skipped")
        return SKIPPED
    if result.testsRun == 0:
        print(f"no tests in {' '.join(argv[1:])}", file=sys.stderr)
        return 1
    print(f"{passed} passed, {len(result.skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
