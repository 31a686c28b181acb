# SPDX-License-Identifier: Apache-2.0
"""Runs the tests/e2e/test_*.py modules named (all of them by default) and ends with the line
'e2e: N passed, N failed, N skipped'.

Each module starts its own stack on its own port and spends most of its time waiting for servers
and volumes to change state by the clock, so several modules run at once, each in its own process;
a module's output is printed whole when it ends. JUMPGATE_E2E_JOBS sets how many run at once.
"""
import concurrent.futures
import importlib
import inspect
import json
import os
import subprocess
import sys
import time
import unittest

here = os.path.dirname(os.path.abspath(__file__))
SUMMARY = "e2e-module-summary: "
UNIT_SECONDS = 900  # a unit that hangs fails, and the others still report


def run_module(name):
    """In the child: run one module, its report on stderr, its counts as the last line of stdout."""
    sys.path.insert(0, here)
    suite = unittest.defaultTestLoader.loadTestsFromName(name)
    if os.environ.get("JUMPGATE_E2E_SANITIZED"):
        suite = sanitized_part(suite)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    # A worker's sanitizer report fails the module even when every answer was right (a leak, a UBSan error).
    import stack
    for report in stack.sanitizer_reports:
        print("=" * 70 + f"\nFAIL: a sanitizer's report in a worker's stderr, {report}", file=sys.stderr, flush=True)
        failed += 1
    print(SUMMARY + json.dumps({"passed": passed, "failed": failed, "skipped": skipped, "run": result.testsRun}),
          flush=True)
    return 0


def sanitized_part(suite):
    """The suite without the tests of classes that set SANITIZED_RUN = False (see units())."""
    kept = unittest.TestSuite()
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            kept.addTest(sanitized_part(test))
        elif getattr(type(test), "SANITIZED_RUN", True):
            kept.addTest(test)
    return kept


def spawn(name):
    started = time.monotonic()
    try:
        child = subprocess.run([sys.executable, os.path.abspath(__file__), "--module", name],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=UNIT_SECONDS)
        output, returncode = child.stdout, child.returncode
    except subprocess.TimeoutExpired as e:
        output, returncode = (e.stdout or b"").decode(errors="replace"), f"timeout after {UNIT_SECONDS} s"
    counts = None
    report = []
    for line in output.splitlines():
        if line.startswith(SUMMARY):
            counts = json.loads(line[len(SUMMARY):])
        else:
            report.append(line)
    if counts is None:  # the module did not load, or its process died
        report.append(f"{name}: ended ({returncode}) before reporting")
        counts = {"passed": 0, "failed": 1, "skipped": 0, "run": 0}
    return name, "\n".join(report), counts, time.monotonic() - started


def failures_of(report):
    """The FAIL and ERROR sections of a unittest report (its last lines when it has none: a unit
    that died or hung)."""
    lines, keep, kept = report.splitlines(), False, []
    for i, line in enumerate(lines):
        if line.startswith("=" * 70) and i + 1 < len(lines) and lines[i + 1].startswith(("FAIL:", "ERROR:")):
            keep = True
        elif line.startswith("Ran ") and " test" in line:
            keep = False
        if keep:
            kept.append(line)
    return "\n".join(kept or lines[-40:])


def units():
    """Every module, or every class of a module that sets RUN_CLASSES_APART (each then with a stack of its
    own), the longest first so the short ones fill in around them; the length of the source stands in for
    how long it runs. Under the sanitizers (JUMPGATE_E2E_SANITIZED, set by make check-asan), a module that
    (or a class) that sets SANITIZED_RUN = False is left out: it would check nothing the sanitizers watch, or
    only what the other units already send through them (a class that drives a client sends the requests the
    raw-API classes beside it send)."""
    sys.path.insert(0, here)
    sanitized = bool(os.environ.get("JUMPGATE_E2E_SANITIZED"))
    weighed = []
    for module_name in sorted(f[:-3] for f in os.listdir(here) if f.startswith("test_") and f.endswith(".py")):
        module = importlib.import_module(module_name)
        if sanitized and not getattr(module, "SANITIZED_RUN", True):
            print(f"=== {module_name}: left out under the sanitizers", flush=True)
            continue
        if getattr(module, "RUN_CLASSES_APART", False):
            for name, value in vars(module).items():
                if not (isinstance(value, type) and issubclass(value, unittest.TestCase)
                        and value.__module__ == module_name):
                    continue
                if sanitized and not getattr(value, "SANITIZED_RUN", True):
                    print(f"=== {module_name}.{name}: left out under the sanitizers", flush=True)
                    continue
                weighed.append((len(inspect.getsource(value)), f"{module_name}.{name}"))
        else:
            weighed.append((len(inspect.getsource(module)), module_name))
    return [name for _, name in sorted(weighed, reverse=True)]


def main(argv):
    if argv[:1] == ["--module"]:
        return run_module(argv[1])
    names = argv or units()
    jobs = int(os.environ.get("JUMPGATE_E2E_JOBS", 3 * (os.cpu_count() or 1)))
    totals = {"passed": 0, "failed": 0, "skipped": 0, "run": 0}
    failing = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for future in concurrent.futures.as_completed([pool.submit(spawn, n) for n in names]):
            name, report, counts, seconds = future.result()
            print(f"=== {name} ({seconds:.0f} s)\n{report}", flush=True)
            for k in totals:
                totals[k] += counts[k]
            if counts["failed"]:
                failing.append((name, report))
    # Again at the end, where the tail of a long log (all that CI shows) finds them.
    for name, report in failing:
        print(f"=== failed: {name}\n{failures_of(report)}", flush=True)
    print(f"e2e: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if totals["failed"] or totals["run"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
