# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the checks of the kernel suite share. Unlike tests/vm/checks.py's,
check() prints its detail on every line, the figures of a pass as well as
a failure's; todo() reports a target the series does not reach yet, never
a failure; skip() ends the whole check with exit status 77, for a kernel
without the patches or a bed without what the check needs; done() prints
the closing PASS or FAIL line and gives the exit status."""
import subprocess
import sys

failures = 0


def check(ok, what, detail=''):
    global failures
    print(('ok   - ' if ok else 'FAIL - ') + what +
          (f': {detail}' if detail else ''), flush=True)
    if not ok:
        failures += 1


def todo(needs):
    """A target the series does not reach yet: reported, not failed."""
    def report(ok, what, detail=''):
        print(('ok   - ' if ok else 'TODO - ') + what +
              (f': {detail}' if detail else '') +
              ('' if ok else f' (needs {needs}, not in the series)'),
              flush=True)
    return report


def skip(why):
    print(f'SKIP: {why}', flush=True)
    sys.exit(77)


def done():
    print(f'\n{"FAIL" if failures else "PASS"}: {failures} failure(s)')
    return 1 if failures else 0


def run(*args, check_rc=True):
    """@args' stdout; with @check_rc, an exit status other than 0 raises
    RuntimeError with the command and its stderr."""
    p = subprocess.run(args, capture_output=True, text=True)
    if check_rc and p.returncode != 0:
        raise RuntimeError(f'{" ".join(args)}: rc {p.returncode}: '
                           f'{p.stderr.strip()}')
    return p.stdout
