# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the Python checks of the VM bed share: TAP-like lines and their
count. check() and skip() print "ok   - ", "FAIL - " or "skip - " lines;
done() prints the closing count and gives the exit status."""

failures = 0
skipped = 0


def check(ok, what, detail=''):
    """A failure's line carries @detail; says whether @ok, for checks that
    go on only if it holds."""
    global failures
    print(('ok   - ' if ok else 'FAIL - ') + what +
          (f': {detail}' if detail and not ok else ''), flush=True)
    if not ok:
        failures += 1
    return ok


def skip(what, why):
    global skipped
    print(f'skip - {what}: {why}', flush=True)
    skipped += 1


def done():
    print(f'{failures} failed' + (f', {skipped} skipped' if skipped else ''),
          flush=True)
    return 1 if failures else 0
