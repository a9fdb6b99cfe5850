#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The memmap accounting of daxmap's kernel patches (kernel-patches/), checked
on the patched kernel in the VM bed, as root, with one empty labelled NVDIMM
region of at least 8 GiB:

- for 3 GiB device-dax namespaces at 4K, 2M and 1G align with map=mem and 2M
  with map=dev, the RAM the kernel says the device takes (the change in
  nr_memmap_pages, less that in nr_memmap_device_pages, plus that in
  nr_memmap_pgtable_pages) equals the free RAM it takes, measured (the
  median of five binds), within 4 pages, and its memmap_*_bytes
  attributes say the same as the counters;
- the deduplicated vmemmap costs what the rules say: 2 vmemmap pages per
  compound page (1 with head-page reuse) plus one PTE page per 128 MiB, and
  map=dev keeps the memmap on the device;
- 2M align takes at most 520 RAM pages per GiB with head-page reuse (a
  TODO line without it), 1G align at most 10;
- mapped pages read back through get_user_pages (vmsplice), the tail pages
  whose struct page aliases the head with head-page reuse among them, and
  the whole mapping pinned with pin_user_pages(FOLL_LONGTERM) and unpinned
  (CONFIG_GUP_TEST's PIN_LONGTERM_BENCHMARK);
- 20 cycles of create, map and touch, destroy leave the counters exactly
  where they were, no more free RAM missing after the last ten than
  after the first ten, and nothing kmemleak finds unreferenced (a TODO
  line when the boot did not say kmemleak=on); a trip to system-ram and
  back leaves the counters where they were and the free RAM within 120
  pages;
- with HugeTLB's vmemmap optimisation on and HugeTLB pages allocated, a
  2M device measures as it does alone; the vmemmap HugeTLB frees and
  allocates again is counted (7 pages per 2M page; on 6.12, where boot
  memmap has a counter of its own, as it is freed, on 6.1 as the pages
  are freed and it comes back), and the PTE pages of the PMDs it splits
  are in nr_memmap_pgtable_pages;
- the kernel, built with CONFIG_DEBUG_VM, logs no warning.

Exits 77 when the running kernel does not carry the patches.  Prints the
measured figures as a table (the one in kernel-patches/README.md).

Usage: check-memmap.py [--head-reuse] [--pte-share]
  --head-reuse   the kernel keeps one vmemmap page per compound page, not two
  --pte-share    and the vmemmap PTE tables of a compound page's tail are
                 shared: two per 1 GiB compound page, not eight"""
import ctypes
import fcntl
import glob
import json
import mmap
import os
import struct
import subprocess
import sys
import time

from kernel_checks import check, done, run, skip, todo

GiB = 1 << 30
MiB = 1 << 20
PAGE = 4096
SIZE = 3 * GiB
TOLERANCE = 4           # pages, kernel figure against measured delta
# Binds measured per case, the median taken: the guest gives back or takes
# a few pages of its own now and then (runs of -5, 0, -14 pages were seen
# on a 0-page case under TCG), which three binds did not always outvote.
MEASURES = 5
# Pages that slab caches, sysfs and the per-cpu lists may keep or give back
# around a bind or a create, memmap aside: a leaked memmap is thousands.
SLACK = 16
CYCLES = 20
# Ten cycles grow slab caches and sysfs a little more than one bind does
# (25 and 32 pages seen under load), and so does a trip through
# system-ram, which adds and removes 24 memory blocks with their sysfs
# devices (18 pages seen).  The smallest RAM a cycle could leak, one
# device's 24 page-table pages, is 240 pages over ten, twice this; a
# trip's smallest, its 3 GiB of plain memmap, is 12288.  The counters are
# held exactly and kmemleak looks for objects: this is the backstop.
CYCLE_SLACK = 120
# The series carries head-page reuse for compound devmaps (both do).
HEAD_REUSE = '--head-reuse' in sys.argv
# And shares the PTE tables of compound page tails (6.12's patch 6, 6.1's
# patch 7).
PTE_SHARE = '--pte-share' in sys.argv
def write(path, text):
    with open(path, 'w') as f:
        f.write(text)


def vmstat():
    with open('/proc/vmstat') as f:
        return dict((k, int(v)) for k, v in (line.split() for line in f))


def free_pages():
    """Free RAM in pages: MemFree plus the pages on the per-cpu lists, after
    dropping caches and folding the per-cpu counter deltas."""
    write('/proc/sys/vm/drop_caches', '3')
    write('/proc/sys/vm/stat_refresh', '1')
    with open('/proc/meminfo') as f:
        memfree = next(int(line.split()[1]) for line in f
                       if line.startswith('MemFree:'))
    pcp = 0
    with open('/proc/zoneinfo') as f:
        for line in f:
            words = line.split()
            if len(words) == 2 and words[0] == 'count:':
                pcp += int(words[1])
    return memfree // 4 + pcp


def settle():
    """Free RAM and counters once they stop moving (RCU frees, vmstat)."""
    last = None
    for _ in range(10):
        time.sleep(0.5)
        now = (free_pages(), vmstat())
        if last and abs(now[0] - last[0]) <= 1:
            return now
        last = now
    return last


def dev_attr(dev, name):
    with open(f'/sys/bus/dax/devices/{dev}/{name}') as f:
        return int(f.read())


def dev_memmap(dev):
    return {k: dev_attr(dev, f'memmap_{k}_bytes') // PAGE
            for k in ('ram', 'pgtable', 'device')}


def create(align, map_):
    j = json.loads(run('ndctl', 'create-namespace', '-r', 'region0',
                       '-m', 'devdax', '-a', align, '-M', map_,
                       '-s', str(SIZE)))
    dev = j['daxregion']['devices'][0]['chardev']
    return j['dev'], dev


def destroy(ns):
    run('ndctl', 'destroy-namespace', '-f', ns)


def ns_raw_size(ns):
    # The pgmap covers the whole namespace, info block included.
    with open(f'/sys/bus/nd/devices/{ns}/size') as f:
        return int(f.read())


def bind(dev, on):
    drv = '/sys/bus/dax/drivers/device_dax'
    write(f'{drv}/{"bind" if on else "unbind"}', dev)


libc = ctypes.CDLL(None, use_errno=True)


class IoVec(ctypes.Structure):
    _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]


def read_through_gup(m, off, n):
    """@n bytes of mapping @m at @off, as vmsplice() gets them: it takes a
    reference on each page through get_user_pages, which finds the folio
    of a tail page through its struct page, fake heads included."""
    base = ctypes.addressof(ctypes.c_char.from_buffer(m))
    iov = IoVec(base + off, n)
    r, w = os.pipe()
    try:
        if libc.vmsplice(w, ctypes.byref(iov), 1, 0) != n:
            raise OSError(ctypes.get_errno(), 'vmsplice')
        return os.read(r, n)
    finally:
        os.close(r)
        os.close(w)


GUP_TEST = '/sys/kernel/debug/gup_test'
# _IOWR('g', 3, struct gup_test): the struct is 76 bytes, 80 with padding.
PIN_LONGTERM_BENCHMARK = (3 << 30) | (80 << 16) | (ord('g') << 8) | 3
FOLL_WRITE = 0x01


def pin_longterm(m, length):
    """Pin @length bytes of mapping @m with pin_user_pages(FOLL_LONGTERM)
    and unpin them, through CONFIG_GUP_TEST: each page's folio is found
    from its struct page, fake heads included.  Returns 0 or an errno."""
    if not os.path.exists(GUP_TEST) and not os.path.ismount('/sys/kernel/debug'):
        run('mount', '-t', 'debugfs', 'debugfs', '/sys/kernel/debug')
    base = ctypes.addressof(ctypes.c_char.from_buffer(m))
    arg = bytearray(struct.pack('=QQQQIII8I4x', 0, 0, base, length, 512,
                                FOLL_WRITE, 0, *([0] * 8)))
    fd = os.open(GUP_TEST, os.O_RDWR)
    try:
        fcntl.ioctl(fd, PIN_LONGTERM_BENCHMARK, arg)
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)
    return 0


def touch(dev):
    """Map the device and write to it, as a user would, and read pages
    back through get_user_pages: in a compound page of 2M or 1G, the pages
    whose struct page starts a vmemmap page (every 64th) are the ones that
    alias the head with head-page reuse."""
    size = dev_attr(dev, 'size')
    align = dev_attr(dev, 'align')
    fd = os.open(f'/dev/{dev}', os.O_RDWR)
    try:
        length = min(size, 4 * max(align, 2 * MiB))
        with mmap.mmap(fd, length, mmap.MAP_SHARED,
                       mmap.PROT_READ | mmap.PROT_WRITE) as m:
            for off in range(0, length, max(align, PAGE)):
                m[off:off + 8] = b'daxmap!!'
            ok = all(m[off:off + 8] == b'daxmap!!'
                     for off in range(0, length, max(align, PAGE)))
            pages = [0, 1, 63, 64, 65, 128, 511, 512, 4096, 262143]
            for p in pages:
                off = p * PAGE + 8
                if off + 16 > length:
                    continue
                mark = f'page {p:9d}!'.encode()[:16].ljust(16, b'.')
                m[off:off + 16] = mark
                ok = ok and read_through_gup(m, off, 16) == mark
            err = pin_longterm(m, length)
            if err:
                check(False, f'{dev}: pin_user_pages(FOLL_LONGTERM) of '
                      f'{length // MiB} MiB', os.strerror(err))
                ok = False
            ok = ok and all(m[off:off + 8] == b'daxmap!!'
                            for off in range(0, length, max(align, PAGE)))
    finally:
        os.close(fd)
    return ok


def dmesg_problems():
    out = run('dmesg')
    return [line for line in out.splitlines()
            if any(w in line for w in ('WARNING:', 'BUG:', 'Call Trace',
                                       'kernel BUG', 'Oops', 'refcount_t'))]


# ----------------------------------------------------------------- checks

# The counters of daxmap's memmap accounting: nr_memmap_pages as upstream
# counts it (memmap on the device included, page tables not), and its own.
COUNTERS = ('nr_memmap_pages', 'nr_memmap_pgtable_pages',
            'nr_memmap_device_pages')


def kernel_figures(vm0, vm1):
    """(RAM, page tables, device) in pages, from two vmstat readings."""
    d = {k: vm1[k] - vm0[k] for k in COUNTERS}
    ram = (d['nr_memmap_pages'] - d['nr_memmap_device_pages'] +
           d['nr_memmap_pgtable_pages'])
    return ram, d['nr_memmap_pgtable_pages'], d['nr_memmap_device_pages']


def preflight():
    if 'nr_memmap_pgtable_pages' not in vmstat():
        skip(f'kernel {os.uname().release} does not carry daxmap\'s memmap '
             'accounting (no nr_memmap_pgtable_pages in /proc/vmstat)')
    if not glob.glob('/sys/bus/nd/devices/region0'):
        skip('no NVDIMM region (run in tests/vm/run --nvdimm 8G)')
    if not os.path.exists('/sys/bus/dax/drivers/device_dax'):
        skip('no device_dax driver')
    if HEAD_REUSE:
        try:
            with open(f'/boot/config-{os.uname().release}') as f:
                config = f.read().split()
        except OSError:
            config = []
        check('CONFIG_DAX_VMEMMAP_HEAD_REUSE=y' in config,
              'the kernel config has CONFIG_DAX_VMEMMAP_HEAD_REUSE=y')
        if PTE_SHARE:
            check('CONFIG_DAX_VMEMMAP_SHARE_PTE_TABLES=y' in config,
                  'the kernel config has '
                  'CONFIG_DAX_VMEMMAP_SHARE_PTE_TABLES=y')


CASES = [('4K', 'mem'), ('2M', 'mem'), ('1G', 'mem'), ('2M', 'dev')]

# RAM pages per GiB the issue asks for, and what reaching it needs when the
# series does not: 520 at 2M is one vmemmap page per compound page plus the
# page tables, which takes head-page reuse.
TARGETS = {('2M', 'mem'): (520, None if HEAD_REUSE else
                           'head-page reuse for compound devmaps'),
           ('1G', 'mem'): (3 if PTE_SHARE else 10, None)}


def expected(align, map_, raw):
    """What the memmap of a namespace of raw size RAW should take, by the
    rules: (ram_low, ram_high, device_low, device_high) in pages."""
    nominal = raw // PAGE * 64 // PAGE
    ptes = -(-raw // (128 * MiB)) + 1       # one per 128 MiB, +1 edge
    if map_ == 'dev':
        # On the device; x86 populates a section the range covers only in
        # part from RAM, with base pages.
        return 0, nominal // 16 + ptes, nominal - nominal // 16, nominal
    if align == '4K':
        return nominal, nominal + ptes, 0, 0
    per_compound = 1 if HEAD_REUSE else 2
    compound = raw // {'2M': 2 * MiB, '1G': GiB}[align]
    tables = raw // (128 * MiB)
    if PTE_SHARE and align == '1G':
        # Sections 0 and 1 of a 1 GiB compound page have PTE tables of
        # their own; sections 2 to 7 map section 1's.
        tables = 2 * compound
    return (per_compound * compound + tables,
            per_compound * compound + tables + ptes - raw // (128 * MiB),
            0, 0)


def measure_case(align, map_, table):
    ns, dev = create(align, map_)
    try:
        measure_device(align, map_, ns, dev, table)
    finally:
        if not os.path.exists(f'/sys/bus/dax/devices/{dev}/driver'):
            bind(dev, True)
        destroy(ns)


def measure_device(align, map_, ns, dev, table):
    raw = ns_raw_size(ns)
    what = f'{align} map={map_} ({ns}, {dev})'
    # A first unbind/bind warms the caches up (slab pages, sysfs).
    bind(dev, False)
    bind(dev, True)
    bind(dev, False)
    check(dev_memmap(dev) == {'ram': 0, 'pgtable': 0, 'device': 0},
          f'{what}: memmap_*_bytes read 0 while unbound')
    # The kernel's figure is exact every time; a measurement can catch the
    # guest freeing or taking a few pages of its own, so the median of
    # MEASURES binds is what the kernel is held against.
    runs = []
    for i in range(MEASURES):
        if i:
            bind(dev, False)
        free0, vm0 = settle()
        bind(dev, True)
        free1, vm1 = settle()
        runs.append(free0 - free1)
    used = sorted(runs)[len(runs) // 2]
    k_ram, k_pt, k_dev = kernel_figures(vm0, vm1)
    k_all = vm1['nr_memmap_pages'] - vm0['nr_memmap_pages']
    attr = dev_memmap(dev)
    check(abs(k_ram - used) <= TOLERANCE,
          f'{what}: kernel RAM {k_ram} (nr_memmap_pages {k_all:+d}, '
          f'device {k_dev:+d}, page tables {k_pt:+d}) = measured {used} '
          f'within {TOLERANCE} pages', f'measured {runs}')
    check(attr['ram'] == k_ram and attr['device'] == k_dev and
          attr['pgtable'] == k_pt,
          f'{what}: memmap_ram_bytes {attr["ram"]}, memmap_pgtable_bytes '
          f'{attr["pgtable"]}, memmap_device_bytes {attr["device"]} pages = '
          f'vmstat deltas {k_ram}, {k_pt}, {k_dev}')
    lo, hi, dlo, dhi = expected(align, map_, raw)
    check(lo <= attr['ram'] <= hi and dlo <= attr['device'] <= dhi,
          f'{what}: RAM {attr["ram"]} pages in [{lo}, {hi}], device '
          f'{attr["device"]} in [{dlo}, {dhi}]')
    gib = raw / GiB
    per_gib = attr['ram'] / gib
    table.append((align, map_, raw, used, k_all, k_pt, k_dev, k_ram,
                  round(per_gib, 1)))
    target = TARGETS.get((align, map_))
    if target:
        limit, needs = target
        verdict = check if needs is None else todo(needs)
        verdict(per_gib <= limit, f'{what}: {per_gib:.1f} RAM pages per GiB '
                f'<= {limit}')
    check(touch(dev), f'{what}: mapped and touched')
    bind(dev, False)
    free2, vm2 = settle()
    check(all(vm2[k] == vm0[k] for k in COUNTERS),
          f'{what}: unbind returns the counters to where they were',
          ', '.join(f'{k} {vm2[k] - vm0[k]:+d}' for k in COUNTERS))
    check(abs(free2 - free0) <= SLACK,
          f'{what}: unbind returns the RAM within {SLACK} pages',
          f'{free2 - free0:+d} pages')


def cycle(align, map_, i):
    ns, dev = create(align, map_)
    try:
        if not touch(dev):
            check(False, f'cycle {i}: {align} map={map_}: touch')
    finally:
        destroy(ns)


def warm_up():
    """A first round of every case grows the caches (slab, per-cpu chunks,
    sysfs) that creating and binding a namespace use, once."""
    for align, map_ in CASES:
        cycle(align, map_, -1)


KMEMLEAK = '/sys/kernel/debug/kmemleak'


def kmemleak_on():
    """kmemleak is built and was turned on at boot: its file takes
    commands ("clear" alone is taken when it is off too, "scan=off" is
    not).  Its own thread is stopped, so that only this test's scans
    decide what is reported, and what boot and the warm-up left cleared."""
    try:
        write(KMEMLEAK, 'scan=off')
        write(KMEMLEAK, 'clear')
    except OSError:
        return False
    return True


def kmemleak_scan():
    """The objects kmemleak reports unreferenced, each as the lines of its
    report.  An object is reported once two scans saw it unchanged and
    unreferenced, and only once it is 5 s old: scans 6 s apart."""
    for _ in range(2):
        time.sleep(6)
        write(KMEMLEAK, 'scan')
    with open(KMEMLEAK) as f:
        report = f.read()
    return report.split('unreferenced object ')[1:]


def cycles():
    """The counters come back exactly.  Free RAM is compared between the
    middle and the end: the first cycles still grow this process and the
    kernel's caches by a few hundred pages, once; a leak grows with every
    cycle.  kmemleak, cleared first of what boot and the warm-up left,
    names any object the cycles allocated and lost."""
    leak_check = kmemleak_on()
    free0, vm0 = settle()
    half = CYCLES // 2
    for i in range(half):
        cycle(*CASES[i % len(CASES)], i)
    free1, _ = settle()
    for i in range(half, CYCLES):
        cycle(*CASES[i % len(CASES)], i)
    free2, vm2 = settle()
    for k in COUNTERS:
        check(vm2[k] == vm0[k], f'{CYCLES} create/touch/destroy cycles: '
              f'{k} back to {vm0[k]}', f'now {vm2[k]}')
    check(abs(free2 - free1) <= CYCLE_SLACK, f'cycles {half + 1}-{CYCLES} '
          f'leave free RAM where cycles 1-{half} left it, within '
          f'{CYCLE_SLACK} pages',
          f'{free2 - free1:+d} pages, {free2 - free0:+d} since the start')
    what = f'{CYCLES} create/touch/destroy cycles leak no object (kmemleak)'
    if not leak_check:
        with open('/proc/cmdline') as f:
            asked = 'kmemleak=on' in f.read().split()
        # Asked for and absent is a kernel built without it: a failure.
        (check if asked else todo('a boot with kmemleak=on'))(
            False, what, 'no kmemleak in this kernel' if asked else '')
        return
    leaks = kmemleak_scan()
    check(not leaks, what, f'{len(leaks)} unreferenced' + (
          ': ' + ' | '.join(' '.join(o.split()[:40]) for o in leaks[:3])
          if leaks else ''))


def reconfigure():
    ns, dev = create('2M', 'mem')
    before = dev_memmap(dev)
    free0, vm0 = settle()
    rc = subprocess.run(['daxctl', 'reconfigure-device', '-m', 'system-ram',
                         dev], capture_output=True, text=True)
    if rc.returncode != 0:
        check(False, 'reconfigure to system-ram', rc.stderr.strip())
        destroy(ns)
        return
    check(dev_memmap(dev)['ram'] == 0,
          'system-ram: memmap_ram_bytes reads 0 (kmem owns the memory)')
    run('daxctl', 'reconfigure-device', '-f', '-m', 'devdax', dev)
    free1, vm1 = settle()
    check(dev_memmap(dev) == before,
          'system-ram and back: memmap_*_bytes as before', str(before))
    check(all(vm1[k] == vm0[k] for k in COUNTERS),
          'system-ram and back: counters where they were',
          ', '.join(f'{k} {vm1[k] - vm0[k]:+d}' for k in COUNTERS))
    check(abs(free1 - free0) <= CYCLE_SLACK,
          f'system-ram and back: free RAM within {CYCLE_SLACK} pages',
          f'{free1 - free0:+d} pages')
    destroy(ns)


HUGE_PAGES = 32


def hugetlb_and_dax():
    """HugeTLB's vmemmap optimisation and head-page reuse at once: both
    make fake heads, behind the one static key."""
    knob = '/proc/sys/vm/hugetlb_optimize_vmemmap'
    if not os.path.exists(knob):
        check(False, 'HugeTLB vmemmap optimisation', f'no {knob}')
        return
    write(knob, '1')
    nr = '/proc/sys/vm/nr_hugepages'
    _, vm0 = settle()
    write(nr, str(HUGE_PAGES))
    with open(nr) as f:
        got = int(f.read())
    if got != HUGE_PAGES:
        check(False, f'{HUGE_PAGES} HugeTLB pages', f'got {got}')
        write(nr, '0')
        return
    _, vm1 = settle()
    # 6.11 and later count boot memmap apart; 6.1 does not count it.
    boot = 'nr_memmap_boot_pages' in vm0
    if boot:
        d = sum(vm1[k] - vm0[k] for k in ('nr_memmap_pages',
                                          'nr_memmap_boot_pages'))
        check(d == -7 * HUGE_PAGES,
              f'optimising {HUGE_PAGES} HugeTLB pages frees 7 vmemmap '
              f'pages each: nr_memmap_pages + nr_memmap_boot_pages {d:+d}')
    d = vm1['nr_memmap_pgtable_pages'] - vm0['nr_memmap_pgtable_pages']
    check(d >= 1, 'the PTE pages of the vmemmap PMDs HugeTLB splits are in '
          f'nr_memmap_pgtable_pages: {d:+d}')
    table = []
    measure_case('2M', 'mem', table)
    used, k_ram = table[0][3], table[0][7]
    check(abs(used - k_ram) <= TOLERANCE,
          f'with {HUGE_PAGES} optimised HugeTLB pages: 2M device measured '
          f'{used}, kernel {k_ram}, within {TOLERANCE} pages')
    if boot:
        # Debian's 6.12 (.117 and .118) reports bad page states
        # ("corrupted mapping in tail page") when it frees an optimised
        # HugeTLB page, without daxmap's patches too: its stock kernel
        # does with init_on_free=1, which turns on the tail-page checks
        # that CONFIG_DEBUG_VM always makes.  They stay allocated.
        print('note - the HugeTLB pages stay allocated: Debian\'s 6.12 '
              'frees optimised ones with bad page states, patched or not',
              flush=True)
        return
    _, vm2 = settle()
    write(nr, '0')
    _, vm3 = settle()
    d = vm3['nr_memmap_pages'] - vm2['nr_memmap_pages']
    check(d == 7 * HUGE_PAGES,
          f'freeing {HUGE_PAGES} optimised HugeTLB pages counts their '
          f'vmemmap back in nr_memmap_pages: {d:+d} = +{7 * HUGE_PAGES}')
    check(vm3['nr_memmap_pgtable_pages'] == vm2['nr_memmap_pgtable_pages'],
          'freeing them leaves nr_memmap_pgtable_pages (the PTE pages of '
          'the split vmemmap stay)')


def main():
    preflight()
    print(f'# kernel {os.uname().release}', flush=True)
    warm_up()
    table = []
    for align, map_ in CASES:
        try:
            measure_case(align, map_, table)
        except Exception as e:      # noqa: BLE001 - report and go on
            check(False, f'{align} map={map_}', str(e))
    try:
        cycles()
    except Exception as e:          # noqa: BLE001
        check(False, 'create/destroy cycles', str(e))
    try:
        reconfigure()
    except Exception as e:          # noqa: BLE001
        check(False, 'system-ram and back', str(e))
    try:
        hugetlb_and_dax()
    except Exception as e:          # noqa: BLE001
        check(False, 'HugeTLB and device-DAX at once', str(e))
    problems = dmesg_problems()
    check(not problems, 'no warning in dmesg', '; '.join(problems[:5]))

    print('\n| align, map | pgmap size | measured RAM (pages) | '
          'nr_memmap_pages change | nr_memmap_pgtable_pages change | '
          'nr_memmap_device_pages change | kernel RAM (pages) | '
          'RAM pages per GiB |')
    print('|---|---|---|---|---|---|---|---|')
    for align, map_, raw, used, k_all, pt, k_dev, k_ram, per_gib in table:
        print(f'| {align}, {map_} | {raw // MiB} MiB | {used} | {k_all} | '
              f'{pt} | {k_dev} | {k_ram} | {per_gib} |')
    return done()


if __name__ == '__main__':
    sys.exit(main())
