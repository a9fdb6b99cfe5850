#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""daxmapd under load, on a real kernel: run as root in the VM bed with
NVDIMM regions (tests/bench/meson.build boots it with two).

Starts udevd, the guest's system bus and daxmapd, makes a topology of DEVICES
(64) small devdax namespaces with ndctl, starts OTHERS (1000) idle
processes and MAPPERS (4) that each map a device, then:

1. 1000 GetStatus calls from 8 concurrent clients, each with its own bus
   connection (getstatus-load): p50/p90/p99 latency, errors, calls per
   second, and the daemon's RSS before and after;
2. the same load while a CreateNamespace runs (it measures, so it drops
   the page cache around its enable): p99 again;
3. one `busctl call ... GetStatus` against `ndctl list -RNDu` followed by
   `daxctl list -u` on the same topology: the median of RUNS runs each;
4. the ratios: the load's p50 and one busctl call each against ndctl +
   daxctl (the goal is 0.1 or less at p50).

Prints figures; fails only when a command fails or a call errs.

Usage: bench-daemon.py DAXMAPD GETSTATUS-LOAD BUS-POLICY [RUNS]"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

DAXMAPD, LOAD, POLICY = (os.path.abspath(p) for p in sys.argv[1:4])
RUNS = int(sys.argv[4]) if len(sys.argv) > 4 else 9
DEVICES = 64
OTHERS = 1000
MAPPERS = 4
MAPPER = """import mmap, os, sys, time
m = mmap.mmap(os.open(sys.argv[1], os.O_RDWR), 2 << 20, mmap.MAP_SHARED)
m[0] = 1
print("mapped", flush=True)
time.sleep(3600)
"""


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


def start_udevd():
    """udevd, as on every host: daxmapd hears of topology changes from it
    and rescans on them only (without it, every second)."""
    udevd = next((p for p in ("/lib/systemd/systemd-udevd",
                              "/usr/lib/systemd/systemd-udevd")
                  if os.path.exists(p)), None)
    if not udevd:
        sys.exit("bench: udevd is not installed (package udev)")
    proc = subprocess.Popen([udevd], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists("/run/udev/control"):
            return proc
        time.sleep(0.1)
    sys.exit("bench: udevd did not start")


def load(clients, calls):
    """getstatus-load's output and its p50, p99 in ms."""
    r = run(LOAD, str(clients), str(calls), check=False)
    m = re.search(r"p50 ([0-9.]+) .*p99 ([0-9.]+)", r.stdout)
    p50, p99 = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
    return r, p50, p99


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
    udevd = start_udevd()
    # -v: its log says how long each refresh took (read at the end).
    log_path = "/run/daxmapd-bench.log"
    daemon_log = open(log_path, "a")
    daemon = subprocess.Popen([DAXMAPD, "-v"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=daemon_log)
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
    devs = []
    for i in range(DEVICES):
        r = run("ndctl", "create-namespace", "-r", regions[i % len(regions)],
                "-m", "devdax", "-s", "64M", "-a", "2M", "-M", "mem")
        devs.append(json.loads(r.stdout)["daxregion"]["devices"][0]["chardev"])
    others = [subprocess.Popen(["sleep", "3600"]) for _ in range(OTHERS)]
    mappers = []
    for dev in devs[:MAPPERS]:
        p = subprocess.Popen([sys.executable, "-c", MAPPER, f"/dev/{dev}"],
                             stdout=subprocess.PIPE, text=True)
        if p.stdout.readline().strip() != "mapped":
            sys.exit(f"bench: cannot map /dev/{dev}")
        mappers.append(p)
    nproc = sum(1 for d in os.listdir("/proc") if d.isdigit())
    print(f"bench: daxmapd on {os.uname().release}, {len(regions)} regions, "
          f"{DEVICES} devdax namespaces, {nproc} processes, {MAPPERS} of "
          "them mapping a device", flush=True)

    try:
        # Warm: the first call pays for the page cache over 9p.
        r = run("busctl", "--json=short", "call", "org.daxmap1",
                "/org/daxmap1", "org.daxmap1.Manager", "GetStatus", "a{sv}",
                "0")
        doc = json.loads(r.stdout)["data"][0]
        status = json.loads(doc)
        seen = sum(len(d["mappers"]) for d in status["devices"])
        print(f"  GetStatus sees {len(status['devices'])} devices, {seen} "
              f"mappers ({len(doc.encode())} bytes of JSON)", flush=True)
        refreshes_at = os.path.getsize(log_path)
        before = rss_kib(daemon.pid)
        r, p50, p99 = load(8, 125)
        after = rss_kib(daemon.pid)
        print(r.stdout, end="")
        print(f"  daxmapd RSS: {before} KiB before, {after} KiB after "
              f"({after - before:+d} KiB)", flush=True)
        failed = r.returncode != 0 or "0 errors" not in r.stdout

        # The same load while a create measures its enable.
        create = subprocess.Popen(
            ["busctl", "--timeout=600", "call", "org.daxmap1",
             "/org/daxmap1", "org.daxmap1.Manager", "CreateNamespace",
             "a{sv}", "3", "size", "t", str(256 << 20), "name", "s",
             "bench-create", "measure", "b", "true"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        r2, p50_c, p99_c = load(8, 50)
        running = create.poll() is None
        out, err = create.communicate(timeout=600)
        print("\nwhile a CreateNamespace (measured) runs"
              f"{'' if running else ' (it ended before the load did)'}:")
        print(r2.stdout, end="")
        print(f"  p99 {p99_c:.2f} ms while creating, {p99:.2f} ms idle",
              flush=True)
        failed |= create.returncode != 0 or "0 errors" not in r2.stdout
        if create.returncode != 0:
            print(f"bench: the create failed: {err.strip()}")
        run("ndctl", "destroy-namespace", "-f", "bench-create", check=False)

        ours = median_ms([("busctl", "call", "org.daxmap1", "/org/daxmap1",
                           "org.daxmap1.Manager", "GetStatus", "a{sv}", "0")])
        # What busctl itself costs: a call the bus driver answers.
        floor = median_ms([("busctl", "call", "org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus",
                            "GetId")])
        theirs = median_ms([("ndctl", "list", "-RNDu"),
                            ("daxctl", "list", "-u")])
        print(f"\none status, median of {RUNS} (min, max):")
        print(f"  busctl call GetStatus               {ours[0]:8.1f} ms "
              f"({ours[1]:.1f}, {ours[2]:.1f})")
        print(f"  busctl call GetId (the bus driver)  {floor[0]:8.1f} ms "
              f"({floor[1]:.1f}, {floor[2]:.1f})")
        print(f"  ndctl list -RNDu + daxctl list -u   {theirs[0]:8.1f} ms "
              f"({theirs[1]:.1f}, {theirs[2]:.1f})")
        print(f"  ratio busctl GetStatus / (ndctl + daxctl): "
              f"{ours[0] / theirs[0]:.3f}")
        print(f"  ratio load p50 / (ndctl + daxctl): {p50 / theirs[0]:.3f} "
              "(goal: 0.1 or less)")
    finally:
        for p in others + mappers:
            p.kill()
            p.wait()

    daemon.terminate()
    daemon.wait(30)
    # The refreshes off the loop during the loads: how long they took.
    daemon_log.close()
    with open(log_path, errors="replace") as f:
        f.seek(refreshes_at)
        lines = f.readlines()
    took = {"mappers": [], "topology": []}
    for line in lines:
        m = re.search(r"status refresh \((\w+)\) took (\d+) ms", line)
        if m:
            took[m.group(1)].append(int(m.group(2)))
    for kind, ms in took.items():
        if ms:
            print(f"  refreshes off the loop ({kind}): {len(ms)}, median "
                  f"{statistics.median(ms):.0f} ms, max {max(ms)} ms")
    udevd.terminate()
    udevd.wait(30)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
