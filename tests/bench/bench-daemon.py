#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""daxmapd under load, on a real kernel: run as root in the VM bed with
NVDIMM regions (tests/bench/meson.build boots it with two).

Starts the guest's system bus and daxmapd, makes a topology of eight
namespaces with ndctl, then:

1. 1000 GetStatus calls from 8 concurrent clients, each with its own bus
   connection (getstatus-load): p50/p90/p99 latency, errors, calls per
   second, and the daemon's RSS before and after;
2. one `busctl call ... GetStatus` against `ndctl list -RNDu` followed by
   `daxctl list -u` on the same topology: the median of RUNS runs each,
   and the ratio.

Prints figures; fails only when a command fails or a call errs.

Usage: bench-daemon.py DAXMAPD GETSTATUS-LOAD BUS-POLICY [RUNS]"""
import os
import shutil
import statistics
import subprocess
import sys
import time

DAXMAPD, LOAD, POLICY = (os.path.abspath(p) for p in sys.argv[1:4])
RUNS = int(sys.argv[4]) if len(sys.argv) > 4 else 9


def run(*argv, check=True):
    p = subprocess.run(argv, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)}: exit {p.returncode}: "
                 f"{p.stderr.strip()}")
    return p


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def median_ms(argv_list):
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        for argv in argv_list:
            run(*argv)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def main():
    os.environ.setdefault("DAXMAP_STATE_DIR", "/run/daxmap-bench")
    shutil.copy(POLICY, "/etc/dbus-1/system.d/org.daxmap1.conf")
    os.makedirs("/run/dbus", exist_ok=True)
    run("dbus-daemon", "--system", "--fork")
    daemon = subprocess.Popen([DAXMAPD], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    for _ in range(600):
        r = run("busctl", "call", "org.freedesktop.DBus",
                "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "NameHasOwner", "s", "org.daxmap1", check=False)
        if r.stdout.strip() == "b true":
            break
        time.sleep(0.1)
    else:
        sys.exit("bench: daxmapd did not come up")

    regions = sorted(d for d in os.listdir("/sys/bus/nd/devices")
                     if d.startswith("region"))
    for i in range(8):
        run("ndctl", "create-namespace", "-r", regions[i % len(regions)],
            "-m", "devdax", "-s", "512M", "-a", "2M", "-M", "mem")
    print(f"bench: daxmapd on {os.uname().release}, {len(regions)} regions, "
          "8 namespaces", flush=True)

    # Warm: the first call pays for the page cache over 9p.
    run("busctl", "call", "org.daxmap1", "/org/daxmap1",
        "org.daxmap1.Manager", "GetStatus", "a{sv}", "0")
    before = rss_kib(daemon.pid)
    r = run(LOAD, "8", "125", check=False)
    after = rss_kib(daemon.pid)
    print(r.stdout, end="")
    print(f"  daxmapd RSS: {before} KiB before, {after} KiB after "
          f"({after - before:+d} KiB)", flush=True)

    ours = median_ms([("busctl", "call", "org.daxmap1", "/org/daxmap1",
                       "org.daxmap1.Manager", "GetStatus", "a{sv}", "0")])
    theirs = median_ms([("ndctl", "list", "-RNDu"), ("daxctl", "list", "-u")])
    print(f"\none status, median of {RUNS} (min, max):")
    print(f"  busctl call GetStatus               {ours[0]:8.1f} ms "
          f"({ours[1]:.1f}, {ours[2]:.1f})")
    print(f"  ndctl list -RNDu + daxctl list -u   {theirs[0]:8.1f} ms "
          f"({theirs[1]:.1f}, {theirs[2]:.1f})")
    print(f"  ratio daxmapd / (ndctl + daxctl): {ours[0] / theirs[0]:.2f}")

    daemon.terminate()
    daemon.wait(30)
    errors = "0 errors" not in r.stdout
    return 1 if r.returncode != 0 or errors else 0


if __name__ == "__main__":
    sys.exit(main())
