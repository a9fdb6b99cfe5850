#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the fake-head static key costs, on daxmap's patched kernel in the VM
bed, as root, with one empty labelled NVDIMM region.

hugetlb_optimize_vmemmap_key puts a check into every compound_head() on the
system while a compound devmap with head-page reuse (or an optimised HugeTLB
folio) exists.  This times page-cache reads of a tmpfs file, whose copy to
user space looks up the compound head of every page it copies, with no
devmap (the key off, as long as no HugeTLB page is optimised) and with a
2M-aligned device-DAX namespace bound (the key on), in alternating rounds,
and prints the fastest and the median time per 4 KiB page read in each
state: under TCG, and on a shared machine, the fastest round is the one
least disturbed.

A benchmark, not a check: it fails only when it cannot measure.  Exits 77
when the kernel does not carry the patches.

Usage: bench-fake-head-key.py [ROUNDS]"""
import json
import os
import statistics
import subprocess
import sys
import time

MiB = 1 << 20
FILE_SIZE = 64 * MiB
CHUNK = 1 * MiB
PASSES = 8              # reads of the whole file per measurement
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
MNT = '/run/daxmap-bench'


def run(*args):
    return subprocess.run(args, check=True, capture_output=True,
                          text=True).stdout


def read_ns_per_page(path):
    """Nanoseconds per 4 KiB page, reading @path PASSES times."""
    buf = bytearray(CHUNK)
    fd = os.open(path, os.O_RDONLY)
    try:
        t0 = time.perf_counter_ns()
        for _ in range(PASSES):
            for off in range(0, FILE_SIZE, CHUNK):
                os.preadv(fd, [buf], off)
        t1 = time.perf_counter_ns()
    finally:
        os.close(fd)
    return (t1 - t0) / (PASSES * FILE_SIZE // 4096)


def main():
    with open('/proc/vmstat') as f:
        if 'nr_memmap_pgtable_pages' not in f.read():
            print('SKIP: the kernel does not carry daxmap\'s patches')
            return 77
    with open('/proc/sys/vm/nr_hugepages') as f:
        if int(f.read()):
            print('SKIP: HugeTLB pages are allocated; the key may be on')
            return 77
    os.makedirs(MNT, exist_ok=True)
    run('mount', '-t', 'tmpfs', '-o', 'size=128m', 'daxmap-bench', MNT)
    try:
        path = f'{MNT}/file'
        with open(path, 'wb') as f:
            f.write(os.urandom(MiB) * (FILE_SIZE // MiB))
        read_ns_per_page(path)          # warm up
        off, on = [], []
        for _ in range(ROUNDS):
            off.append(read_ns_per_page(path))
            j = json.loads(run('ndctl', 'create-namespace', '-r', 'region0',
                               '-m', 'devdax', '-a', '2M', '-M', 'mem',
                               '-s', '1G'))
            try:
                on.append(read_ns_per_page(path))
            finally:
                run('ndctl', 'destroy-namespace', '-f', j['dev'])
        print(f'# kernel {os.uname().release}, {ROUNDS} rounds of '
              f'{PASSES} reads of a {FILE_SIZE // MiB} MiB tmpfs file')
        for what, runs in (('key off (no compound devmap)', off),
                           ('key on (a 2M devmap bound)  ', on)):
            print(f'{what}: fastest {min(runs):.1f}, median '
                  f'{statistics.median(runs):.1f} ns per page')
        print(f'difference: fastest {(min(on) - min(off)) / min(off) * 100:+.1f} %, '
              f'median {(statistics.median(on) - statistics.median(off)) / statistics.median(off) * 100:+.1f} %')
    finally:
        run('umount', MNT)
    return 0


if __name__ == '__main__':
    sys.exit(main())
