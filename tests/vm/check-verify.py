#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""daxmapctl verify device on a real kernel, run as root inside the VM bed
with one empty labelled NVDIMM region of at least 12 GiB:

- 4K, 2M and 1G devices pass: libpmem2's alignment and the kernel's page
  size for the mapping (KernelPageSize) are the align, the pattern reads
  back, the page tables measured for the mapping are the model's within a
  page per level, and what was zeros is zeros again;
- a device in system-ram mode, one another process maps, one that holds
  data, a size beyond the device, an unknown device and a name that
  matches nothing are refused with a clear error and nothing is written;
  --force verifies a mapped device and writes over data;
- bad blocks: injected where the bed can (ndctl inject-error), else the
  skip says why.

Usage: check-verify.py DAXMAPCTL"""
import json
import mmap
import subprocess
import sys

from checks import check, done, skip

GiB = 1 << 30
PAGE = 4096
CTL = sys.argv[1]
def run(*args):
    p = subprocess.run(args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def ctl(*args):
    return run(CTL, '--direct', *args)


def create(name, size, align):
    rc, out, err = ctl('--json', 'create', 'namespace', '--size', size,
                       '--align', align, '--name', name)
    if rc != 0:
        raise RuntimeError(f'create {name}: {err}')
    return json.loads(out)['devices'][0]['dev']


def head(dev, length=PAGE, offset=0):
    """The bytes at @offset of /dev/@dev, read through a mapping."""
    with open(f'/dev/{dev}', 'rb') as f:
        m = mmap.mmap(f.fileno(), align_of(dev), prot=mmap.PROT_READ)
        try:
            return m[offset:offset + length]
        finally:
            m.close()


def poke(dev, data, offset=0):
    with open(f'/dev/{dev}', 'r+b') as f:
        m = mmap.mmap(f.fileno(), align_of(dev))
        m[offset:offset + len(data)] = data
        m.close()


def align_of(dev):
    with open(f'/sys/bus/dax/devices/{dev}/align') as f:
        return max(int(f.read()), PAGE)


def verify(*args):
    rc, out, err = ctl('--json', 'verify', 'device', *args)
    return rc, (json.loads(out)['verify'] if rc in (0, 1) and out else None), err


def passes():
    devs = {}
    for name, size, align, want in (('v4k', '2G', '4K', 4096),
                                    ('v2m', '2G', '2M', 2 << 20),
                                    ('v1g', '3G', '1G', GiB)):
        dev = create(name, size, align)
        devs[name] = dev
        rc, v, err = verify(name, '--pattern')
        if v is None:
            check(False, f'verify {name} ({align})', f'rc {rc}: {err}')
            continue
        checks = {c['check']: c for c in v['checks']}
        check(rc == 0 and v['passed'], f'verify {name} ({align}) passes',
              f'rc {rc}: {v}')
        check(v['mapping']['source_alignment'] == want and
              checks['alignment']['passed'],
              f'{align}: libpmem2 says the alignment is {want}',
              str(v['mapping']))
        check(v['mapping']['kernel_page_size'] == want and
              checks['page_size']['passed'],
              f'{align}: the kernel maps it with {want}-byte pages',
              str(v['mapping']))
        p = v['pattern']
        check(p['mismatch'] is None and p['written_bytes'] > 0 and
              p['write_bytes_per_sec'] > 0 and p['read_bytes_per_sec'] > 0,
              f'{align}: the pattern reads back, with throughputs', str(p))
        check(p['restored_bytes'] == p['written_bytes'] and
              head(dev) == bytes(PAGE),
              f'{align}: what was zeros is zeros again', str(p))
        pt = v['pagetables']
        # The model counts the page-table pages the mapping needs at its
        # own level; what else a fresh address range takes (an upper
        # table or two) is within a page per level.
        check(abs(pt['measured_bytes'] - pt['model_bytes']) <= 3 * PAGE,
              f'{align}: page tables measured {pt["measured_bytes"]} B for '
              f'{pt["mapped_bytes"] >> 20} MiB against the model\'s '
              f'{pt["model_bytes"]} B', str(pt))
        # Kept for status, beside the model.
        rc, out, err = ctl('--json', 'status')
        dev_status = [d for d in json.loads(out)['devices']
                      if d['dev'] == dev] if rc == 0 else []
        kept = dev_status[0]['verify'] if dev_status else None
        check(kept is not None and kept['passed'] and
              kept['pagetables']['measured_bytes'] == pt['measured_bytes'] and
              kept['pagetables']['model_bytes'] == pt['model_bytes'] and
              kept['kernel_page_size'] == want,
              f'{align}: status shows what verify measured, beside the model',
              f'{kept} vs {pt}')
        print(f'# {align}: page tables per GiB mapped: measured '
              f'{pt["measured_per_gib"]} B, model {pt["model_per_gib"]} B; '
              f'pattern written at {p["write_bytes_per_sec"] >> 20} MiB/s, '
              f'read at {p["read_bytes_per_sec"] >> 20} MiB/s', flush=True)
    rc, out, _ = ctl('status')
    check(rc == 0 and 'measured by verify' in out and
          all(d in out for d in devs.values()),
          'status text has the verified mappings of the three devices', out)
    return devs


def refusals(devs):
    dev = devs['v2m']
    poke(dev, b'precious data')

    def refused(what, args, want_msg, want_rc=1):
        rc, out, err = ctl('verify', 'device', *args)
        check(rc == want_rc and want_msg in err and err.count('\n') == 1 and
              head(dev, 13) == b'precious data',
              f'{what}: refused with one line, nothing written',
              f'rc {rc}, stderr {err!r}')

    refused('a device that holds data', [dev, '--pattern'], 'holds data at offset 0')
    refused('a size beyond the device', [dev, '--pattern', '--size', '3G'],
            'does not fit')
    refused('an unknown device', ['dax9.9'], "no dax device 'dax9.9'")
    refused('a name that matches nothing', ['nosuchname'],
            "no dax device 'nosuchname'")
    refused('a size without the pattern', [dev, '--size', '1M'],
            'give it with the pattern', 2)

    # Another process maps it.
    holder = subprocess.Popen(
        [sys.executable, '-c',
         'import mmap,sys\n'
         f'f=open("/dev/{dev}","rb")\n'
         f'm=mmap.mmap(f.fileno(),{2 << 20},prot=mmap.PROT_READ)\n'
         'm[0]\nprint("mapped",flush=True)\nsys.stdin.read()'],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holder.stdout.readline()
    rc, out, _ = ctl('--json', 'status')
    mappers = [m for d in json.loads(out)['devices'] if d['dev'] == dev
               for m in d['mappers']] if rc == 0 else []
    check(len(mappers) == 1 and mappers[0]['pagetable_source'] == 'model',
          'status says a mapper\'s page tables are the model\'s', str(mappers))
    refused('a device another process maps', [dev], 'is mapped by pid')
    rc, v, err = verify(dev, '--force')
    check(rc == 0 and v['passed'] and v['pattern'] is None,
          '--force verifies a mapped device (without writing)',
          f'rc {rc}: {err}')
    holder.stdin.close()
    holder.wait()

    rc, v, err = verify(dev, '--pattern', '--force')
    check(rc == 0 and v['passed'] and head(dev, 13) != b'precious data',
          '--force writes over data', f'rc {rc}: {err}')

    # system-ram: memory the kernel manages, nothing to map.
    rc, _, err = ctl('reconfigure', 'device', dev, '--mode', 'system-ram')
    if rc != 0:
        skip('a device in system-ram mode', f'cannot reconfigure: {err}')
    else:
        rc, out, err = ctl('verify', 'device', dev, '--pattern')
        check(rc == 1 and 'system-ram mode' in err,
              'a device in system-ram mode is refused', f'rc {rc}: {err!r}')
        ctl('reconfigure', 'device', dev, '--mode', 'devdax')


def badblocks(devs):
    rc, v, err = verify(devs['v1g'])
    check(rc == 0 and v['badblocks'] == [],
          'a fresh device has no known bad blocks', f'{err} {v}')
    ns = v['namespace'] if v else ''
    rc, out, _ = ctl('--json', 'status')
    st = json.loads(out) if rc == 0 else {}
    check([n['badblocks'] for n in st.get('namespaces', []) if n['dev'] == ns]
          == [[]] and
          [d['badblocks'] for d in st.get('devices', [])
           if d['dev'] == devs['v1g']] == [[]],
          'status: no bad blocks on its namespace and device, as a list',
          out[:300])
    rc, out, err = run('ndctl', 'inject-error', '--block=4096', '--count=1',
                       ns)
    if rc != 0:
        skip('a device with an injected bad block',
             'the bed cannot inject errors: QEMU\'s emulated NFIT has no '
             f'error-injection DSM (ndctl inject-error: {err.strip()})')
        return
    rc, v, err = verify(devs['v1g'], '--pattern', '--size', '4M')
    check(rc == 1 and 'bad block' in err,
          'verify refuses to write over an injected bad block', err)


def main():
    devs = passes()
    refusals(devs)
    badblocks(devs)
    return done()


if __name__ == '__main__':
    sys.exit(main())
