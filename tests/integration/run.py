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

A module whose text has the line `# ctest: one entry per test` gets one ctest entry per test
(tests/CMakeLists.txt asks `run.py --list MODULE` at configure time), so each of its long
scenarios has ctest's whole timeout to itself.

--timeout SECONDS: a watchdog set below ctest's TIMEOUT. When it fires, every thread's stack is
printed and the running test fails with WatchdogTimeout, so its tearDown runs and prints the daemons'
logs; a ctest timeout would kill the process and show nothing of where it waited.

Usage: run.py [--timeout SECONDS] MODULE [MODULE.Class.test ...]  (names as
       unittest.loadTestsFromName takes them)
       run.py --list MODULE  (prints the module's test ids, one per line)"""

import faulthandler
import signal
import sys
import unittest

SKIPPED = 77


def test_ids(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from test_ids(t)
        else:
            yield t.id()


class WatchdogTimeout(BaseException):
    """Not an Exception (nor an OSError, as TimeoutError is), so no helper's `except OSError` or
    `except Exception` retry loop swallows it; unittest records it as the test's error."""


def arm_watchdog(seconds):
    def fire(signum, frame):
        print(f"\nrun.py: still running after {seconds}s; every thread's stack:", flush=True)
        faulthandler.dump_traceback(file=sys.stdout, all_threads=True)
        raise WatchdogTimeout(f"run.py --timeout {seconds}: the test did not end in time")
    signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)


def main(argv):
    loader = unittest.defaultTestLoader
    if len(argv) == 3 and argv[1] == "--list":
        for i in test_ids(loader.loadTestsFromName(argv[2])):
            print(i)
        return 0
    if len(argv) > 2 and argv[1] == "--timeout":
        arm_watchdog(int(argv[2]))
        argv = argv[:1] + argv[3:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        suite = unittest.TestSuite(loader.loadTestsFromName(n) for n in argv[1:])
    except unittest.SkipTest as e:  # raised at module import
        print(f"SKIPPED {' '.join(argv[1:])}: {e}")
        return SKIPPED
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    signal.alarm(0)
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
