#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The exports of every status fixture, as the tools read them: the
Prometheus text parsed line by line (HELP and TYPE before every family,
one label set per family, escaped label values) and its values held
against the status JSON of the same topology; the NFD feature file as
nfd-worker parses it, with valid Kubernetes label names and values; the
CDI spec against CDI's field rules (tests/cdi_check.py). With promtool
given, `promtool check metrics` passes on every metrics text too.

check-exports.py EXPORT_RENDER FIXTURE_DIR [PROMTOOL]"""

import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from cdi_check import check_spec  # noqa: E402

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def render(tool, fmt, path, raw=False):
    args = [tool] + (["--raw"] if raw else []) + [fmt, path]
    return subprocess.run(args, check=True, capture_output=True,
                          text=True).stdout


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def unescape(v):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n"
                  else m.group(1), v)


def parse_prometheus(text, name):
    """{family: [(labels dict, value)]}, checking the format on the way."""
    families, helps, types, order = {}, set(), set(), []
    for line in text.splitlines():
        if line.startswith("# HELP "):
            fam = line.split(" ", 3)[2]
            check(fam not in helps, f"{name}: HELP {fam} twice")
            helps.add(fam)
            order.append(fam)
            continue
        if line.startswith("# TYPE "):
            _, _, fam, typ = line.split(" ")
            check(fam in helps and fam not in types,
                  f"{name}: TYPE {fam} without HELP before or twice")
            check(typ == "gauge", f"{name}: {fam} is a {typ}")
            types.add(fam)
            families[fam] = []
            continue
        m = SAMPLE.match(line)
        check(m is not None, f"{name}: line {line!r} is no sample")
        if not m:
            continue
        fam = m.group(1)
        check(fam == order[-1],
              f"{name}: {fam} sampled apart from its HELP and TYPE")
        labels, rest = {}, m.group(3) or ""
        for lm in LABEL.finditer(rest):
            labels[lm.group(1)] = unescape(lm.group(2))
        check(",".join(f'{k}="{v}"' for k, v in
                       ((k, v.replace("\\", "\\\\").replace('"', '\\"')
                         .replace("\n", "\\n")) for k, v in labels.items()))
              == rest, f"{name}: labels {rest!r} do not parse")
        if families.get(fam):
            check(set(labels) == set(families[fam][0][0]),
                  f"{name}: {fam} changes its label names")
        families.setdefault(fam, []).append((labels, int(m.group(4))))
    return families


def value(fams, fam, **labels):
    got = [v for lab, v in fams.get(fam, [])
           if all(lab.get(k) == str(w) for k, w in labels.items())]
    return got[0] if len(got) == 1 else ("missing" if not got else got)


def check_prometheus(name, doc, fams):
    k = doc["kernel"]
    check(value(fams, "daxmap_kernel_info", release=k["release"],
                vmemmap_dedup=k["vmemmap_dedup"]) == 1,
          f"{name}: kernel_info")
    for patch in ("memmap-exact", "dax-memmap", "head-reuse", "pte-share"):
        check(value(fams, "daxmap_kernel_patch", patch=patch)
              == int(patch in k["patches"]), f"{name}: patch {patch}")
    names = {n["dev"]: n.get("name") for n in doc["namespaces"]}
    for d in doc["devices"]:
        dev = d["dev"]
        check(value(fams, "daxmap_device_size_bytes", device=dev,
                    mode=d["mode"], align=d["align"]) == d["size"],
              f"{name}: size of {dev}")
        # A dynamic device's own name (daxmap's record) comes first.
        check(value(fams, "daxmap_device_info", device=dev,
                    name=d.get("name") or names.get(d["namespace"]) or "")
              == 1,
              f"{name}: info of {dev}")
        for src, m in (d.get("memmap_sources") or {}).items():
            if not m:
                continue
            for fam, key in (("daxmap_memmap_bytes", "actual_bytes"),
                             ("daxmap_memmap_baseline_bytes",
                              "baseline_bytes"),
                             ("daxmap_memmap_saved_bytes", "saved_bytes"),
                             ("daxmap_memmap_pagetable_bytes",
                              "pagetable_bytes")):
                check(value(fams, fam, device=dev, source=src,
                            location=m["location"]) == m[key],
                      f"{name}: {fam} of {dev} from {src}")
        check(value(fams, "daxmap_memmap_source_info", device=dev,
                    source=d["memmap"]["source"]) == 1,
              f"{name}: best source of {dev}")
        for p in d["mappers"]:
            check(value(fams, "daxmap_mapper_pagetable_bytes", device=dev,
                        pid=p["pid"]) == p["pagetable_bytes"],
                  f"{name}: mapper {p['pid']} of {dev}")
    t = doc["totals"]
    check(value(fams, "daxmap_devdax_bytes") == t["devdax_bytes"],
          f"{name}: devdax total")
    check(value(fams, "daxmap_host_memmap_bytes", location="ram")
          == t["memmap"]["ram_bytes"], f"{name}: memmap in RAM")
    check(value(fams, "daxmap_host_memmap_saved_bytes")
          == t["memmap"]["saved_bytes"], f"{name}: saved total")
    check(value(fams, "daxmap_host_mappers_pagetable_bytes")
          == t["mappers_pagetable_bytes"], f"{name}: mappers total")
    c = doc.get("config")
    if c:
        for state in ("ok", "missing", "drift"):
            check(value(fams, "daxmap_config_sections", state=state)
                  == sum(n["state"] == state for n in c["namespaces"]),
                  f"{name}: sections {state}")
        drifts = [(n["name"], dr["key"]) for n in c["namespaces"]
                  for dr in n["drift"]]
        check(sorted((lab["section"], lab["key"]) for lab, _ in
                     fams["daxmap_config_drift"]) == sorted(drifts),
              f"{name}: drift")


K8S_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?"
                           r"(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def check_nfd(name, doc, text):
    check(len(text.encode()) <= 65536, f"{name}: NFD file over 64 kB")
    labels = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, val = line.partition("=")
        prefix, slash, short = key.partition("/")
        check(slash and DNS_SUBDOMAIN.match(prefix) and len(prefix) <= 253,
              f"{name}: NFD name {key!r} has no valid prefix")
        check(len(short) <= 63 and K8S_NAME.match(short),
              f"{name}: NFD name {key!r} is no Kubernetes label name")
        check(len(val) <= 63 and (val == "" or K8S_NAME.match(val)),
              f"{name}: NFD value {val!r} is no Kubernetes label value")
        labels[key] = val
    dedup = doc["kernel"]["vmemmap_dedup"]
    if dedup in ("yes", "no"):
        check(labels.get("daxmap.io/vmemmap-dedup")
              == ("true" if dedup == "yes" else "false"), f"{name}: dedup")
    for patch in doc["kernel"]["patches"]:
        check(labels.get(f"daxmap.io/kernel-patch.{patch}") == "true",
              f"{name}: patch {patch}")
    caps = {}
    for d in doc["devices"]:
        align = {4096: "4K", 2 << 20: "2M", 1 << 30: "1G"}[d["align"]]
        key = f"daxmap.io/{d['mode']}-{align}-bytes"
        caps[key] = caps.get(key, 0) + d["size"]
    got = {k: int(v) for k, v in labels.items() if k.endswith("-bytes")}
    check(got == caps, f"{name}: capacities {got} != {caps}")


def check_cdi(name, doc, text):
    devdax = [d for d in doc["devices"] if d["mode"] == "devdax"]
    if not devdax:
        check(text == "", f"{name}: a CDI spec without devdax devices")
        return
    spec = json.loads(text)
    for e in check_spec(spec):
        check(False, f"{name}: CDI: {e}")
    check(spec["kind"] == "daxmap.io/dax", f"{name}: CDI kind")
    nodes = {d["name"]: d["containerEdits"]["deviceNodes"][0]["path"]
             for d in spec["devices"]}
    names = {n["dev"]: n.get("name") for n in doc["namespaces"]}
    for d in devdax:
        check(nodes.get(d["dev"]) == d["chardev"], f"{name}: CDI {d['dev']}")
        nm = names.get(d["namespace"])
        if nm:
            check(nodes.get(nm) == d["chardev"], f"{name}: CDI {nm}")
    check(set(nodes.values()) == {d["chardev"] for d in devdax},
          f"{name}: CDI has devices that are not devdax")


def check_escaping(tool, promtool):
    """Label values from the host (comm, names) escaped per the format."""
    doc = {"schema": 1, "kernel": {"release": 'a"b\\c\nd'}, "devices": [
        {"dev": "dax9.9", "mode": "devdax", "align": 2097152, "size": 1,
         "chardev": "/dev/dax9.9", "namespace": None,
         "mappers": [{"pid": 7, "comm": 'x"y\\z\nw', "mapped_bytes": 2,
                      "pagetable_bytes": 3}]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(doc, f)
        f.flush()
        text = render(tool, "prometheus", f.name, raw=True)
    fams = parse_prometheus(text, "escaping")
    check(value(fams, "daxmap_kernel_info", release='a"b\\c\nd') == 1,
          "release escaped")
    check(value(fams, "daxmap_mapper_pagetable_bytes",
                comm='x"y\\z\nw') == 3, "comm escaped")
    promtool_check(promtool, "escaping", text)


def promtool_check(promtool, name, text):
    if not promtool:
        return
    r = subprocess.run([promtool, "check", "metrics"], input=text,
                       capture_output=True, text=True)
    check(r.returncode == 0, f"{name}: promtool: {r.stdout}{r.stderr}")


def main():
    tool, fixtures = sys.argv[1], sys.argv[2]
    promtool = sys.argv[3] if len(sys.argv) > 3 else None
    status_dir = os.path.join(fixtures, "status")
    names = [n for n in sorted(os.listdir(status_dir))
             if n.endswith(".json") and "apply-report" not in n]
    check(len(names) >= 4, "status fixtures found")
    for n in names:
        path = os.path.join(status_dir, n)
        doc = json.loads(render(tool, "status", path))
        prom = render(tool, "prometheus", path)
        check_prometheus(n, doc, parse_prometheus(prom, n))
        promtool_check(promtool, n, prom)
        check_nfd(n, doc, render(tool, "nfd", path))
        check_cdi(n, doc, render(tool, "cdi", path))
    check_escaping(tool, promtool)
    print(f"{len(names)} fixtures, {len(failures)} failures"
          + ("" if promtool else " (promtool not installed: not run)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
