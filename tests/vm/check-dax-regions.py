#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every source of device-DAX as status shows it, run as root in the VM
bed booted with --nvdimm 4G --soft-reserved 2G --legacy-pmem 2G --append
"memory_hotplug.memmap_on_memory=1 memhp_default_state=online_movable"
(what the kernel onlines at boot, movable, can be offlined again):

- the dynamic dax region dax_hmem makes of Soft Reserved memory, and the
  nvdimm one behind a devdax namespace, as daxctl list -R shows them, in
  the JSON, the tables and the totals;
- the label-less namespace of legacy pmem (bus e820) and the dax region
  it becomes once reconfigured to devdax;
- the Soft Reserved device onlined as system-ram by daxmapctl reconfigure
  device, with --memmap-on-memory and without: what status says its
  memmap costs, held against MemTotal (the memory less what is on it)
  and the kernel's nr_memmap_pages (6.9 and later), in RAM, and on the
  memory itself with memmap_on_memory (6.12; 6.1 has no such attribute);
- that device, in system-ram, destroyed by daxmapctl (--force: the
  kernel made it), its region's capacity all free again.

Usage: check-dax-regions.py DAXMAPCTL
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import (as_list, check, direct_status, done,  # noqa: E402
                    own_state_dir, run, skip)

CTL = sys.argv[1]
PAGE = 4096
GiB = 1 << 30
STRUCT_PAGE = 64
own_state_dir()


def daxctl_regions():
    return as_list(run('daxctl', 'list', '-R', '-D').stdout)


def meminfo():
    kb = {}
    with open('/proc/meminfo') as f:
        for line in f:
            key, value = line.split(':')
            kb[key] = int(value.split()[0]) * 1024
    return kb


def write(path, value):
    with open(path, 'w') as f:
        f.write(value)


def read(path):
    with open(path) as f:
        return f.read().strip()


def by_path(doc):
    return {r['path']: r for r in doc['dax_regions']}


def check_against_daxctl(doc, when):
    """Each daxctl region is one of ours, with the same figures."""
    ours = by_path(doc)
    theirs = daxctl_regions()
    check(len(theirs) == len(ours),
          f'{when}: as many dax regions as daxctl list -R',
          f'daxctl {len(theirs)}, status {len(ours)}')
    check(doc['totals']['dax_regions'] == len(ours),
          f'{when}: totals.dax_regions counts them')
    for dr in theirs:
        path = '/sys/devices' + dr['path']
        r = ours.get(path)
        check(r is not None, f'{when}: dax region {dr["path"]} in status',
              str(sorted(ours)))
        if r is None:
            continue
        same = (r['id'] == dr['id'] and r['size'] == dr['size'] and
                r['align'] == dr['align'] and
                r['available_size'] == dr.get('available_size', 0))
        check(same, f'{when}: {dr["path"]}: id, size, align and available '
              f'size as daxctl says', f'{r} vs {dr}')
        want = sorted(d['chardev'] for d in dr.get('devices', [])
                      if d['size'])
        check(sorted(r['devices']) == want,
              f'{when}: {dr["path"]}: its devices as daxctl says',
              f'{r["devices"]} vs {want}')
        for name in r['devices']:
            dev = next(d for d in doc['devices'] if d['dev'] == name)
            check(dev['dax_region'] == r['id'],
                  f'{when}: {name} names its dax region')


def hmem_region(doc):
    return next((r for r in doc['dax_regions'] if r['provider'] == 'hmem'),
                None)


def soft_reserved():
    doc = direct_status(CTL)
    r = hmem_region(doc)
    check(r is not None, 'soft-reserved: a dax region of provider hmem',
          str(doc['dax_regions']))
    if r is None:
        return None
    check(r['dynamic'] and r['namespace'] is None and
          os.path.basename(r['path']).startswith('hmem.'),
          'soft-reserved: dynamic, no namespace, on a hmem platform device',
          str(r))
    check(r['size'] == 2 * GiB and r['align'] == 2 << 20,
          'soft-reserved: 2 GiB at align 2M', str(r))
    check(r['target_node'] is not None, 'soft-reserved: a target node')
    check_against_daxctl(doc, 'soft-reserved')
    text = run(CTL, '--direct', 'status').stdout
    check('Dax regions:' in text and 'hmem' in text and
          'no persistent-memory regions found' not in text,
          'soft-reserved: status prints the dax region table')
    listed = run(CTL, '--direct', 'list', 'dax-regions').stdout
    check(listed.startswith('Dax regions:') and
          os.path.basename(r['path']) in listed,
          'list dax-regions: that table alone', listed)
    return r


def legacy_pmem():
    doc = direct_status(CTL)
    e820 = [g for g in doc['regions'] if g['bus'] == 'e820']
    check(len(e820) == 1, 'legacy pmem: one region on bus e820',
          str(doc['regions']))
    if not e820:
        return
    ns = [n for n in doc['namespaces'] if n['region'] == e820[0]['dev']]
    check(len(ns) == 1 and ns[0]['mode'] == 'fsdax',
          'legacy pmem: its label-less namespace, fsdax', str(ns))
    if len(ns) != 1:
        return
    name = ns[0]['dev']
    run('ndctl', 'create-namespace', '-f', '-e', name, '-m', 'devdax',
        '-a', '2M')
    doc = direct_status(CTL)
    r = [r for r in doc['dax_regions'] if r['namespace'] == name]
    check(len(r) == 1 and r[0]['provider'] == 'nvdimm' and
          not r[0]['dynamic'],
          f'legacy pmem: {name} in devdax is a dax region of provider '
          'nvdimm', str(doc['dax_regions']))
    check_against_daxctl(doc, 'legacy pmem in devdax')


def memmap_pages():
    """The kernel's nr_memmap_pages (6.9 and later), else None."""
    with open('/proc/vmstat') as f:
        for line in f:
            key, value = line.split()
            if key == 'nr_memmap_pages':
                return int(value)
    return None


def driver(dev):
    link = f'/sys/bus/dax/devices/{dev}/driver'
    return os.path.basename(os.readlink(link)) if os.path.exists(link) \
        else None


def settle():
    run('sh', '-c', 'sync; echo 3 > /proc/sys/vm/drop_caches')


def to_unbound(dev):
    """@dev bound to no driver: no memmap of it in use, to measure from.
    Its memory, onlined movable, can be offlined."""
    if driver(dev) == 'kmem':
        run('daxctl', 'offline-memory', dev)
    if driver(dev):
        write(f'/sys/bus/dax/drivers/{driver(dev)}/unbind', dev)
    settle()


def online(dev):
    """Binds @dev to kmem, whose memory the kernel's policy onlines
    (movable), as daxctl does; '' or why it cannot be."""
    try:
        # A driver binds a device of another type only once told to.
        try:
            write('/sys/bus/dax/drivers/kmem/new_id', dev)
        except OSError:
            pass
        if driver(dev) != 'kmem':
            write('/sys/bus/dax/drivers/kmem/bind', dev)
    except OSError as e:
        dmesg = run('dmesg').stdout.splitlines()
        return f'kmem does not take {dev}: {e}: ' + \
            next((line for line in reversed(dmesg) if 'kmem' in line), '')
    settle()
    return ''


def system_ram(region, memmap_on_memory):
    what = 'system-ram' + (' with memmap_on_memory' if memmap_on_memory
                           else '')
    dev = region['devices'][0]
    attr = f'/sys/bus/dax/devices/{dev}/memmap_on_memory'
    to_unbound(dev)
    args = ['--direct', 'reconfigure', 'device', dev, '--mode', 'system-ram']
    if memmap_on_memory:
        args.append('--memmap-on-memory')
    if memmap_on_memory and not os.path.exists(attr):
        p = run(CTL, *args, ok=False)
        check(p.returncode == 1 and '6.8 and later' in p.stderr and
              driver(dev) != 'kmem',
              f'{what}: refused where the kernel has no {attr}, and the '
              f'device left as it was', f'rc {p.returncode}: {p.stderr}')
        return
    before, counter_before = meminfo(), memmap_pages()
    p = run(CTL, *args, ok=False)
    if p.returncode and 'kmem' in p.stderr and 'invalid node' in \
            run('dmesg').stdout:
        skip(what, 'kmem refuses a device without a target node here')
        return
    check(p.returncode == 0, f'daxmapctl reconfigure device {dev} --mode '
          f'system-ram{" --memmap-on-memory" if memmap_on_memory else ""}',
          p.stderr.strip())
    if p.returncode:
        return
    settle()
    after, counter_after = meminfo(), memmap_pages()
    doc = direct_status(CTL)
    d = next(d for d in doc['devices'] if d['dev'] == dev)
    mm = d['memmap']
    gib = d['size'] / GiB
    check(d['mode'] == 'system-ram' and d['enabled'],
          f'{what}: {dev} is system-ram', str(d))
    check(d['memmap_on_memory'] == memmap_on_memory,
          f'{what}: status says memmap_on_memory is {memmap_on_memory}')
    baseline = d['size'] // PAGE * STRUCT_PAGE
    check(mm['baseline_bytes'] == baseline and mm['saved_bytes'] == 0 and
          mm['actual_bytes'] == baseline,
          f'{what}: a plain memmap, 16 MiB per GiB, nothing saved',
          str(mm))
    check(mm['location'] == ('device' if memmap_on_memory else 'ram'),
          f'{what}: the memmap lives '
          f'{"on the memory" if memmap_on_memory else "in RAM"}', str(mm))
    # The memory that onlining added: all of it, or all but the memmap
    # placed on it (MemTotal counts what the page allocator manages).
    grew = after['MemTotal'] - before['MemTotal']
    check(grew == d['size'] - mm['device_bytes'],
          f'{what}: MemTotal grew by the memory less what status puts on '
          f'it', f'{grew} vs {d["size"]} - {mm["device_bytes"]}')
    # What the kernel counts: its memmap pages (6.9 and later), wherever
    # they are, so the whole memmap; MemTotal above said where. Free RAM
    # cannot say it here: it moves by tens of MiB around an onlining in
    # the bed, the memmap being 16 MiB per GiB.
    model_pages = mm['actual_bytes'] / PAGE / gib
    tolerance = 0.01 * model_pages + 16
    if counter_before is None:
        skip(f'{what}: the memmap against the kernel\'s count',
             'this kernel has no nr_memmap_pages (6.9 and later)')
    else:
        counted = (counter_after - counter_before) / gib
        check(abs(counted - model_pages) <= tolerance,
              f'{what}: the kernel\'s nr_memmap_pages grew by the memmap '
              f'status shows', f'{counted:.1f} vs {model_pages:.1f} '
              f'pages/GiB')
        print(f'# {what}: memmap {model_pages:.1f} pages/GiB modelled, '
              f'{counted:.1f} counted, {mm["ram_bytes"] >> 20} MiB in RAM')
    to_unbound(dev)


def destroy_system_ram(region):
    """The case of ndctl issue #256: the kernel's system-ram device on
    Soft Reserved memory, taken back (offlined, destroyed) by daxmapctl."""
    dev = region['devices'][0]
    why = online(dev)
    if why:
        skip('destroy a system-ram device', why)
        return
    p = run(CTL, '--direct', 'destroy', 'device', dev, ok=False)
    check(p.returncode == 1 and 'not created by daxmap' in p.stderr,
          'destroy device of the kernel\'s device: refused without --force',
          f'rc {p.returncode}: {p.stderr.strip()}')
    p = run(CTL, '--direct', 'destroy', 'device', dev, '--force', ok=False)
    check(p.returncode == 0, f'destroy device {dev} --force, in system-ram',
          f'rc {p.returncode}: {p.stderr.strip()}')
    doc = direct_status(CTL)
    r = next((r for r in doc['dax_regions'] if r['path'] == region['path']),
             None)
    check(r is not None and not r['devices'] and
          r['available_size'] == r['size'],
          'the region has all its capacity back and no device', str(r))


def main():
    # Nothing onlined behind the checks' back: drivers bind only when
    # asked, and the kernel onlines what kmem adds movable, so that it
    # can be offlined again.
    write('/sys/devices/system/memory/auto_online_blocks', 'online_movable')
    run('modprobe', 'device_dax')
    region = soft_reserved()
    legacy_pmem()
    write('/sys/bus/dax/drivers_autoprobe', '0')
    run('modprobe', 'kmem')
    if region and region['devices']:
        system_ram(region, True)
        system_ram(region, False)
        destroy_system_ram(region)
    else:
        skip('system-ram', 'no device in the Soft Reserved dax region')
    return done()


if __name__ == '__main__':
    sys.exit(main())
