#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A persistent CXL memory device as a user provisions it, run as root in
the VM bed booted with --cxl-pmem 512M:

- cxl list shows the memdev; cxl create-region -t pmem makes a region on
  it, which cxl_pmem turns into an nd region on the CXL nvdimm bridge;
- daxmapctl status shows that region on bus CXL, at the CXL region's size;
- the dax region of a namespace there names the CXL region and memdev
  behind it, as cxl list does;
- a 256 MiB devdax namespace at align 2M created there by daxmapctl, its
  dax region on the nvdimm bridge, its memmap figures held against the
  kernel's sizes (baseline = pages x 64 B, saved = baseline - actual);
- the namespace destroyed by daxmapctl, the region all free again.

A kernel that cannot commit the CXL region is a skip with its message.

Usage: check-cxl.py DAXMAPCTL
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import (as_list, check, direct_status, done,  # noqa: E402
                    own_state_dir, run, skip)

CTL = sys.argv[1]
PAGE = 4096
MiB = 1 << 20
STRUCT_PAGE = 64
own_state_dir()


def main():
    memdevs = as_list(run('cxl', 'list', '-M').stdout)
    check(len(memdevs) == 1 and memdevs[0].get('memdev') == 'mem0',
          'cxl list -M shows the one memdev mem0', memdevs)
    if not memdevs:
        return
    check(memdevs[0].get('pmem_size') == 512 * MiB,
          'mem0 is 512 MiB of pmem', memdevs[0])

    p = run('cxl', 'create-region', '-m', '-t', 'pmem', '-d', 'decoder0.0',
            '-w', '1', 'mem0', ok=False)
    if p.returncode:
        skip('a pmem region on mem0',
             'this kernel cannot create or commit it: ' +
             (p.stderr.strip().splitlines() or ['?'])[-1])
        return
    cregion = json.loads(p.stdout)
    check(cregion.get('decode_state') == 'commit',
          f'cxl create-region made {cregion.get("region")}, committed',
          cregion)
    maps = [m.get('memdev') for m in cregion.get('mappings', [])]
    check(maps == ['mem0'], 'the CXL region maps mem0 (cxl create-region)',
          maps)
    listed = as_list(run('cxl', 'list', '-R').stdout)
    check([r.get('region') for r in listed] == [cregion.get('region')],
          'cxl list -R shows the same region', listed)

    regions = [r for r in direct_status(CTL)['regions'] if r['bus'] == 'CXL']
    check(len(regions) == 1, 'daxmapctl status shows one region on bus CXL',
          direct_status(CTL)['regions'])
    if len(regions) != 1:
        return
    region = regions[0]
    path = os.path.realpath(f'/sys/bus/nd/devices/{region["dev"]}')
    check('/nvdimm-bridge' in path,
          f'{region["dev"]} sits on the CXL nvdimm bridge', path)
    check(region['type'] == 'pmem' and region['size'] == cregion['size'],
          f'{region["dev"]} is pmem, the CXL region\'s size', region)
    size = 256 * MiB
    run(CTL, '--direct', 'create', 'namespace', '--size', str(size),
        '--align', '2M', '--region', region['dev'])
    st = direct_status(CTL)
    nss = [n for n in st['namespaces'] if n['region'] == region['dev']]
    check(len(nss) == 1 and nss[0]['mode'] == 'devdax' and
          nss[0]['align'] == 2 * MiB and nss[0]['raw_size'] == size and
          nss[0]['managed'],
          'daxmapctl created a 256 MiB devdax namespace at align 2M', nss)
    if len(nss) != 1:
        return
    ns = nss[0]
    devs = [d for d in st['devices'] if d['namespace'] == ns['dev']]
    check(len(devs) == 1, f'{ns["dev"]} has one dax device', devs)
    if len(devs) != 1:
        return
    dev = devs[0]
    dregion = [r for r in st['dax_regions'] if r['id'] == dev['dax_region']]
    check(len(dregion) == 1 and dregion[0]['provider'] == 'nvdimm' and
          dregion[0]['namespace'] == ns['dev'] and
          '/nvdimm-bridge' in dregion[0]['path'],
          'its dax region is the namespace\'s, on the nvdimm bridge', dregion)
    want = {'region': cregion['region'], 'memdevs': maps}
    check(dregion and dregion[0]['cxl'] == want,
          f'status names the CXL region and memdevs behind it as cxl list '
          f'does ({want})', dregion and dregion[0]['cxl'])
    text = run(CTL, '--direct', 'status').stdout
    row = [ln.split() for ln in text.splitlines()
           if ln.split()[:2] == [str(dev['dax_region']), 'nvdimm']]
    behind = f'{ns["dev"]}, CXL {cregion["region"]}'
    check(row and ' '.join(row[0][2:5]) == behind,
          f'status\'s dax region row says what is behind it: {behind}',
          text)
    sysfs = int(open(f'/sys/bus/dax/devices/{dev["dev"]}/size').read())
    check(dev['size'] == sysfs == ns['size'] and dev['align'] == 2 * MiB,
          f'{dev["dev"]}: size as sysfs says ({sysfs}), align 2M', dev)
    m = dev['memmap']
    baseline = dev['size'] // PAGE * STRUCT_PAGE
    check(m['baseline_bytes'] == baseline,
          f'memmap baseline = {dev["size"] // PAGE} pages x 64 B', m)
    check(0 < m['actual_bytes'] <= baseline and
          m['saved_bytes'] == baseline - m['actual_bytes'],
          'memmap actual within baseline, saved = baseline - actual', m)
    model = dev['memmap_sources']['model']
    check(model['actual_bytes'] == m['actual_bytes'],
          'the model\'s memmap is the kernel\'s',
          f'model {model}, {m["source"]} {m}')

    run(CTL, '--direct', 'destroy', 'namespace', ns['dev'])
    st = direct_status(CTL)
    region = [r for r in st['regions'] if r['dev'] == region['dev']]
    check(not [n for n in st['namespaces'] if n['region'] == ns['region']]
          and region and region[0]['available_size'] == region[0]['size'],
          'daxmapctl destroyed it: the region all free again', region)


main()
sys.exit(done())
