#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The files daxmapd keeps for the fleet's tools, on a real kernel and the
guest's real system bus, run as root inside the VM bed with one empty
labelled NVDIMM region:

- daxmapd started as its unit starts it (no arguments), with the
  directories node_exporter and NFD read where Debian and NFD have them:
  the textfile (daxmap.prom) and the NFD feature file are there at
  start, no CDI spec while there is no devdax device;
- a namespace daxmapctl creates through daxmapd: the CDI spec in /run/cdi
  gets it by its daxmap name and its devname, the metrics and the NFD
  capacity show it with the figures GetStatus gives;
- one ndctl creates behind daxmapd's back shows up too (uevents);
- destroyed, each disappears from the CDI spec, and the spec goes when
  no devdax device is left;
- podman (Debian 12's 4.3, a real CDI consumer) run on a local rootfs,
  no image and no network: `--device daxmap.io/dax=NAME` by either name
  gives the container the device node, its major and minor the host's;
- every metrics text passes `promtool check metrics` where promtool is
  installed, every spec CDI's field rules (tests/cdi_check.py).

Usage: check-exports.py DAXMAPD DAXMAPCTL BUS-POLICY"""
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from checks import check, done, skip  # noqa: E402
from cdi_check import check_spec  # noqa: E402

DAXMAPD, CTL, POLICY = (os.path.abspath(p) for p in sys.argv[1:4])
TEXTFILE = "/var/lib/prometheus/node-exporter/daxmap.prom"
NFD = "/etc/kubernetes/node-feature-discovery/features.d/daxmap"
CDI = "/run/cdi/daxmap.io-dax.json"
# TCG is slow: generous, never asserted on.
READY_TIMEOUT = 60
CHANGE_TIMEOUT = 60


def run(*argv, timeout=600):
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout)


def status():
    r = run("busctl", "--json=short", "call", "org.daxmap1", "/org/daxmap1",
            "org.daxmap1.Manager", "GetStatus", "a{sv}", "0")
    return json.loads(json.loads(r.stdout)["data"][0])


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def cdi_names():
    text = read(CDI)
    if text is None:
        return None
    spec = json.loads(text)
    errors = check_spec(spec)
    check(not errors, "the CDI spec keeps CDI's rules", str(errors))
    return {d["name"]: d["containerEdits"]["deviceNodes"][0]["path"]
            for d in spec["devices"]}


def wait_for(what, cond):
    end = time.monotonic() + CHANGE_TIMEOUT
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


def metrics(text):
    out = {}
    for ln in (text or "").splitlines():
        m = re.match(r'^(\w+)(\{.*\})? (\d+)$', ln)
        if m:
            out[(m.group(1), m.group(2) or "")] = int(m.group(3))
    return out


def promtool_check(what, text):
    promtool = shutil.which("promtool")
    if not promtool:
        skip(f"promtool check metrics ({what})",
             "no promtool (Debian package prometheus)")
        return
    r = subprocess.run([promtool, "check", "metrics"], input=text,
                       capture_output=True, text=True)
    check(r.returncode == 0, f"promtool check metrics ({what})",
          r.stdout + r.stderr)


def podman_sees(name, chardev):
    """podman run --device daxmap.io/dax=@name: the container's node."""
    podman = shutil.which("podman")
    if not podman:
        skip(f"podman --device daxmap.io/dax={name}",
             "no podman (Debian package podman)")
        return
    # crun wants cgroup2 where systemd would have mounted it.
    if not os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        run("mount", "-t", "cgroup2", "none", "/sys/fs/cgroup")
    tmp = tempfile.mkdtemp(prefix="podman-")
    rootfs = os.path.join(tmp, "rootfs")
    for d in ("bin", "dev", "proc", "sys"):
        os.makedirs(os.path.join(rootfs, d))
    busybox = shutil.which("busybox")
    shutil.copy(busybox, os.path.join(rootfs, "bin", "busybox"))
    r = run(podman, "--storage-driver", "vfs", "--root",
            os.path.join(tmp, "store"), "--runroot", os.path.join(tmp, "run"),
            "--cgroup-manager", "cgroupfs", "--events-backend", "none",
            "run", "--rm", "--network", "none", "--cgroups", "disabled",
            "--device", f"daxmap.io/dax={name}", "--rootfs", rootfs,
            "/bin/busybox", "stat", "-c", "%t:%T", chardev, timeout=300)
    st = os.stat(chardev)
    want = f"{os.major(st.st_rdev):x}:{os.minor(st.st_rdev):x}"
    check(r.returncode == 0 and r.stdout.strip() == want,
          f"podman --device daxmap.io/dax={name}: the container has "
          f"{chardev}", f"{r.stdout.strip()} != {want}: {r.stderr[-1500:]}")
    shutil.rmtree(tmp, ignore_errors=True)


def start_bus_and_udevd():
    udevd = next((p for p in ("/lib/systemd/systemd-udevd",
                              "/usr/lib/systemd/systemd-udevd")
                  if os.path.exists(p)), None)
    check(udevd is not None, "udevd is installed (package udev)")
    log = open("/run/udevd.log", "w")
    subprocess.Popen([udevd], stdin=subprocess.DEVNULL, stdout=log,
                     stderr=log)
    for _ in range(100):
        if os.path.exists("/run/udev/control"):
            break
        time.sleep(0.1)
    shutil.copy(POLICY, "/etc/dbus-1/system.d/org.daxmap1.conf")
    os.makedirs("/run/dbus", exist_ok=True)
    r = run("dbus-daemon", "--system", "--fork")
    check(r.returncode == 0, "the system bus starts", r.stderr)


def start_daemon():
    tmp = tempfile.mkdtemp(prefix="daxmapd-")
    notify_path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify_path)
    err = open(os.path.join(tmp, "stderr"), "w")
    proc = subprocess.Popen([DAXMAPD], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=err,
                            env=dict(os.environ, NOTIFY_SOCKET=notify_path))
    end = time.monotonic() + READY_TIMEOUT
    got = ""
    while time.monotonic() < end and proc.poll() is None:
        ready, _, _ = select.select([sock], [], [], 0.5)
        if ready:
            got += sock.recv(4096).decode() + "\n"
            if "READY=1" in got.split("\n"):
                break
    check("READY=1" in got.split("\n"), "daxmapd starts as its unit does")
    # Nobody reads further notifications: sd_notify() must not block.
    sock.setblocking(False)
    return proc, sock, os.path.join(tmp, "stderr")


def device_of(s, name):
    ns = next((n for n in s["namespaces"] if n.get("name") == name), None)
    if not ns:
        return None
    return next((d for d in s["devices"] if d["namespace"] == ns["dev"]),
                None)


def check_figures(s, dev, what):
    """The metrics hold what GetStatus says of @dev."""
    text = read(TEXTFILE)
    promtool_check(what, text)
    m = metrics(text)
    key = ('daxmap_device_size_bytes',
           f'{{device="{dev["dev"]}",mode="{dev["mode"]}",'
           f'align="{dev["align"]}"}}')
    check(m.get(key) == dev["size"], f"{what}: its size in the metrics",
          f"{m.get(key)} != {dev['size']}")
    model = dev["memmap_sources"]["model"]
    key = ('daxmap_memmap_bytes',
           f'{{device="{dev["dev"]}",location="{model["location"]}",'
           f'source="model"}}')
    check(m.get(key) == model["actual_bytes"],
          f"{what}: its modelled memmap in the metrics",
          f"{m.get(key)} != {model['actual_bytes']}")
    want = sum(d["size"] for d in s["devices"] if d["mode"] == "devdax"
               and d["align"] == dev["align"])
    label = {4096: "4K", 2 << 20: "2M", 1 << 30: "1G"}[dev["align"]]
    nfd = read(NFD) or ""
    check(f"daxmap.io/devdax-{label}-bytes={want}" in nfd.splitlines(),
          f"{what}: the NFD capacity at {label}", nfd)


def main():
    os.environ.setdefault("DAXMAP_STATE_DIR", "/run/daxmap-exports-test")
    os.environ["DAXMAP_CONFIG_DIR"] = tempfile.mkdtemp(prefix="daxmap-conf-")
    os.environ.pop("DBUS_SYSTEM_BUS_ADDRESS", None)
    # What prometheus-node-exporter's and NFD's packages make.
    os.makedirs(os.path.dirname(TEXTFILE), exist_ok=True)
    os.makedirs(os.path.dirname(NFD), exist_ok=True)
    start_bus_and_udevd()
    proc, sock, log = start_daemon()
    try:
        s = status()
        check(read(TEXTFILE) is not None, "the textfile is there at start")
        promtool_check("at start", read(TEXTFILE) or "")
        nfd = read(NFD) or ""
        dedup = s["kernel"]["vmemmap_dedup"]
        check(f"daxmap.io/vmemmap-dedup={'true' if dedup == 'yes' else 'false'}"
              in nfd.splitlines() or dedup not in ("yes", "no"),
              "the NFD file says whether the kernel deduplicates", nfd)
        check(read(CDI) is None, "no CDI spec without devdax devices")

        r = run(CTL, "create", "namespace", "--size", "1G", "--align", "2M",
                "--name", "exp0")
        check(r.returncode == 0, "daxmapctl creates exp0 through daxmapd",
              r.stderr)
        s = status()
        dev = device_of(s, "exp0")
        check(dev is not None, "exp0 has a dax device", str(s["devices"]))
        if dev:
            check(wait_for("CDI", lambda: (cdi_names() or {}).get("exp0")
                           == dev["chardev"] and cdi_names().get(dev["dev"])
                           == dev["chardev"]),
                  "the CDI spec has exp0 by its name and its devname",
                  read(CDI))
            check_figures(status(), dev, "exp0")
            podman_sees("exp0", dev["chardev"])
            podman_sees(dev["dev"], dev["chardev"])

        r = run("ndctl", "create-namespace", "-m", "devdax", "-s", "1G",
                "-a", "2M", "-n", "foreign")
        check(r.returncode == 0, "ndctl creates foreign", r.stderr)
        foreign = json.loads(r.stdout) if r.returncode == 0 else {}
        chardev = "/dev/" + foreign.get("daxregion", {}).get(
            "devices", [{}])[0].get("chardev", "?")
        check(wait_for("CDI", lambda: (cdi_names() or {}).get("foreign")
                       == chardev),
              "a namespace made behind daxmapd's back: in the CDI spec",
              read(CDI))
        fdev = device_of(status(), "foreign")
        if fdev:
            check_figures(status(), fdev, "foreign")

        r = run(CTL, "destroy", "namespace", "exp0")
        check(r.returncode == 0, "daxmapctl destroys exp0", r.stderr)
        if dev:
            check(wait_for("CDI", lambda: "exp0" not in (cdi_names() or {})
                           and dev["dev"] not in (cdi_names() or {})),
                  "exp0 and its devname are gone from the CDI spec",
                  read(CDI))
            check(wait_for("metrics", lambda: f'device="{dev["dev"]}"'
                           not in (read(TEXTFILE) or "")),
                  "and from the metrics", read(TEXTFILE))
        r = run("ndctl", "destroy-namespace", "-f", foreign.get("dev", "?"))
        check(r.returncode == 0, "ndctl destroys foreign", r.stderr)
        check(wait_for("CDI", lambda: read(CDI) is None),
              "no devdax device left: no CDI spec", read(CDI))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        rc = proc.wait(120)
        check(rc == 0, "SIGTERM: daxmapd exits 0", f"exit {rc}")
        if failures_so_far():
            print(read(log)[-3000:])
    return done()


def failures_so_far():
    import checks
    return checks.failures


if __name__ == "__main__":
    sys.exit(main())
