#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The provisioning paths under AddressSanitizer and UBSan: run in the VM
bed (root, one empty labelled region) with the daxmapctl of a
-Db_sanitize=address,undefined build:

- a create, a create killed at its 'sized' step (DAXMAP_TEST_CRASH_AT),
  the recovery the next run does, a destroy;
- each run exits as it should, and none prints a sanitizer report (a
  leak included: LeakSanitizer runs at exit).

Usage: check-sanitize.py DAXMAPCTL"""
import json
import os
import signal
import subprocess
import sys

from checks import check, done

CTL = os.path.abspath(sys.argv[1])
REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
           "runtime error:")
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")


def ctl(*args, env=None):
    r = subprocess.run([CTL, '--direct', *args], capture_output=True,
                       text=True, timeout=600, env=dict(ENV, **(env or {})))
    report = next((w for w in REPORTS if w in r.stderr), None)
    check(report is None, f'daxmapctl {" ".join(args)}: no sanitizer report',
          r.stderr[-3000:])
    return r


def names():
    out = subprocess.run(['ndctl', 'list', '-N'], capture_output=True,
                         text=True).stdout
    j = json.loads(out) if out.strip() else []
    return [n.get('name') for n in (j if isinstance(j, list) else [j])]


def main():
    with open(CTL, 'rb') as f:
        if b'__asan_init' not in f.read():
            print('skip: daxmapctl is not a sanitizer build')
            return 77
    os.environ.setdefault('DAXMAP_STATE_DIR', '/run/daxmap-sanitize-test')

    r = ctl('create', 'namespace', '--size', '1G', '--name', 'san-ok')
    check(r.returncode == 0 and 'san-ok' in names(), 'create', r.stderr)

    r = subprocess.run([CTL, '--direct', 'create', 'namespace', '--size',
                        '512M', '--name', 'san-crash'], capture_output=True,
                       text=True, timeout=600,
                       env=dict(ENV, DAXMAP_TEST_CRASH_AT='sized'))
    check(r.returncode == -signal.SIGKILL, "create killed at 'sized'",
          f'rc {r.returncode}: {r.stderr[-800:]}')

    r = ctl('status')
    check(r.returncode == 0 and 'san-crash' in r.stderr and
          'san-crash' not in names(),
          'the next run recovers: the interrupted create rolled back',
          r.stderr[-800:])
    pending = os.path.join(os.environ['DAXMAP_STATE_DIR'], 'pending')
    left = os.listdir(pending) if os.path.isdir(pending) else []
    check(not left, 'no pending record left', str(left))

    r = ctl('destroy', 'namespace', 'san-ok')
    check(r.returncode == 0 and 'san-ok' not in names(), 'destroy',
          r.stderr)
    return done()


if __name__ == '__main__':
    sys.exit(main())
