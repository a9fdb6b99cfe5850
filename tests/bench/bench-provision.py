#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What daxmapctl costs next to the tools it stands beside, on a real
kernel: run as root in the VM bed with several empty labelled NVDIMM
regions (tests/bench/meson.build boots it with four).

1. create-namespace latency: `daxmapctl create namespace` against `ndctl
   create-namespace` with the same options (devdax, 2M align, map=mem),
   alternating, so both see the same region fill. daxmapctl also measures
   the RAM the memmap takes around the enable (drop_caches and
   stat_refresh before and after): that is in its figure.
2. status on a topology of >= 32 namespaces: `daxmapctl --json --direct
   status` against `ndctl list -RNDu` followed by `daxctl list -u`.

Prints the median of RUNS runs of each, the spread, and the ratios. It
asserts nothing about time: a failed command is the only failure.

Usage: bench-provision.py DAXMAPCTL [NAMESPACES [RUNS]]"""
import json
import os
import statistics
import subprocess
import sys
import time

CTL = sys.argv[1]
NAMESPACES = int(sys.argv[2]) if len(sys.argv) > 2 else 32
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 7
SIZE = '256M'


def timed(*args):
    t0 = time.perf_counter()
    p = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f'bench: {" ".join(args)}: exit {p.returncode}: '
                 f'{p.stderr.strip()}')
    return elapsed, p.stdout


def regions():
    out = subprocess.run(['ndctl', 'list', '-R'], capture_output=True,
                         text=True, check=True).stdout
    r = json.loads(out) if out.strip() else []
    return sorted(x['dev'] for x in (r if isinstance(r, list) else [r]))


def summary(samples):
    med = statistics.median(samples)
    return med, min(samples), max(samples)


def row(what, samples):
    med, lo, hi = summary(samples)
    print(f'  {what:44} {med * 1000:9.1f} ms  '
          f'(min {lo * 1000:.1f}, max {hi * 1000:.1f}, n={len(samples)})')
    return med


def main():
    regs = regions()
    if not regs:
        sys.exit('bench: no region (boot the bed with --nvdimm)')
    os.environ.setdefault('DAXMAP_STATE_DIR', '/run/daxmap-bench')
    print(f'bench: {len(regs)} regions, {NAMESPACES} namespaces of {SIZE}, '
          f'{RUNS} runs each, kernel {os.uname().release}')

    # Creates, alternating the two tools over the regions in turn.
    ours, theirs = [], []
    for i in range(NAMESPACES):
        region = regs[i % len(regs)]
        if i % 2 == 0:
            t, _ = timed(CTL, '--direct', 'create', 'namespace',
                         '--region', region, '--size', SIZE, '--align', '2M',
                         '--map', 'mem', '--mode', 'devdax',
                         '--name', f'bench{i}', '--measure')
            ours.append(t)
        else:
            t, _ = timed('ndctl', 'create-namespace', '--region', region,
                         '--size', SIZE, '--align', '2M', '--map', 'mem',
                         '--mode', 'devdax', '--name', f'bench{i}')
            theirs.append(t)
    print('\ncreate namespace (devdax, 2M, map=mem, 256 MiB):')
    a = row('daxmapctl create namespace (with measuring)', ours)
    b = row('ndctl create-namespace', theirs)
    print(f'  ratio daxmapctl / ndctl: {a / b:.2f}')

    # Status over the whole topology.
    status, listing = [], []
    for _ in range(RUNS):
        t, out = timed(CTL, '--json', '--direct', 'status')
        status.append(t)
        t1, _ = timed('ndctl', 'list', '-RNDu')
        t2, _ = timed('daxctl', 'list', '-u')
        listing.append(t1 + t2)
    seen = len(json.loads(out)['namespaces'])
    if seen < NAMESPACES:
        sys.exit(f'bench: status shows {seen} namespaces, '
                 f'{NAMESPACES} were created')
    print(f'\nstatus of {seen} namespaces:')
    a = row('daxmapctl --json --direct status', status)
    b = row('ndctl list -RNDu + daxctl list -u', listing)
    print(f'  ratio daxmapctl / (ndctl + daxctl): {a / b:.2f}')


if __name__ == '__main__':
    main()
