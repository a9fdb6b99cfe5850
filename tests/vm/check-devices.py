#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Dax devices on a dynamic dax region and label-less namespaces, on a real
kernel, run as root inside the VM bed started with --soft-reserved 3G,
--legacy-pmem 2G and --numa-node:

- a [device NAME] section applied where the kernel's dax0.0 holds all of
  hmem.0 (ndctl #256; on 6.12 kmem onlined it as system-ram at boot, on 6.1
  it stays devdax): a devdax one is left alone without replace = yes; a
  dry run says what it would do and does nothing; a create made to fail
  (DAXMAP_TEST_FAIL_AT) puts the kernel's device back as it was, and so
  does the next run after an apply killed between removing it and making
  the section's; then the 1G-aligned device is made in its place, status
  says ok, a second apply changes nothing, a manual resize is drift and
  left as it is, recreate = yes makes it again;

- the kernel's dax0.0 on hmem is not daxmap's: destroy refuses it without
  --force, and with it (offlined first where the kernel onlined it as
  system-ram) gives the region's capacity back;
- a 1G and a 2M device are created with exactly the size and align asked
  (daxctl agrees), named in status, their memmap's RAM measured around the
  enable and held against the model and the limits (1G: 10 pages per GiB;
  2M: 1032, or 520 with daxmap's head-reuse patch); with daxmap's
  dax-memmap patch, status's kernel figure is the device's
  memmap_*_bytes, within the same limit, the model and the measured;
- a size that is not a multiple of the align, one beyond the free space
  and an align no device takes are refused and change nothing;
- a create killed at a crash point is rolled back or kept by the next run;
- reconfigure device grows a device; destroy by name;
- on legacy pmem, create namespace says to reconfigure instead;
  reconfigure namespace refuses without --force and while the namespace is
  in use, and turns namespace0.0 into devdax 2M and back to fsdax.

Usage: check-devices.py DAXMAPCTL"""
import json
import mmap
import os
import shutil
import signal
import subprocess
import sys
import tempfile

from checks import check, done, skip

GiB = 1 << 30
MiB = 1 << 20
PAGE = 4096
CTL = sys.argv[1]


def run(*args, env=None):
    p = subprocess.run(args, capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, p.stdout, p.stderr


def ctl(*args, env=None):
    return run(CTL, '--direct', *args, env=env)


def ctl_json(*args):
    rc, out, err = ctl('--json', *args)
    if rc != 0:
        raise RuntimeError(f'daxmapctl {" ".join(args)}: {err}')
    return json.loads(out)


def daxctl(*args):
    rc, out, _ = run('daxctl', 'list', *args)
    if rc != 0 or not out.strip():
        return []
    j = json.loads(out)
    return j if isinstance(j, list) else [j]


def hmem_region():
    for r in daxctl('-R'):
        if 'hmem' in r.get('path', ''):
            return r
    return None


def region_devices(region_id):
    out = []
    for r in daxctl('-R', '-D', '-r', str(region_id)):
        out += [d for d in r.get('devices', []) if d.get('size')]
    return out


def status_device(dev):
    for d in ctl_json('status')['devices']:
        if d['dev'] == dev:
            return d
    return None


def patched_head_reuse():
    return 'head-reuse' in ctl_json('kernel')['kernel'].get('patches', [])


# --------------------------------------------------------- soft-reserved

def config_sections(region):
    devs = region_devices(region['id'])
    if len(devs) != 1 or devs[0]['size'] != region['size']:
        skip('[device] sections where the kernel holds the region (#256)',
             f'the region is not one device of the kernel\'s: {devs}')
        return
    kernel = devs[0]
    kdev, kmode = kernel['chardev'], kernel.get('mode', 'devdax')
    name = os.path.basename(region['path'])
    conf = tempfile.mkdtemp(prefix='daxmap-conf.')
    env = {'DAXMAP_CONFIG_DIR': conf}
    print(f'  the kernel\'s {kdev} on {name}: {kmode}', flush=True)

    def write(extra=''):
        with open(os.path.join(conf, 'daxmap.conf'), 'w') as f:
            f.write(f'[device vm0]\nregion = {name}\nsize = 1G\n'
                    f'align = 1G\n{extra}')

    def apply(*args, more=None):
        rc, out, err = ctl('--json', 'apply', *args,
                           env=dict(env, **(more or {})))
        try:
            c = json.loads(out)['apply']['namespaces'][0]
        except (ValueError, KeyError, IndexError):
            c = {}
        return rc, c, err

    def status_check():
        rc, out, _ = ctl('--json', 'status', env=env)
        doc = json.loads(out) if rc == 0 else {}
        checks = doc.get('config', {}).get('namespaces', [])
        return (checks[0] if checks else {}), doc

    def kernel_back(what):
        now = region_devices(region['id'])
        st = status_device(now[0]['chardev']) if len(now) == 1 else None
        check(len(now) == 1 and now[0]['size'] == kernel['size'] and
              now[0].get('align') == kernel.get('align') and
              now[0].get('mode', 'devdax') == kmode and st and
              not st['managed'],
              f'{what}: the kernel\'s device is there as it was ({kmode}, '
              'not daxmap\'s)', f'{now} {st}')

    write()
    if kmode == 'devdax':
        rc, c, err = apply()
        check(rc == 1 and c.get('outcome') == 'failed' and
              'replace = yes' in c.get('message', ''),
              f'apply does not remove the kernel\'s devdax {kdev} without '
              'replace = yes, and says so', f'rc {rc}: {c} {err}')
        kernel_back('refused without replace = yes')
        write('replace = yes\n')
    rc, c, err = apply('--dry-run')
    check(rc == 0 and c.get('outcome') == 'would-create' and
          f'remove the kernel\'s {kdev}' in c.get('message', ''),
          'a dry run says it would replace the kernel\'s device',
          f'rc {rc}: {c} {err}')
    kernel_back('dry run')
    rc, c, err = apply(more={'DAXMAP_TEST_FAIL_AT': 'device-create'})
    check(rc == 1 and c.get('outcome') == 'failed' and
          'put back as it was' in c.get('message', ''),
          'a create that fails after the kernel\'s device was removed '
          'says it put it back', f'rc {rc}: {c} {err}')
    print(f'  {c.get("message")}', flush=True)
    kernel_back('after the failure')

    # Killed between removing the kernel's device and making vm0: the
    # replacing record lets the next run put the kernel's back.
    now = region_devices(region['id'])
    cur = now[0]['chardev'] if now else kdev
    rc, c, err = apply(more={'DAXMAP_TEST_CRASH_AT': 'replace-removed'})
    left = region_devices(region['id'])
    check(rc == -signal.SIGKILL and not left,
          'an apply killed once the kernel\'s device is removed leaves the '
          'region empty', f'rc {rc}: {left} {err}')
    rc, _, err = ctl('status')
    check(rc == 0 and 'recovered' in err and 'put back' in err and
          cur in err,
          'the next run puts the kernel\'s device back, and says so', err)
    print(f'  {err.strip()}', flush=True)
    kernel_back('after a kill between removing it and making vm0')

    rc, c, err = apply()
    dev = c.get('device')
    k = [d for d in region_devices(region['id']) if d['chardev'] == dev]
    check(rc == 0 and c.get('outcome') == 'created' and
          c.get('kind') == 'device' and c.get('namespace') is None and
          len(k) == 1 and k[0]['size'] == GiB and k[0].get('align') == GiB,
          f'apply makes vm0 (1G, align 1G) in place of the kernel\'s '
          f'{kmode} {kdev}', f'rc {rc}: {c} {err} {k}')
    print(f'  {c.get("message")}', flush=True)
    if rc != 0 or not dev:
        shutil.rmtree(conf)
        return
    c, doc = status_check()
    d = status_device(dev)
    check(c.get('kind') == 'device' and c.get('state') == 'ok' and
          c.get('device') == dev and d and d['name'] == 'vm0' and
          d['managed'] and d['mode'] == 'devdax',
          'status: [device vm0] is ok, the device named vm0 and daxmap\'s',
          f'{c} {d}')
    rc, c, err = apply()
    check(rc == 0 and c.get('outcome') == 'unchanged' and
          region_devices(region['id']) == k,
          'a second apply changes nothing', f'rc {rc}: {c} {err}')
    rc, _, err = ctl('reconfigure', 'device', dev, '--size', '2G')
    c, _ = status_check()
    check(rc == 0 and c.get('state') == 'drift' and
          c.get('drift') == [{'key': 'size', 'want': '1G', 'have': '2G'}],
          'a manual resize to 2G shows as size drift', f'{err} {c}')
    rc, c, err = apply()
    k = [d for d in region_devices(region['id']) if d['chardev'] == dev]
    check(rc == 0 and c.get('outcome') == 'left-drifted' and k and
          k[0]['size'] == 2 * GiB,
          'apply leaves the drift as it is, and says so', f'rc {rc}: {c} {k}')
    write('replace = yes\nrecreate = yes\n')
    rc, c, err = apply()
    k = [d for d in region_devices(region['id'])
         if d['chardev'] == c.get('device')]
    check(rc == 0 and c.get('outcome') == 'recreated' and k and
          k[0]['size'] == GiB and k[0].get('align') == GiB,
          'with recreate = yes apply makes it again at 1G', f'rc {rc}: {c} {k}')
    # The checks below start from a device of the kernel's, as booted.
    ctl('destroy', 'device', 'vm0')
    rc, out, err = run('daxctl', 'create-device', '-r', str(region['id']),
                       '-s', str(kernel['size']), '-a',
                       str(kernel.get('align', 2 * MiB)))
    check(rc == 0, 'daxctl gives the region its one device again', err)
    shutil.rmtree(conf)


def kernel_device(region):
    devs = region_devices(region['id'])
    if not devs:
        skip('destroy the kernel\'s device', 'the region has no device')
        return
    dev = devs[0]['chardev']
    rc, _, err = ctl('destroy', 'device', dev)
    check(rc == 1 and 'not created by daxmap' in err,
          f'destroy {dev} (the kernel\'s) without --force is refused', err)
    check(region_devices(region['id']) == devs,
          f'{dev} is left as it was')
    rc, out, err = ctl('destroy', 'device', dev, '--force')
    check(rc == 0 and f'destroyed {dev}' in out,
          f'destroy {dev} --force ({devs[0].get("mode", "?")})', err)
    left = hmem_region()
    check(not region_devices(region['id']) and
          left['available_size'] == left['size'],
          'the region\'s capacity is all free again', str(left))


def refusals(region):
    before = hmem_region()['available_size']
    for what, args, want_rc, words in (
            ('a size not a multiple of the align',
             ['--size', '1536M', '--align', '1G'], 2, 'not a multiple'),
            ('a size beyond the free space',
             ['--size', '64G', '--align', '2M'], 1, 'free'),
            ('an align no device takes', ['--size', '1G', '--align', '64K'],
             2, 'align'),
            ('a name in the form of a device\'s',
             ['--size', '2M', '--name', 'dax7.0'], 2, 'name')):
        rc, _, err = ctl('create', 'device', *args)
        check(rc == want_rc and words in err,
              f'create device with {what} is refused', f'rc {rc}: {err}')
    check(hmem_region()['available_size'] == before and
          not region_devices(region['id']), 'the refusals changed nothing')


def crashes(region):
    for step, kept in (('recorded', False), ('sized', False),
                       ('enabled', True)):
        name = f'crash-{step}'
        rc, _, _ = ctl('create', 'device', '--size', '1G', '--align', '1G',
                       '--name', name, env={'DAXMAP_TEST_CRASH_AT': step})
        check(rc == -signal.SIGKILL, f'create device killed at {step}',
              f'rc {rc}')
        rc, out, err = ctl('--json', 'status')
        check(rc == 0 and 'recovered' in err and name in err,
              f'after a kill at {step}: the next run says what it did', err)
        mine = [d for d in json.loads(out)['devices']
                if d.get('name') == name]
        if kept:
            check(len(mine) == 1 and mine[0]['managed'] and
                  mine[0]['size'] == GiB,
                  f'after a kill at {step}: the device is kept as daxmap\'s',
                  str(mine))
            if mine:
                ctl('destroy', 'device', name)
        else:
            check(not mine and not region_devices(region['id']),
                  f'after a kill at {step}: nothing is left behind',
                  str(region_devices(region['id'])))


def kernel_figure(name, dev, model_pages, meas_pages, limit):
    """Where the kernel has daxmap's per-device attributes (its
    dax-memmap patch), status's kernel figure for DEV is the attributes',
    within the limit and agreeing with the model and the measured RAM.
    Returns the kernel's RAM pages per GiB, or 'absent'."""
    attr_dir = f'/sys/bus/dax/devices/{dev["dev"]}'
    if not os.path.exists(f'{attr_dir}/memmap_ram_bytes'):
        return 'absent'
    attrs = {}
    for k in ('ram', 'pgtable', 'device'):
        with open(f'{attr_dir}/memmap_{k}_bytes') as f:
            attrs[k] = int(f.read())
    kernel = dev['memmap_sources'].get('kernel')
    shown = kernel and {'ram': kernel['ram_bytes'],
                        'pgtable': kernel['pagetable_bytes'],
                        'device': kernel['device_bytes']}
    check(shown == attrs, f'{name}: status\'s kernel figure is the '
          'device\'s memmap_*_bytes', f'{shown} vs {attrs}')
    pages = attrs['ram'] / PAGE / (dev['size'] / GiB)
    # The kernel counts exactly: held to the limit with no noise allowed,
    # and to the model and the free-RAM delta as those are held.
    check(pages <= limit, f'{name}: the kernel figure is at most {limit} '
          'RAM pages per GiB', f'{pages:.1f}')
    check(abs(pages - model_pages) <= 0.01 * model_pages + 16 and
          abs(pages - meas_pages) <= 0.01 * model_pages + 16,
          f'{name}: the kernel figure within 1 % + 16 pages/GiB of the '
          'model and of the measured',
          f'kernel {pages:.1f}, model {model_pages:.1f}, '
          f'measured {meas_pages:.1f}')
    return f'{pages:.1f}'


def creates(region):
    limit_2m = 520 if patched_head_reuse() else 1032
    made = {}
    for name, size, align, limit in (('big', GiB, GiB, 10),
                                     ('small', GiB, 2 * MiB, limit_2m)):
        rc, out, err = ctl('--json', 'create', 'device', '--size',
                           str(size), '--align', str(align), '--name', name,
                           '--measure')
        check(rc == 0, f'create device {name}', err)
        if rc != 0:
            continue
        dev = json.loads(out)['device']
        made[name] = dev['dev']
        k = [d for d in region_devices(region['id'])
             if d['chardev'] == dev['dev']]
        check(len(k) == 1 and k[0]['size'] == size and
              k[0].get('align') == align,
              f'{name}: daxctl shows size {size} align {align}', str(k))
        check(dev['size'] == size and dev['align'] == align and
              dev['name'] == name and dev['managed'],
              f'{name}: status shows it, named, as daxmap\'s', str(dev))
        measured = dev['memmap_sources']['measured']
        model = dev['memmap_sources']['model']
        if measured is None:
            check(False, f'{name}: measured', 'no measured figure')
            continue
        gib = size / GiB
        pages = measured['ram_bytes'] / PAGE / gib
        model_pages = model['ram_bytes'] / PAGE / gib
        # A free-RAM delta is the difference of two readings, each taken
        # once it agrees with the next within 8 pages (libdaxmap's
        # measure.c): it can be off by 16 whatever was allocated.
        check(model_pages <= limit and
              measured['ram_bytes'] / PAGE <= limit * gib + 16,
              f'{name}: the memmap takes at most {limit} RAM pages per GiB '
              '(measured: 16 pages of noise allowed)',
              f'model {model_pages:.1f}, measured {pages:.1f}')
        check(abs(pages - model_pages) <= 0.01 * model_pages + 16,
              f'{name}: measured within 1 % + 16 pages/GiB of the model',
              f'measured {pages:.1f}, model {model_pages:.1f}')
        kern = kernel_figure(name, dev, model_pages, pages, limit)
        print(f'  {name}: model {model_pages:.1f}, measured {pages:.1f}, '
              f'kernel figure {kern} pages/GiB', flush=True)
    rc, _, err = ctl('create', 'device', '--size', '2M', '--name', 'big')
    check(rc == 1 and 'taken' in err, 'a name in use is refused', err)
    return made


def resize_and_destroy(region, made):
    if 'small' not in made:
        skip('reconfigure and destroy', 'the 2M device was not created')
        return
    dev = made['small']
    rc, _, err = ctl('reconfigure', 'device', dev, '--size', '2G')
    k = [d for d in region_devices(region['id']) if d['chardev'] == dev]
    check(rc == 0 and k and k[0]['size'] == 2 * GiB,
          f'reconfigure device {dev} --size 2G', f'{err} {k}')
    d = status_device(dev)
    check(d and d.get('name') == 'small' and d['size'] == 2 * GiB,
          'status still names it, at its new size', str(d))
    rc, _, err = ctl('reconfigure', 'device', dev, '--size', '64G')
    check(rc == 1 and 'free' in err, 'growing it beyond the free space is '
          'refused', err)
    for name in made:
        rc, out, err = ctl('destroy', 'device', name)
        check(rc == 0 and made[name] in out, f'destroy device {name} '
              '(by name)', err)
    left = hmem_region()
    check(left['available_size'] == left['size'],
          'the region is all free again', str(left))


# ------------------------------------------------------------ legacy pmem

def ndctl_ns(ns):
    rc, out, _ = run('ndctl', 'list', '-n', ns)
    j = json.loads(out) if rc == 0 and out.strip() else []
    return (j if isinstance(j, list) else [j])[0] if j else None


def legacy():
    # daxmap shows a label-less namespace without a uuid.
    e820 = [n for n in ctl_json('status')['namespaces'] if not n.get('uuid')]
    if not e820:
        skip('label-less namespaces', 'no label-less namespace '
             '(tests/vm/run --legacy-pmem SIZE)')
        return
    region = e820[0]['region']
    ns = e820[0]['dev']
    rc, _, err = ctl('create', 'namespace', '--size', '1G', '--region', region)
    check(rc == 1 and 'reconfigure namespace' in err,
          f'create namespace on {region} says to reconfigure instead', err)
    rc, _, err = ctl('reconfigure', 'namespace', ns, '--mode', 'devdax')
    check(rc == 2 and '--force' in err and
          ndctl_ns(ns)['mode'] == 'fsdax',
          f'reconfigure namespace {ns} without --force is refused', err)
    rc, _, err = ctl('reconfigure', 'namespace', ns, '--mode', 'devdax',
                     '--align', '2M', '--force')
    n = ndctl_ns(ns)
    check(rc == 0 and n and n['mode'] == 'devdax' and n.get('align') == 2 * MiB,
          f'reconfigure namespace {ns} --mode devdax --align 2M --force',
          f'{err} {n}')
    chardev = n.get('chardev') if n else None
    if chardev:
        with open(f'/dev/{chardev}', 'rb') as f:
            m = mmap.mmap(f.fileno(), 2 * MiB, prot=mmap.PROT_READ)
            rc, _, err = ctl('reconfigure', 'namespace', ns, '--mode',
                             'fsdax', '--force')
            m.close()
        check(rc == 1 and ndctl_ns(ns)['mode'] == 'devdax',
              f'reconfigure namespace {ns} while mapped is refused', err)
    rc, _, err = ctl('reconfigure', 'namespace', ns, '--mode', 'fsdax',
                     '--force')
    n = ndctl_ns(ns)
    check(rc == 0 and n and n['mode'] == 'fsdax',
          f'reconfigure namespace {ns} back to fsdax', f'{err} {n}')


def main():
    if os.geteuid() != 0:
        print('skip: needs root (run inside tests/vm/run)')
        return 77
    region = hmem_region()
    if not region:
        skip('dax devices on soft-reserved memory',
             'no hmem dax region (tests/vm/run --soft-reserved SIZE)')
    else:
        config_sections(region)
        kernel_device(region)
        refusals(region)
        crashes(region)
        made = creates(region)
        resize_and_destroy(region, made)
    legacy()
    return done()


if __name__ == '__main__':
    sys.exit(main())
