#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The one lock between every process that changes the host, on a real
kernel (root, in the VM bed, one empty labelled region, a build with
-Dtest-hooks=true):

- a root `daxmapctl --direct status`, which recovers interrupted creates,
  run while another process is in the middle of a create, waits for it
  and leaves the new namespace alone (before the lock it rolled it back);
- a pending record whose owner still runs is left to it by recovery, one
  whose owner is gone is recovered.

Usage: check-lock.py DAXMAPCTL"""
import json
import os
import subprocess
import sys

from checks import check, done
import time

CTL = sys.argv[1]
STATE = '/var/lib/daxmap'
def ctl(*args, env=None):
    p = subprocess.run([CTL, '--direct', *args], capture_output=True,
                       text=True, env=dict(os.environ, **(env or {})))
    return p.returncode, p.stdout, p.stderr


def namespaces():
    p = subprocess.run(['ndctl', 'list', '-N'], capture_output=True,
                       text=True)
    out = json.loads(p.stdout) if p.stdout.strip() else []
    return out if isinstance(out, list) else [out]


def create_against_status():
    create = subprocess.Popen(
        [CTL, '--direct', 'create', 'namespace', '--size', '1G', '--align',
         '2M', '--name', 'locked'],
        env=dict(os.environ, DAXMAP_TEST_PAUSE_AT='labelled'),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The create is paused with its pending record written and its
    # namespace labelled, not yet enabled: what recovery would roll back.
    for _ in range(100):
        if os.path.isdir(f'{STATE}/pending') and os.listdir(f'{STATE}/pending'):
            break
        time.sleep(0.1)
    pending = os.listdir(f'{STATE}/pending') if os.path.isdir(f'{STATE}/pending') else []
    check(len(pending) == 1, 'the create under way has its pending record',
          str(pending))
    rc, out, err = ctl('status')
    c_out, c_err = create.communicate(timeout=300)
    check(create.returncode == 0, 'the create under way finishes',
          f'rc {create.returncode}: {c_err}')
    check(rc == 0 and 'recovered' not in err,
          'status --direct waited for it and recovered nothing', err)
    ns = [n for n in namespaces() if n.get('name') == 'locked']
    check(len(ns) == 1 and ns[0].get('mode') == 'devdax',
          'the namespace is there, as created', str(namespaces()))
    check('locked' in out, 'status, run after it, shows it')
    rc, _, err = ctl('destroy', 'namespace', 'locked')
    check(rc == 0, 'and it is daxmap\'s to destroy', err)


def owner_runs():
    with open('/proc/sys/kernel/random/boot_id') as f:
        boot = f.read().strip()
    uuid = '0badc0de-0000-4000-8000-000000000001'
    os.makedirs(f'{STATE}/pending', exist_ok=True)
    path = f'{STATE}/pending/{uuid}'
    sleeper = subprocess.Popen(['sleep', '600'])
    for owner, left in ((sleeper.pid, True), (999999, False)):
        with open(path, 'w') as f:
            f.write(f'uuid={uuid}\nname=owned\nregion=region0\nmode=devdax\n'
                    f'size=1073741824\nalign=2097152\nmap=mem\n'
                    f'owner_pid={owner}\nowner_boot={boot}\n')
        rc, _, err = ctl('status')
        if left:
            check(rc == 0 and os.path.exists(path) and
                  f'left to pid {owner}' in err,
                  'recovery leaves a pending record whose owner runs', err)
        else:
            check(rc == 0 and not os.path.exists(path) and
                  'left nothing behind' in err,
                  'and recovers one whose owner is gone', err)
    sleeper.kill()
    sleeper.wait()


def main():
    create_against_status()
    owner_runs()
    return done()


if __name__ == '__main__':
    sys.exit(main())
