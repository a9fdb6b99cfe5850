# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the Python checks of the VM bed share: TAP-like lines and their
count. check() and skip() print "ok   - ", "FAIL - " or "skip - " lines;
done() prints the closing count and gives the exit status. run(),
as_list(), direct_status() and own_state_dir() run the commands whose
output the checks read."""
import json
import os
import subprocess
import tempfile

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


def own_state_dir():
    """Gives the commands the check runs a DAXMAP_STATE_DIR of their own,
    new and empty, away from the bed's."""
    os.environ['DAXMAP_STATE_DIR'] = tempfile.mkdtemp(prefix='daxmap-state-')


def run(*argv, ok=True):
    """@argv's CompletedProcess, output as text; with @ok, an exit status
    other than 0 ends the check (SystemExit) with the command and its
    stderr."""
    p = subprocess.run(argv, capture_output=True, text=True)
    if ok and p.returncode:
        raise SystemExit(f'{" ".join(argv)}: exit {p.returncode}: '
                         f'{p.stderr.strip()}')
    return p


def as_list(out):
    """The JSON that ndctl, daxctl or cxl print in @out as a list: one
    object comes bare, none as no output."""
    j = json.loads(out) if out.strip() else []
    return j if isinstance(j, list) else [j]


def direct_status(ctl):
    """daxmapctl --direct status --json of the daxmapctl at @ctl, parsed."""
    return json.loads(run(ctl, '--direct', 'status', '--json').stdout)
