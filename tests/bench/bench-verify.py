#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What verify's writes cost next to an application's plain loop, on a real
kernel: run as root in the VM bed with one empty labelled NVDIMM region of
at least 8 GiB.

At each align (4K, 2M, 1G) one device; `daxmapctl verify device --pattern
--size SIZE` writes SIZE from the start with libpmem2's memcpy, persisted,
and reports its throughput; the plain loop maps the same device with mmap,
copies the same bytes in 2 MiB chunks and msyncs each (what an application
without libpmem2 would do). Prints the median of RUNS runs of each and the
ratio. It asserts nothing about time.

Usage: bench-verify.py DAXMAPCTL [SIZE_MIB [RUNS]]"""
import json
import mmap
import os
import statistics
import subprocess
import sys
import time

CTL = sys.argv[1]
SIZE = (int(sys.argv[2]) if len(sys.argv) > 2 else 256) << 20
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
CHUNK = 2 << 20


def ctl(*args):
    p = subprocess.run([CTL, '--direct', *args], capture_output=True,
                       text=True)
    if p.returncode != 0:
        sys.exit(f'bench: daxmapctl {" ".join(args)}: exit {p.returncode}: '
                 f'{p.stderr.strip()}')
    return p.stdout


def plain(dev, align):
    """MiB/s of mmap + memcpy + msync over SIZE bytes of /dev/@dev."""
    length = max(align, SIZE)
    chunk = os.urandom(CHUNK)
    fd = os.open(f'/dev/{dev}', os.O_RDWR)
    try:
        m = mmap.mmap(fd, length)
        t0 = time.perf_counter()
        msync = 'msync'
        for off in range(0, SIZE, CHUNK):
            m[off:off + CHUNK] = chunk
            try:
                m.flush(off, CHUNK)
            except OSError as e:
                # device-DAX has no fsync: msync says EINVAL, and the
                # stores are then only as durable as the CPU's caches.
                msync = f'msync: {e.strerror}'
        elapsed = time.perf_counter() - t0
        # Leave zeros behind, so that verify sees an empty device.
        m[0:SIZE] = bytes(SIZE)
        m.close()
    finally:
        os.close(fd)
    return SIZE / elapsed / (1 << 20), msync


def main():
    print(f'# {SIZE >> 20} MiB written per run, median of {RUNS} runs')
    print(f'{"align":>6} {"verify MiB/s":>13} {"plain MiB/s":>12} '
          f'{"verify/plain":>13}  plain loop')
    for label, size, align in (('4K', '1G', 4096), ('2M', '1G', 2 << 20),
                               ('1G', '2G', 1 << 30)):
        j = json.loads(ctl('--json', 'create', 'namespace', '--size', size,
                           '--align', label, '--name', 'bench-' + label))
        dev = j['devices'][0]['dev']
        v_runs, p_runs, note = [], [], ''
        for _ in range(RUNS):
            v = json.loads(ctl('--json', 'verify', 'device', dev, '--pattern',
                               '--size', str(SIZE)))['verify']
            v_runs.append(v['pattern']['write_bytes_per_sec'] / (1 << 20))
            mibs, note = plain(dev, align)
            p_runs.append(mibs)
        vm, pm = statistics.median(v_runs), statistics.median(p_runs)
        print(f'{label:>6} {vm:>13.0f} {pm:>12.0f} {vm / pm:>13.2f}  '
              f'{note}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
