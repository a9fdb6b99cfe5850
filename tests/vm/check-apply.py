#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The declarative configuration on a real kernel, run as root in the VM
bed with one empty labelled NVDIMM region of at least 16 GiB
(daxmapctl --direct; check-daemon has the daemon's side):

- apply creates what the configuration names and is missing; a second
  apply does nothing;
- a namespace changed behind daxmap's back (ndctl) shows as drift in
  status and apply leaves it alone;
- recreate = yes recreates a drifted namespace daxmap created, never one
  it did not, and not while a process maps it;
- a configuration that does not load is refused with file and line, and
  nothing changes (ndctl list -RN byte-identical).

Usage: check-apply.py DAXMAPCTL"""
import json
import mmap
import os
import subprocess
import sys
import tempfile

from checks import check, done

CTL = sys.argv[1]
CONF = tempfile.mkdtemp(prefix="daxmap-conf-")


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True,
                          env=dict(os.environ, DAXMAP_CONFIG_DIR=CONF))


def ctl(*args):
    return run(CTL, "--direct", *args)


def apply(*args):
    r = ctl("--json", "apply", *args)
    try:
        report = json.loads(r.stdout)["apply"]
    except (ValueError, KeyError):
        report = {"namespaces": [], "summary": {}}
    return r, {n["name"]: n for n in report["namespaces"]}, report


def status():
    return json.loads(ctl("--json", "status").stdout)


def config(text, name="daxmap.conf"):
    with open(os.path.join(CONF, name), "w") as f:
        f.write(text)


def snapshot():
    return run("ndctl", "list", "-RN").stdout


FIRST = """# what this host should have
[namespace db0]
size = 2G
align = 2M

[namespace cache0]
size = 3G
align = 1G
map = mem
"""


def creates_and_idempotent():
    config(FIRST)
    r, by, rep = apply("--dry-run")
    check(r.returncode == 0 and by["db0"]["outcome"] == "would-create" and
          by["cache0"]["outcome"] == "would-create" and
          not status()["namespaces"],
          "apply --dry-run: would create both, creates nothing", r.stderr)
    r, by, rep = apply()
    s = status()
    names = {n["name"]: n for n in s["namespaces"]}
    check(r.returncode == 0 and by["db0"]["outcome"] == "created" and
          by["cache0"]["outcome"] == "created" and
          names.get("db0", {}).get("align") == 2 << 20 and
          names.get("cache0", {}).get("align") == 1 << 30 and
          all(n["managed"] for n in names.values()),
          "apply creates what is missing, as said, as daxmap's",
          r.stdout + r.stderr)
    before = snapshot()
    r, by, rep = apply()
    check(r.returncode == 0 and rep["summary"]["unchanged"] == 2 and
          rep["summary"]["created"] == 0 and snapshot() == before,
          "a second apply does nothing", r.stdout)
    cfg = s["config"]
    check(cfg["error"] is None and
          [c["state"] for c in cfg["namespaces"]] == ["ok", "ok"] and
          cfg["last_apply"] and cfg["last_apply"]["created"] == 2,
          "status: both ok, the last apply created 2", str(cfg))


def drift_left_alone():
    """ndctl makes 'logs' at 2M; the configuration wants 1G."""
    r = run("ndctl", "create-namespace", "-m", "devdax", "-s", "1G", "-a",
            "2M", "-n", "logs")
    check(r.returncode == 0, "ndctl creates 'logs' behind daxmap's back",
          r.stderr)
    config("[namespace logs]\nsize = 1G\nalign = 1G\nrecreate = yes\n",
           "daxmap.conf.d/20-logs.conf")
    s = status()
    logs = next((c for c in s["config"]["namespaces"]
                 if c["name"] == "logs"), {})
    check(logs.get("state") == "drift" and logs.get("drift") ==
          [{"key": "align", "want": "1G", "have": "2M"}] and
          not logs.get("managed"),
          "status: logs drifted in align, not daxmap's", str(logs))
    text = ctl("status").stdout
    check("align is 2M (wants 1G)" in text,
          "status text shows the drift", text[-1500:])
    before = snapshot()
    r, by, _ = apply()
    check(r.returncode == 0 and by["logs"]["outcome"] == "left-drifted" and
          "did not create" in by["logs"]["message"] and
          snapshot() == before,
          "apply leaves ndctl's namespace alone, even with recreate = yes",
          r.stdout)


def recreate():
    """db0 is daxmap's: at 1G align with recreate = yes it is recreated,
    but not while a process maps it."""
    config(FIRST.replace("size = 2G\nalign = 2M",
                         "size = 2G\nalign = 1G\nrecreate = yes"))
    s = status()
    db0 = next(n for n in s["namespaces"] if n["name"] == "db0")
    dev = next(d["chardev"] for d in s["devices"]
               if d["namespace"] == db0["dev"])
    fd = os.open(dev, os.O_RDWR)
    m = mmap.mmap(fd, 2 << 20)
    m[0] = 1
    before = snapshot()
    r, by, _ = apply()
    check(r.returncode == 1 and by["db0"]["outcome"] == "failed" and
          "mapped" in by["db0"]["message"] and snapshot() == before,
          "recreate refused while a process maps it: exit 1, saying so",
          r.stdout + r.stderr)
    m.close()
    os.close(fd)
    r, by, _ = apply()
    db0 = next((n for n in status()["namespaces"] if n["name"] == "db0"), {})
    check(r.returncode == 0 and by["db0"]["outcome"] == "recreated" and
          db0.get("align") == 1 << 30 and db0.get("managed"),
          "unmapped, db0 is recreated at 1G align", r.stdout + r.stderr)


def malformed():
    before = snapshot()
    config("[namespace more]\nsize = 1G\ncolour = blue\n",
           "daxmap.conf.d/30-bad.conf")
    r = ctl("apply")
    bad = os.path.join(CONF, "daxmap.conf.d", "30-bad.conf")
    check(r.returncode == 1 and
          f"{bad}:3: unknown key 'colour'" in r.stderr and
          "nothing was changed" in r.stderr and snapshot() == before,
          "a bad file: exit 1, file:line and key, nothing changed",
          r.stderr)
    s = status()
    check(f"{bad}:3" in (s["config"]["error"] or ""),
          "status says why the configuration is not loaded",
          str(s["config"]))
    os.unlink(bad)


def main():
    os.environ.setdefault("DAXMAP_STATE_DIR", "/run/daxmap-apply-test")
    os.makedirs(os.path.join(CONF, "daxmap.conf.d"))
    creates_and_idempotent()
    drift_left_alone()
    recreate()
    malformed()
    return done()


if __name__ == "__main__":
    sys.exit(main())
