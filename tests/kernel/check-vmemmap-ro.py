#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The shared vmemmap of compound devmaps under daxmap's kernel patches
(kernel-patches/, patches 4 and 5), checked on the patched kernel in the VM
bed, as root, with one empty labelled NVDIMM region of at least 8 GiB:

- a memory failure injected into a page of a 2M and of a 1G device-DAX
  mapping (madvise(MADV_HWPOISON)), at a page whose struct page aliases the
  head's, is handled: the kernel logs it, and logs no warning;
- through /sys/kernel/debug/dax_vmemmap (CONFIG_DEBUG_DAX_VMEMMAP), a write
  to the head's own struct page lands, and a write through a tail struct
  page that aliases it (the first and last of a 2M compound page's shared
  vmemmap pages; the last of a 1G one, in another section) faults: the
  writer is killed, the kernel reports a page fault on a read-only page,
  and the head's flags and reference count are as they were;
- the devices are destroyed afterwards with no further warning: the
  shared pages are writable again for the teardown's poisoning.

Exits 77 when the running kernel does not carry the patches.

Usage: check-vmemmap-ro.py"""
import ctypes
import json
import mmap
import os
import signal
import subprocess
import sys

from kernel_checks import check, done, run, skip

MiB = 1 << 20
GiB = 1 << 30
PAGE = 4096
SIZE = 3 * GiB
MADV_HWPOISON = 100
DEBUG = '/sys/kernel/debug/dax_vmemmap'
# struct pages per vmemmap page: struct page is 64 bytes in the bed.
PER_PAGE = PAGE // 64
def create(align):
    j = json.loads(run('ndctl', 'create-namespace', '-r', 'region0',
                       '-m', 'devdax', '-a', align, '-M', 'mem',
                       '-s', str(SIZE)))
    return j['dev'], j['daxregion']['devices'][0]['chardev']


def destroy(ns):
    run('ndctl', 'destroy-namespace', '-f', ns)


def dev_attr(dev, name):
    with open(f'/sys/bus/dax/devices/{dev}/{name}') as f:
        return int(f.read(), 0)


def dmesg():
    return run('dmesg').splitlines()


def problems(lines):
    return [line for line in lines
            if any(w in line for w in ('WARNING:', 'BUG:', 'Call Trace',
                                       'kernel BUG', 'Oops', 'refcount_t'))]


def debug_read(name):
    with open(f'{DEBUG}/{name}') as f:
        return int(f.read(), 0)


def debug_write(name, value):
    with open(f'{DEBUG}/{name}', 'w') as f:
        f.write(f'{value:#x}\n')


libc = ctypes.CDLL(None, use_errno=True)
libc.madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)


def poison_child(dev, page):
    """In a child: map @dev, touch it, inject a memory failure into @page.
    Returns how the child ended: ('exit', rc) or ('signal', signo)."""
    pid = os.fork()
    if pid == 0:
        rc = 1
        try:
            fd = os.open(f'/dev/{dev}', os.O_RDWR)
            length = max(dev_attr(dev, 'align'), (page + 1) * PAGE)
            m = mmap.mmap(fd, length, mmap.MAP_SHARED,
                          mmap.PROT_READ | mmap.PROT_WRITE)
            m[page * PAGE:page * PAGE + 8] = b'daxmap!!'
            base = ctypes.addressof(ctypes.c_char.from_buffer(m))
            if libc.madvise(base + page * PAGE, PAGE, MADV_HWPOISON) == 0:
                rc = 0
            else:
                print(f'madvise: {os.strerror(ctypes.get_errno())}',
                      flush=True)
        finally:
            os._exit(rc)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return ('signal', os.WTERMSIG(status))
    return ('exit', os.WEXITSTATUS(status))


def hwpoison(align, page):
    before = len(dmesg())
    ns, dev = create(align)
    try:
        how = poison_child(dev, page)
        # The injector is current: memory-failure may kill it (SIGBUS).
        check(how in (('exit', 0), ('signal', signal.SIGBUS)),
              f'{align}: madvise(MADV_HWPOISON) of page {page} handled',
              f'the child ended by {how[0]} {how[1]}')
    finally:
        destroy(ns)
    new = dmesg()[before:]
    check(any('Injecting memory failure' in line for line in new),
          f'{align}: the kernel logged the injected memory failure')
    bad = problems(new)
    check(not bad, f'{align}: no warning from the memory failure or the '
          'teardown', '; '.join(bad[:5]))


def write_through(index, value):
    """Write @value to the flags of struct page @index from a shell, which
    the kernel kills if the write faults.  Returns the shell's return code
    (negative: killed by that signal)."""
    debug_write('index', index)
    return subprocess.run(['sh', '-c', f'echo {value:#x} > {DEBUG}/alias_flags'],
                          capture_output=True).returncode


def aliases(align, indexes):
    ns, dev = create(align)
    try:
        pfn = dev_attr(dev, 'resource') // PAGE
        debug_write('pfn', pfn)
        flags = debug_read('head_flags')
        refs = debug_read('head_refcount')

        # The trigger writes: the head's own struct page takes a write of
        # what it holds.
        debug_write('index', 0)
        before = len(dmesg())
        rc = write_through(0, flags)
        new = dmesg()[before:]
        check(rc == 0 and any('the write landed' in line for line in new),
              f'{align}: a write to the head\'s struct page lands', f'rc {rc}')

        for index in indexes:
            debug_write('index', index)
            check(debug_read('alias_flags') == flags,
                  f'{align}: struct page {index} reads as the head '
                  '(its vmemmap page is the head\'s)')
            before = len(dmesg())
            rc = write_through(index, flags ^ 0x8)
            new = dmesg()[before:]
            check(rc != 0, f'{align}: the writer through struct page '
                  f'{index} is killed', f'rc {rc}')
            check(any('unable to handle page fault' in line for line in new)
                  and any('permissions violation' in line for line in new),
                  f'{align}: the kernel reports a write fault on a '
                  f'read-only page for struct page {index}',
                  '; '.join(new[:3]))
            check(not any('the write landed' in line for line in new),
                  f'{align}: the write through struct page {index} did '
                  'not land')
            now = (debug_read('head_flags'), debug_read('head_refcount'))
            check(now == (flags, refs), f'{align}: the head\'s flags and '
                  'reference count are unchanged',
                  f'{now[0]:#x}/{now[1]} against {flags:#x}/{refs}')
    finally:
        before = len(dmesg())
        destroy(ns)
        bad = problems(dmesg()[before:])
        check(not bad, f'{align}: destroyed with no warning',
              '; '.join(bad[:5]))


def main():
    if 'nr_memmap_pgtable_pages' not in open('/proc/vmstat').read():
        skip(f'kernel {os.uname().release} does not carry daxmap\'s '
             'patches (no nr_memmap_pgtable_pages in /proc/vmstat)')
    if not os.path.exists('/sys/bus/nd/devices/region0'):
        skip('no NVDIMM region (run in tests/vm/run --nvdimm 8G)')
    if not os.path.ismount('/sys/kernel/debug'):
        run('mount', '-t', 'debugfs', 'debugfs', '/sys/kernel/debug')
    if not os.path.isdir(DEBUG):
        skip(f'no {DEBUG} (CONFIG_DEBUG_DAX_VMEMMAP, patch 5)')
    print(f'# kernel {os.uname().release}', flush=True)
    check(not problems(dmesg()), 'no warning in dmesg at the start')

    # Memory failures first, while dmesg has no oops in it.
    for align, page in (('2M', PER_PAGE), ('1G', 32768 + PER_PAGE)):
        try:
            hwpoison(align, page)
        except Exception as e:      # noqa: BLE001 - report and go on
            check(False, f'{align}: memory failure', str(e))

    # 2M: 512 struct pages, 8 vmemmap pages, 7 of them the head's; 1G:
    # the last vmemmap page, 8 sections after the head's, whose PTE table
    # is section 1's where the series shares the tables of compound tails
    # (CONFIG_DAX_VMEMMAP_SHARE_PTE_TABLES, both series).
    for align, indexes in (('2M', (PER_PAGE, 7 * PER_PAGE)),
                           ('1G', (GiB // PAGE - PER_PAGE,))):
        try:
            aliases(align, indexes)
        except Exception as e:      # noqa: BLE001
            check(False, f'{align}: writes through the memmap', str(e))

    return done()


if __name__ == '__main__':
    sys.exit(main())
