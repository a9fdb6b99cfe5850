#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""daxmapd on a real kernel and a real system bus, run as root inside the
VM bed with one empty labelled NVDIMM region of at least 16 GiB:

- the guest's system bus (dbus-daemon --system) with daxmapd's policy
  installed; daxmapd started as its unit starts it (no arguments,
  Type=notify: ready when it says READY=1);
- busctl introspects it and calls every method; gdbus, a second
  independent client, reads the ObjectManager and finds what GetStatus
  says;
- daxmapctl as its client: creates, reconfigures and destroys through it
  and prints what it prints with --direct;
- another user: every read allowed; every change denied, by polkit
  (which knows daxmapd's actions), unless a polkit rule allows it;
- a namespace ndctl creates behind its back shows up as an object, in
  GetStatus and in `daxmapctl monitor`; destroyed, it goes away;
- SIGKILL in the middle of CreateNamespace, restart: the interrupted
  create is rolled back or kept, nothing is orphaned;
- a create held at a step (DAXMAP_TEST_PAUSE_AT): GetStatus, properties
  and Plan answer meanwhile; then root sees every mapper of the device,
  another user all of them but the pid and command of its own only;
- the configuration: applied at start, Apply a no-op the second time,
  a bad file named by line while the daemon keeps the last good one;
- malformed calls get InvalidArgs or their named error and change
  nothing, with the daemon under valgrind;
- with --soft-reserved (a dynamic dax region, hmem): the kernel's device
  refused by DestroyDevice without force and destroyed with it, a 1G
  device made by CreateDevice (GetStatus answering while its create is
  held at a step), shown with its name, system-ram with memmap_on_memory
  where the kernel offers it and refused saying why where it does not,
  destroyed by name; with --legacy-pmem, ReconfigureNamespace refused
  without force, a label-less namespace turned into devdax and back.

Usage: check-daemon.py DAXMAPD DAXMAPCTL BUS-POLICY POLKIT-ACTIONS [CHECK...]
(CHECK: the name of one of the checks below, to run only those.)"""
import json
import os
import queue
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import checks
from checks import check, done

DAXMAPD, CTL, POLICY, POLKIT_ACTIONS = (os.path.abspath(p)
                                        for p in sys.argv[1:5])
BUS_NAME = "org.daxmap1"
MANAGER = "/org/daxmap1"
IFACE = "org.daxmap1.Manager"
GIB = 1 << 30
NOBODY = "65534"
# TCG is slow and valgrind slower: generous, never asserted on.
READY_TIMEOUT = 60
VALGRIND_READY_TIMEOUT = 600
EVENT_TIMEOUT = 30


def run(*argv, user=None, env=None, timeout=600):
    if user is not None:
        argv = ("setpriv", f"--reuid={user}", f"--regid={user}",
                "--clear-groups", *argv)
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout,
                          env=dict(os.environ, **(env or {})))


def busctl(*args, user=None):
    return run("busctl", *args, user=user)


def call(method, sig, *args, user=None):
    return busctl("--json=short", "call", BUS_NAME, MANAGER, IFACE, method,
                  sig, *args, user=user)


def gdbus(path, method, *args, user=None):
    return run("gdbus", "call", "--system", "--dest", BUS_NAME,
               "--object-path", path, "--method", method, *args, user=user)


def gdbus_error(r):
    m = re.search(r"GDBus\.Error:([A-Za-z0-9_.]+):", r.stderr)
    return m.group(1) if m else None


def status():
    r = call("GetStatus", "a{sv}", "0")
    if r.returncode != 0:
        raise RuntimeError(f"GetStatus: {r.stderr}")
    return json.loads(json.loads(r.stdout)["data"][0])


def ctl(*args, user=None):
    return run(CTL, *args, user=user)


def ndctl_json(*args):
    out = run("ndctl", *args).stdout
    j = json.loads(out) if out.strip() else []
    return j if isinstance(j, list) else [j]


def namespace_named(s, name):
    return next((n for n in s["namespaces"] if n["name"] == name), None)


def device_of(s, ns):
    return next((d for d in s["devices"] if d["namespace"] == ns["dev"]),
                None)


def path_of(kind, dev):
    return f"/org/daxmap1/{kind}/" + dev.replace(".", "_")


def labelled_regions(s):
    """The NVDIMM's regions: the bed's legacy pmem (bus e820) aside."""
    return [r for r in s["regions"] if r.get("bus") != "e820"]


def labelled_namespaces(s):
    """Namespaces with a label (a uuid): legacy pmem's has none."""
    return [n for n in s["namespaces"] if n.get("uuid")]


def nvdimm_region():
    return next((r["dev"] for r in labelled_regions(status())), "region0")


def without_counter(text):
    """Status text without the live nr_memmap_pages figures."""
    return "\n".join(ln for ln in text.splitlines()
                     if "nr_memmap_pages" not in ln and
                     "current value" not in ln)


# ------------------------------------------------------ bus and daemon

def start_udevd():
    """udevd, as on every host: daxmapd hears of devices through it."""
    udevd = next((p for p in ("/lib/systemd/systemd-udevd",
                              "/usr/lib/systemd/systemd-udevd")
                  if os.path.exists(p)), None)
    if not check(udevd is not None, "udevd is installed (package udev)"):
        return
    global UDEVD_LOG
    UDEVD_LOG = open("/run/udevd.log", "w")
    proc = subprocess.Popen([udevd, "--debug"], stdin=subprocess.DEVNULL,
                            stdout=UDEVD_LOG, stderr=UDEVD_LOG)
    for _ in range(100):
        if os.path.exists("/run/udev/control"):
            break
        time.sleep(0.1)
    check(proc.poll() is None and os.path.exists("/run/udev/control"),
          "udevd starts")


def udevd_log():
    with open("/run/udevd.log") as f:
        return f.read()


def start_system_bus():
    """The guest's own system bus, with daxmapd's policy installed."""
    shutil.copy(POLICY, "/etc/dbus-1/system.d/org.daxmap1.conf")
    os.makedirs("/run/dbus", exist_ok=True)
    r = run("dbus-daemon", "--system", "--fork")
    check(r.returncode == 0, "the system bus starts", r.stderr)


class Daemon:
    """daxmapd as daxmapd.service starts it: no arguments, Type=notify."""

    def __init__(self, wrapper=(), env=None):
        self.tmp = tempfile.mkdtemp(prefix="daxmapd-")
        self.notify_path = os.path.join(self.tmp, "notify")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        self.stderr_path = os.path.join(self.tmp, "stderr")
        full = dict(os.environ, NOTIFY_SOCKET=self.notify_path, **(env or {}))
        with open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(
                [*wrapper, DAXMAPD], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err, env=full)

    def wait_ready(self, timeout):
        """READY=1 within @timeout; then the socket is drained as the
        service manager would, or sd_notify() blocks on a full queue."""
        end = time.monotonic() + timeout
        got = ""
        while time.monotonic() < end and self.proc.poll() is None:
            ready, _, _ = select.select([self.notify], [], [], 0.5)
            if ready:
                got += self.notify.recv(4096).decode() + "\n"
                if "READY=1" in got.split("\n"):
                    threading.Thread(target=self.drain, daemon=True).start()
                    return True
        return False

    def drain(self):
        try:
            while self.notify.recv(4096):
                pass
        except OSError:
            pass

    def log(self):
        with open(self.stderr_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=120):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.notify.close()
        return rc


def start_daemon(what="daxmapd", wrapper=(), env=None,
                 timeout=READY_TIMEOUT):
    d = Daemon(wrapper, env)
    ok = d.wait_ready(timeout)
    check(ok, f"{what} started as its unit starts it: READY=1",
          d.log()[-1500:])
    return d if ok else None


# ------------------------------------------------------------- checks

def introspection():
    r = busctl("introspect", BUS_NAME, MANAGER)
    for member in ("GetStatus", "Plan", "CreateNamespace",
                   "DestroyNamespace", "ReconfigureDevice", "CreateDevice",
                   "DestroyDevice", "ReconfigureNamespace", "Apply",
                   "Reload"):
        check(f".{member} " in r.stdout, f"introspect lists {member}",
              r.stderr)


def every_method():
    """busctl calls every method, on the real system bus."""
    s = status()
    region = next((r["dev"] for r in labelled_regions(s)), "?")
    check(len(labelled_regions(s)) == 1 and not labelled_namespaces(s),
          "GetStatus: one labelled region, no namespace on it yet",
          str(s["regions"]))

    r = call("Plan", "ttsa{sv}", str(1 << 40), str(1 << 30), "mem", "0")
    plan = json.loads(json.loads(r.stdout)["data"][0]) if r.returncode == 0 \
        else {}
    check(plan.get("request", {}).get("align") == GIB, "Plan", r.stderr)

    r = call("CreateNamespace", "a{sv}", "4", "size", "t", str(2 * GIB),
             "align", "t", str(2 << 20), "name", "s", "db0", "dry_run", "b",
             "true")
    dry = json.loads(r.stdout)["data"] if r.returncode == 0 else ["", "{}"]
    check(dry[0] == "/" and json.loads(dry[1])["plan"]["region"] ==
          region and not labelled_namespaces(status()),
          "CreateNamespace dry_run: the plan, nothing created", r.stderr)

    r = call("CreateNamespace", "a{sv}", "4", "size", "t", str(2 * GIB),
             "align", "t", str(2 << 20), "name", "s", "db0", "measure", "b",
             "true")
    reply = json.loads(r.stdout)["data"] if r.returncode == 0 else ["", ""]
    s = status()
    ns = namespace_named(s, "db0")
    check(ns is not None and reply[0] == path_of("namespace", ns["dev"]) and
          ns["managed"] and ns["align"] == 2 << 20,
          "CreateNamespace: the namespace's object path, managed, 2M",
          f"{r.stderr} {reply}")
    if ns is None:
        return
    dev = device_of(s, ns)
    check(dev is not None and dev["memmap"]["source"] == "measured",
          "CreateNamespace: the device's memmap measured", str(dev))
    r = busctl("--json=short", "get-property", BUS_NAME, reply[0],
               "org.daxmap1.Namespace", "Name", "Managed")
    vals = [json.loads(ln)["data"] for ln in r.stdout.splitlines()]
    check(vals == ["db0", True], "the new object's properties", str(vals))

    r = call("ReconfigureDevice", "sa{sv}", dev["dev"], "1", "mode", "s",
             "system-ram")
    d = json.loads(run("daxctl", "list", "-d", dev["dev"]).stdout)[0]
    check(r.returncode == 0 and d["mode"] == "system-ram",
          "ReconfigureDevice to system-ram", r.stderr)
    r = call("ReconfigureDevice", "sa{sv}", dev["dev"], "1", "mode", "s",
             "devdax")
    d = json.loads(run("daxctl", "list", "-d", dev["dev"]).stdout)[0]
    check(r.returncode == 0 and d["mode"] == "devdax",
          "ReconfigureDevice back to devdax", r.stderr)

    r = call("Reload", "a{sv}", "0")
    check(r.returncode == 0, "Reload", r.stderr)

    r = call("DestroyNamespace", "sa{sv}", "db0", "0")
    gone = json.loads(r.stdout)["data"][0] if r.returncode == 0 else ""
    check(gone == ns["dev"] and namespace_named(status(), "db0") is None and
          ns["dev"] not in [n["dev"] for n in ndctl_json("list", "-N")],
          "DestroyNamespace: gone from GetStatus and from ndctl", r.stderr)


def second_client():
    """gdbus reads the ObjectManager: what GetStatus says, object by object."""
    s = status()
    r = gdbus(MANAGER, "org.freedesktop.DBus.ObjectManager.GetManagedObjects")
    # The dictionary's keys (GVariant text annotates the type of the first
    # only), not the object paths its properties hold.
    paths = set(re.findall(r"'(/org/daxmap1/[^']+)': \{", r.stdout))
    want = ({path_of("region", x["dev"]) for x in s["regions"]} |
            {path_of("dax_region", os.path.basename(x["path"]))
             for x in s["dax_regions"]} |
            {path_of("namespace", x["dev"]) for x in s["namespaces"]} |
            {path_of("device", x["dev"]) for x in s["devices"]})
    check(r.returncode == 0 and paths == want and want,
          "gdbus GetManagedObjects: one object per region, dax region, "
          "namespace and device of GetStatus", f"{sorted(paths)} vs {sorted(want)}")
    for d in s["devices"]:
        r = gdbus(path_of("device", d["dev"]),
                  "org.freedesktop.DBus.Properties.Get",
                  "org.daxmap1.Device", "MemmapActualBytes")
        check(f"uint64 {d['memmap']['actual_bytes']}" in r.stdout,
              f"gdbus: {d['dev']} MemmapActualBytes as in GetStatus",
              r.stdout + r.stderr)


def cli_client():
    """daxmapctl through the daemon: the same words as --direct."""
    r = ctl("create", "namespace", "--size", "3G", "--align", "1G",
            "--name", "cache0", "--measure")
    check(r.returncode == 0 and not r.stderr and
          "created namespace" in r.stdout and "(measured)" in r.stdout,
          "daxmapctl create through daxmapd: created, measured, quiet",
          r.stdout + r.stderr)
    r2 = ctl("create", "namespace", "--size", "3G", "--align", "1G",
             "--name", "cache9", "--dry-run")
    check(r2.returncode == 0 and
          f"Would create a namespace on {nvdimm_region()}" in r2.stdout, "daxmapctl create --dry-run through daxmapd",
          r2.stderr)
    for argv in (["status"], ["list"], ["kernel"], ["--json", "status"],
                 ["--json", "--human", "list", "devices"]):
        via = ctl(*argv)
        direct = ctl("--direct", *argv)
        check(via.returncode == 0 and not via.stderr and
              without_counter(via.stdout) == without_counter(direct.stdout),
              f"daxmapctl {' '.join(argv)}: through daxmapd as --direct",
              f"{via.stderr}\n{via.stdout[:800]}\n--- direct:\n"
              f"{direct.stdout[:800]}")
    for argv, words in ((["create", "namespace", "--size", "64G"],
                         "largest free extent"),
                        (["create", "namespace", "--size", "1G", "--region",
                          "region7"], "no region 'region7'"),
                        (["destroy", "namespace", "nosuch"], "nosuch")):
        before = run("ndctl", "list", "-RN").stdout
        via = ctl(*argv)
        direct = ctl("--direct", *argv)
        check(via.returncode == 1 and via.stderr == direct.stderr and
              words in via.stderr and
              run("ndctl", "list", "-RN").stdout == before,
              f"daxmapctl {' '.join(argv)}: refused, the same sentence, "
              "nothing changed", f"{via.stderr!r} vs {direct.stderr!r}")


POLKIT_RULE = """// The test's rule: nobody may create namespaces, nothing else.
polkit.addRule(function(action, subject) {
    if (action.id == "org.daxmap1.create-namespace" &&
        subject.user == "nobody")
        return polkit.Result.YES;
});
"""


def install_polkit_policy():
    """daxmapd's actions and a rule that lets nobody create, before the
    bus first starts polkitd (it reads them at start)."""
    if not check(shutil.which("polkitd") or
                 os.path.exists("/usr/lib/polkit-1/polkitd"),
                 "polkitd is installed (package polkitd)"):
        return
    os.makedirs("/usr/share/polkit-1/actions", exist_ok=True)
    shutil.copy(POLKIT_ACTIONS,
                "/usr/share/polkit-1/actions/org.daxmap1.policy")
    os.makedirs("/etc/polkit-1/rules.d", exist_ok=True)
    with open("/etc/polkit-1/rules.d/50-daxmap-test.rules", "w") as f:
        f.write(POLKIT_RULE)


def other_user():
    """Reads for everyone; changes only with polkit's yes."""
    s = status()
    ns = namespace_named(s, "cache0")
    dev = device_of(s, ns) if ns else None
    r = call("GetStatus", "a{sv}", "0", user=NOBODY)
    check(r.returncode == 0, "nobody: GetStatus", r.stderr)
    r = gdbus(MANAGER, "org.freedesktop.DBus.ObjectManager.GetManagedObjects",
              user=NOBODY)
    check(r.returncode == 0 and "namespace" in r.stdout,
              "nobody: GetManagedObjects", r.stderr)
    r = busctl("get-property", BUS_NAME, MANAGER, IFACE, "MemmapSavedBytes",
               user=NOBODY)
    check(r.returncode == 0, "nobody: properties", r.stderr)
    r = ctl("status", user=NOBODY)
    check(r.returncode == 0 and "cache0" in r.stdout,
          "nobody: daxmapctl status through daxmapd", r.stderr)

    # polkit says no: an administrator's password would be needed, and
    # there is nobody to ask.
    before = run("ndctl", "list", "-RN").stdout
    for method, *argv in (
            ("DestroyNamespace", "'cache0'", "{'force': <true>}"),
            ("ReconfigureDevice", "'%s'" % (dev or {}).get("dev", "dax0.0"),
             "{'mode': <'system-ram'>}")):
        r = gdbus(MANAGER, f"{IFACE}.{method}", *argv, user=NOBODY)
        check(gdbus_error(r) in ("org.freedesktop.DBus.Error.AccessDenied",
                                 "org.freedesktop.DBus.Error."
                                 "InteractiveAuthorizationRequired"),
              f"nobody: {method} denied by polkit", r.stderr)
    r = gdbus(MANAGER, f"{IFACE}.DestroyNamespace", "'cache0'",
              "{'auth.no_user_interaction': <true>}", user=NOBODY)
    check(gdbus_error(r) ==
          "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired" and
          "auth.no_user_interaction" in r.stderr,
          "nobody, no interaction: polkit would have asked; "
          "InteractiveAuthorizationRequired", r.stderr)
    r = ctl("destroy", "namespace", "cache0", user=NOBODY)
    check(r.returncode == 1 and "Authentication is required" in r.stderr,
          "nobody: daxmapctl destroy refused, saying why", r.stderr)
    check(run("ndctl", "list", "-RN").stdout == before,
          "nobody: the refusals changed nothing")

    # polkit says yes (the test's rule): nobody creates, root destroys.
    r = ctl("create", "namespace", "--size", "1G", "--name", "nobodys",
            user=NOBODY)
    ns = namespace_named(status(), "nobodys")
    check(r.returncode == 0 and ns is not None and ns["managed"],
          "nobody: daxmapctl create, authorised by a polkit rule",
          r.stdout[-300:] + r.stderr)
    r = ctl("destroy", "namespace", "nobodys")
    check(r.returncode == 0, "root destroys it", r.stderr)


class Monitor:
    """daxmapctl monitor, its JSON lines read as they come (by a thread:
    select() on a buffered pipe misses lines already read ahead)."""

    def __init__(self):
        self.proc = subprocess.Popen([CTL, "monitor"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
        # Its first line: it listens from now on.
        self.listening, _ = self.wait_for("daemon", "/org/daxmap1")

    def read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, event, path_part, timeout=EVENT_TIMEOUT):
        """The first line of @event on an object whose path holds
        @path_part, and how long after the call it came."""
        start = time.monotonic()
        while True:
            left = timeout - (time.monotonic() - start)
            try:
                line = self.lines.get(timeout=max(left, 0))
            except queue.Empty:
                return None, None
            if line is None:
                return None, None
            e = json.loads(line)
            if e["event"] == event and path_part in e["object"]:
                return e, time.monotonic() - start

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(10)


def behind_its_back(daemon):
    """ndctl creates and destroys; daxmapd tells everyone."""
    mon = Monitor()
    check(mon.listening is not None and
          mon.listening["properties"] == {"running": True},
          "monitor: its first line says daxmapd runs", str(mon.listening))
    t0 = time.monotonic()
    # On the labelled region: ndctl's own pick may be the legacy pmem's.
    r = run("ndctl", "create-namespace", "-r", nvdimm_region(), "-m",
            "devdax", "-s", "1G", "-n", "foreign")
    t_created = time.monotonic() - t0
    made = json.loads(r.stdout) if r.returncode == 0 else {}
    dev = made.get("dev", "?")
    e, after = mon.wait_for("added", "namespace/" + dev.replace(".", "_"))
    check(e is not None and e["properties"].get("Name") == "foreign" and
          e["properties"].get("Managed") is False,
          "ndctl's namespace: monitor prints it added, unmanaged",
          f"{e}; daxmapd said:\n{daemon.log()[-2000:]}\nudevd said:\n"
          f"{udevd_log()[-6000:]}\n"
          f"{run('ps', '-eo', 'pid,stat,etime,args').stdout}")
    if after is not None:
        print(f"       (ndctl took {t_created:.2f} s; the event was there "
              f"{after:.2f} s after it returned)")
    ns = namespace_named(status(), "foreign")
    check(ns is not None and not ns["managed"],
          "ndctl's namespace: in GetStatus, not daxmap's", str(ns))
    r = busctl("get-property", BUS_NAME, path_of("namespace", dev),
               "org.daxmap1.Namespace", "Name")
    check(r.stdout.strip() == 's "foreign"', "ndctl's namespace: an object",
          r.stdout + r.stderr)

    r = run("ndctl", "destroy-namespace", "-f", dev)
    e, _ = mon.wait_for("removed", "namespace/" + dev.replace(".", "_"))
    check(r.returncode == 0 and e is not None,
          "ndctl destroys it: monitor prints it removed", r.stderr)
    check(namespace_named(status(), "foreign") is None,
          "gone from GetStatus")
    r = busctl("get-property", BUS_NAME, path_of("namespace", dev),
               "org.daxmap1.Namespace", "Name")
    check(r.returncode != 0, "its object is gone", r.stdout)
    check(mon.stop() == 0, "monitor: SIGINT, exit 0")


def crash_in_create(daemon):
    """SIGKILL at a step of CreateNamespace; the next start repairs."""
    for step, kept in (("sized", False), ("enabled", True)):
        daemon.stop()
        d = start_daemon(f"daxmapd that dies at '{step}'",
                         env={"DAXMAP_TEST_CRASH_AT": step})
        if not d:
            return None
        name = f"crash-{step}"
        r = call("CreateNamespace", "a{sv}", "2", "size", "t", str(GIB),
                 "name", "s", name)
        rc = d.proc.wait(60)
        check(r.returncode != 0 and rc == -signal.SIGKILL,
              f"killed at '{step}': the caller gets an error, the daemon "
              "died by SIGKILL", f"rc {rc} {r.stderr}")
        d.stop()
        daemon = start_daemon("daxmapd restarted")
        if not daemon:
            return None
        log = daemon.log()
        check("Recovered: " in log and name in log,
              f"after '{step}': the restart says what it repaired", log)
        ns = namespace_named(status(), name)
        if kept:
            check(ns is not None and ns["managed"] and ns["enabled"],
                  f"after '{step}': the finished create is kept as "
                  "daxmap's", str(ns))
        else:
            check(ns is None and name not in run("ndctl", "list", "-N").stdout,
                  f"after '{step}': nothing left behind", str(ns))
        pending = os.path.join(os.environ["DAXMAP_STATE_DIR"], "pending")
        left = os.listdir(pending) if os.path.isdir(pending) else []
        check(not left, f"after '{step}': no pending record", str(left))
    return daemon


MAPPER = """import mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 2 << 20, mmap.MAP_SHARED)
m[0] = 1
print("mapped", flush=True)
time.sleep(600)
"""


def start_mapper(dev, user=None):
    argv = [sys.executable, "-c", MAPPER, f"/dev/{dev}"]
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}",
                "--clear-groups", *argv]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    return p if line.strip() == "mapped" else p


def create_while_reading(daemon):
    """A create held at a step: reads, properties and Plan answer
    meanwhile; then who sees which mapper of the new device."""
    daemon.stop()
    d = start_daemon("daxmapd whose creates pause at 'labelled'",
                     env={"DAXMAP_TEST_PAUSE_AT": "labelled"})
    if not d:
        return None
    state = os.environ["DAXMAP_STATE_DIR"]
    create = subprocess.Popen(
        ["busctl", "--json=short", "--timeout=300", "call", BUS_NAME,
         MANAGER, IFACE, "CreateNamespace", "a{sv}", "2", "size", "t",
         str(GIB), "name", "s", "held"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pending = os.path.join(state, "pending")
    for _ in range(600):
        if os.path.isdir(pending) and os.listdir(pending):
            break
        time.sleep(0.1)
    check(create.poll() is None and os.path.isdir(pending) and
          os.listdir(pending), "the create is held at 'labelled'")
    t0 = time.monotonic()
    r = call("GetStatus", "a{sv}", "0")
    took = time.monotonic() - t0
    check(r.returncode == 0 and create.poll() is None,
          f"GetStatus answers while the create is held ({took:.1f} s)",
          r.stderr)
    r = call("GetStatus", "a{sv}", "0", user=NOBODY)
    check(r.returncode == 0 and create.poll() is None,
          "another user's GetStatus answers meanwhile too", r.stderr)
    r = busctl("get-property", BUS_NAME, MANAGER, IFACE, "Namespaces")
    check(r.returncode == 0 and create.poll() is None,
          "a property answers meanwhile", r.stderr)
    r = call("Plan", "ttsa{sv}", str(GIB), str(2 << 20), "mem", "0")
    check(r.returncode == 0 and create.poll() is None,
          "Plan answers meanwhile", r.stderr)
    out, err = create.communicate(timeout=300)
    reply = json.loads(out)["data"] if create.returncode == 0 else ["", ""]
    s = status()
    ns = namespace_named(s, "held")
    check(create.returncode == 0 and ns is not None and
          reply[0] == path_of("namespace", ns["dev"]),
          "the held create finishes and replies with its object", err)
    if ns is None:
        return d
    dev = device_of(s, ns)
    check(dev["memmap_sources"]["measured"] is None,
          "a create without measure measured nothing", str(dev["memmap"]))

    # Two processes map it: root's, and one of nobody's own.
    os.chmod(f"/dev/{dev['dev']}", 0o666)
    mine = start_mapper(dev["dev"])
    theirs = start_mapper(dev["dev"], user=NOBODY)
    # Mapping comes with no uevent: GetStatus sees it within a second,
    # root's Reload at once.
    r = call("Reload", "a{sv}", "0")
    check(r.returncode == 0, "root's Reload", r.stderr)
    try:
        def mappers(user=None):
            r = call("GetStatus", "a{sv}", "0", user=user)
            doc = json.loads(json.loads(r.stdout)["data"][0])
            return next(x for x in doc["devices"]
                        if x["dev"] == dev["dev"])["mappers"], doc["totals"]

        as_root, root_totals = mappers()
        as_nobody, nobody_totals = mappers(NOBODY)
        check(sorted(m["pid"] for m in as_root) ==
              sorted([mine.pid, theirs.pid]) and
              all(m["comm"] for m in as_root),
              "root sees both mappers' pids and commands", str(as_root))
        check(len(as_nobody) == 2 and
              [m["pid"] for m in as_nobody if m["pid"] is not None] ==
              [theirs.pid] and
              any(m["pid"] is None and m["comm"] is None for m in as_nobody),
              "another user sees both, the pid and command of its own only",
              str(as_nobody))
        check(sum(m["mapped_bytes"] for m in as_nobody) == 2 * (2 << 20) and
              nobody_totals["mappers_pagetable_bytes"] ==
              root_totals["mappers_pagetable_bytes"],
              "and the same mapped bytes and totals as root",
              f"{as_nobody} {nobody_totals} {root_totals}")
        r = run(CTL, "status", user=NOBODY)
        # The Mappers table's rows: DEVICE PID COMM MAPPED ...
        rows = [ln.split()[:3] for ln in
                r.stdout.partition("\nMappers:\n")[2].splitlines()
                if ln.split()[:1] == [dev["dev"]]]
        check(r.returncode == 0 and [dev["dev"], "-", "-"] in rows and
              [dev["dev"], str(theirs.pid)] in [x[:2] for x in rows] and
              str(mine.pid) not in [x[1] for x in rows if len(x) > 1],
              "daxmapctl status as that user: its own pid, '-' for root's",
              r.stdout[-800:] + r.stderr)
    finally:
        for p in (mine, theirs):
            p.kill()
            p.wait()
    r = call("DestroyNamespace", "sa{sv}", "held", "0")
    check(r.returncode == 0, "the held create's namespace destroyed",
          r.stderr)
    return d


def malformed_under_valgrind(daemon):
    """Bad calls, with the daemon under valgrind: refused, no error."""
    if not shutil.which("valgrind"):
        print("skip - malformed calls under valgrind: no valgrind")
        return daemon
    daemon.stop()
    log = "/run/daxmapd-valgrind.log"
    d = start_daemon("daxmapd under valgrind",
                     wrapper=["valgrind", "--quiet", "--leak-check=full",
                              "--show-leak-kinds=definite,indirect",
                              "--errors-for-leak-kinds=definite,indirect",
                              f"--log-file={log}"],
                     timeout=VALGRIND_READY_TIMEOUT)
    if not d:
        return start_daemon("daxmapd restarted")
    run("ndctl", "create-namespace", "-r", nvdimm_region(), "-m", "devdax",
        "-s", "512M", "-n", "foreign2")
    before = run("ndctl", "list", "-RN").stdout
    invalid = "org.freedesktop.DBus.Error.InvalidArgs"
    for what, argv, want in (
            ("unknown option", ("CreateNamespace", "{'sise': <uint64 1>}"),
             invalid),
            ("option of the wrong type",
             ("CreateNamespace", "{'size': <'1G'>}"), invalid),
            ("align 3M", ("CreateNamespace", "{'size': <uint64 %d>, "
                          "'align': <uint64 3145728>}" % GIB),
             "org.daxmap1.Error.UnsupportedAlign"),
            ("size not a multiple", ("CreateNamespace",
                                     "{'size': <uint64 %d>}" % (GIB + 4096)),
             "org.daxmap1.Error.InvalidSize"),
            ("more than the free space",
             ("CreateNamespace", "{'size': <uint64 %d>}" % (64 * GIB)),
             "org.daxmap1.Error.NoSpace"),
            ("a huge name", ("CreateNamespace", "{'size': <uint64 %d>, "
                             "'name': <'%s'>}" % (GIB, "n" * 100000)),
             "org.daxmap1.Error.InvalidName"),
            ("a huge mode", ("CreateNamespace", "{'size': <uint64 %d>, "
                             "'mode': <'%s'>}" % (GIB, "m" * 100000)),
             "org.daxmap1.Error.InvalidMode"),
            ("Apply with an unknown option",
             ("Apply", "{'dry': <true>}"), invalid),
            ("no such namespace", ("DestroyNamespace", "'nosuch'",
                                   "@a{sv} {}"),
             "org.daxmap1.Error.NotFound"),
            ("not daxmap's to destroy",
             ("DestroyNamespace", "'foreign2'", "@a{sv} {}"),
             "org.daxmap1.Error.NotManaged"),
            ("NVDIMM align is fixed",
             ("ReconfigureDevice", "'%s'" % next(
                 (x["dev"] for x in status()["devices"] if x["namespace"]),
                 "dax0.0"),
              "{'align': <uint64 1073741824>}"),
             "org.daxmap1.Error.NotSupported")):
        r = gdbus(MANAGER, f"{IFACE}.{argv[0]}", *argv[1:])
        got = gdbus_error(r)
        check(got == want, f"under valgrind: {what}: {want}",
              f"{got}: {r.stderr[:300]}")
    check(run("ndctl", "list", "-RN").stdout == before,
          "under valgrind: the refusals changed nothing (ndctl list -RN)")
    check(d.proc.poll() is None, "daxmapd survived all of it")
    rc = d.stop(timeout=300)
    with open(log) as f:
        report = f.read()
    check(rc == 0 and not report.strip(),
          "under valgrind: SIGTERM, exit 0, no errors, no leaks",
          f"exit {rc}: {report[-3000:]}")
    return start_daemon("daxmapd restarted")


def configuration(daemon):
    """The configuration through the daemon: applied at start, Apply a
    no-op the second time, a bad file refused while the daemon goes on."""
    conf = os.environ["DAXMAP_CONFIG_DIR"]
    with open(os.path.join(conf, "daxmap.conf"), "w") as f:
        f.write("[namespace boot0]\nsize = 1G\nalign = 2M\n")
    daemon.stop()
    daemon = start_daemon("daxmapd with a configuration")
    if not daemon:
        return None
    s = status()
    boot0 = namespace_named(s, "boot0")
    check(boot0 is not None and boot0["managed"] and
          "Apply: boot0: created" in daemon.log(),
          "daxmapd creates at start what the configuration names",
          daemon.log()[-1500:])
    check(s["config"]["last_apply"] and
          s["config"]["last_apply"]["created"] == 1 and
          [c["state"] for c in s["config"]["namespaces"]] == ["ok"],
          "GetStatus: the section ok, the last apply", str(s["config"]))
    r = ctl("apply")
    check(r.returncode == 0 and not r.stderr and "unchanged" in r.stdout and
          "0 created" in r.stdout,
          "daxmapctl apply through daxmapd: nothing to do", r.stdout +
          r.stderr)
    r = ctl("status")
    check("boot0" in r.stdout and "last apply at" in r.stdout,
          "daxmapctl status shows the configuration and the last apply",
          r.stdout[-800:])

    with open(os.path.join(conf, "daxmap.conf"), "a") as f:
        f.write("[namespace more]\nsize = lots\n")
    before = run("ndctl", "list", "-RN").stdout
    r = ctl("apply")
    where = f"{conf}/daxmap.conf:5: size: 'lots'"
    check(r.returncode == 1 and where in r.stderr and
          run("ndctl", "list", "-RN").stdout == before,
          "a bad file: daxmapctl apply through daxmapd names file:line, "
          "nothing changed", r.stderr)
    daemon.proc.send_signal(signal.SIGHUP)
    time.sleep(1)
    check(daemon.proc.poll() is None and status() and
          "keeping the last good one" in daemon.log(),
          "SIGHUP with the bad file: logged, the daemon goes on with the "
          "last good configuration", daemon.log()[-800:])
    os.unlink(os.path.join(conf, "daxmap.conf"))
    return daemon


def gdbus_call(method, *argv, user=None):
    return gdbus(MANAGER, f"{IFACE}.{method}", *argv, user=user)


def expect_refused(r, error, what, *words):
    got = gdbus_error(r)
    return check(got == error and all(w in r.stderr for w in words),
                 f"{what}: {error}", f"{got}: {r.stderr[:400]}")


def dax_region_of(s, dax_region):
    return next(x for x in s["dax_regions"] if x["id"] == dax_region["id"])


def region_devices(s, dax_region):
    return [x for x in s["devices"] if x["dax_region"] == dax_region["id"]]


def create_device_held(hmem):
    """CreateDevice 1G at align 1G, held at 'configured' by the daemon
    restarted for it: GetStatus, another user's and a property answer
    meanwhile; the reply comes once the worker is done."""
    region = os.path.basename(hmem["path"])
    state = os.environ["DAXMAP_STATE_DIR"]
    pending = os.path.join(state, "pending")
    create = subprocess.Popen(
        ["busctl", "--json=short", "--timeout=300", "call", BUS_NAME,
         MANAGER, IFACE, "CreateDevice", "a{sv}", "4", "size", "t", str(GIB),
         "align", "t", str(GIB), "region", "s", region, "name", "s", "big"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(600):
        if create.poll() is not None or (os.path.isdir(pending) and
                                         os.listdir(pending)):
            break
        time.sleep(0.1)
    check(create.poll() is None and os.path.isdir(pending) and
          os.listdir(pending), "CreateDevice is under way (a pending record)")
    t0 = time.monotonic()
    r = call("GetStatus", "a{sv}", "0")
    took = time.monotonic() - t0
    check(r.returncode == 0 and create.poll() is None,
          f"GetStatus answers while CreateDevice runs ({took:.1f} s)",
          r.stderr)
    r = call("GetStatus", "a{sv}", "0", user=NOBODY)
    check(r.returncode == 0 and create.poll() is None,
          "another user's GetStatus answers meanwhile too", r.stderr)
    r = busctl("get-property", BUS_NAME, MANAGER, IFACE, "Devices")
    check(r.returncode == 0 and create.poll() is None,
          "a property answers meanwhile", r.stderr)
    out, err = create.communicate(timeout=300)
    reply = json.loads(out)["data"][0] if create.returncode == 0 else ""
    s = status()
    dev = next((x for x in s["devices"] if x.get("name") == "big"), None)
    check(dev is not None and reply == dev["dev"] and
          dev["dax_region"] == hmem["id"] and dev["size"] == GIB and
          dev["align"] == GIB and dev["managed"],
          "CreateDevice replies with the device; GetStatus shows it on "
          f"{region}, 1G at align 1G, named big, daxmap's",
          f"{err} {reply} {dev}")
    k = json.loads(run("daxctl", "list", "-d", reply).stdout or "[]") \
        if reply else []
    check(len(k) == 1 and k[0]["size"] == GIB and k[0].get("align") == GIB,
          "daxctl agrees: 1G at align 1G", str(k))
    r = busctl("get-property", BUS_NAME, path_of("device", reply),
               "org.daxmap1.Device", "Size") if reply else None
    check(r is not None and r.stdout.strip() == f"t {GIB}",
          "the new device is an object on the bus before the reply",
          r.stdout + r.stderr if r else "")
    return dev


def device_system_ram(dev):
    """ReconfigureDevice to system-ram with memmap_on_memory, as
    `daxmapctl reconfigure device --mode system-ram --memmap-on-memory`:
    done where the kernel offers it, refused saying why where not."""
    attr = f"/sys/bus/dax/devices/{dev['dev']}/memmap_on_memory"
    with open("/sys/module/memory_hotplug/parameters/memmap_on_memory") \
            as f:
        param = f.read().strip()
    r = gdbus_call("ReconfigureDevice", f"'{dev['dev']}'",
                   "{'mode': <'system-ram'>, 'memmap_on_memory': <true>}")
    d = next(x for x in status()["devices"] if x["dev"] == dev["dev"])
    if not os.path.exists(attr):
        expect_refused(r, "org.daxmap1.Error.NotSupported",
                       "ReconfigureDevice system-ram memmap_on_memory on a "
                       "kernel without the attribute", "Linux 6.8")
        check(d["mode"] == "devdax", "and the device is left in devdax",
              str(d))
        return
    if param not in ("Y", "y", "1", "force"):
        expect_refused(r, "org.daxmap1.Error.NotSupported",
                       "ReconfigureDevice memmap_on_memory with the module "
                       f"parameter {param}", "memory_hotplug.memmap_on_memory")
        return
    with open(attr) as f:
        on = f.read().strip()
    check(r.returncode == 0 and d["mode"] == "system-ram" and on == "1" and
          d.get("memmap_on_memory") is True,
          "ReconfigureDevice system-ram with memmap_on_memory: the device's "
          "attribute 1, GetStatus says so", f"{r.stderr} {on} {d}")
    r = call("ReconfigureDevice", "sa{sv}", dev["dev"], "1", "mode", "s",
             "devdax")
    d = next(x for x in status()["devices"] if x["dev"] == dev["dev"])
    check(r.returncode == 0 and d["mode"] == "devdax",
          "and back to devdax", r.stderr)


def legacy_namespace():
    """ReconfigureNamespace on the bed's label-less legacy pmem."""
    s = status()
    ns = next((n for n in s["namespaces"] if not n.get("uuid")), None)
    if ns is None:
        print("skip - ReconfigureNamespace: no label-less namespace "
              "(tests/vm/run --legacy-pmem SIZE)", flush=True)
        return
    name = ns["dev"]
    mode = lambda: (ndctl_json("list", "-n", name) or [{}])[0].get("mode")
    before = mode()
    r = gdbus_call("ReconfigureNamespace", f"'{name}'",
                   "{'mode': <'devdax'>}")
    expect_refused(r, "org.daxmap1.Error.HoldsData",
                   f"ReconfigureNamespace {name} without force", "force")
    check(mode() == before == "fsdax", f"{name} is left in fsdax", before)
    r = gdbus_call("ReconfigureNamespace", f"'{name}'",
                   "{'mode': <'devdax'>}", user=NOBODY)
    expect_refused(r, "org.daxmap1.Error.HoldsData",
                   "nobody's, without force: the same, before polkit")
    r = call("ReconfigureNamespace", "sa{sv}", name, "3", "mode", "s",
             "devdax", "align", "t", str(2 << 20), "force", "b", "true")
    reply = json.loads(r.stdout)["data"][0] if r.returncode == 0 else ""
    n = (ndctl_json("list", "-n", name) or [{}])[0]
    st = next((x for x in status()["namespaces"] if x["dev"] == name), {})
    check(reply == name and n.get("mode") == "devdax" and
          n.get("align") == 2 << 20 and st.get("mode") == "devdax",
          f"ReconfigureNamespace {name} devdax 2M force: ndctl and "
          "GetStatus say devdax", f"{r.stderr} {n} {st}")
    r = gdbus_call("ReconfigureNamespace", f"'{name}'",
                   "{'mode': <'fsdax'>, 'force': <true>}", user=NOBODY)
    check(gdbus_error(r) in ("org.freedesktop.DBus.Error.AccessDenied",
                             "org.freedesktop.DBus.Error."
                             "InteractiveAuthorizationRequired") and
          mode() == "devdax", "nobody's ReconfigureNamespace with force: "
          "denied by polkit, nothing changed", r.stderr)
    r = call("ReconfigureNamespace", "sa{sv}", name, "2", "mode", "s",
             "fsdax", "force", "b", "true")
    check(r.returncode == 0 and mode() == "fsdax",
          f"ReconfigureNamespace {name} back to fsdax", r.stderr)


def dynamic_devices(daemon):
    """CreateDevice, DestroyDevice, ReconfigureNamespace on the bus."""
    s = status()
    hmem = next((x for x in s["dax_regions"] if x["provider"] == "hmem"),
                None)
    if hmem is None:
        print("skip - CreateDevice and DestroyDevice: no hmem dax region "
              "(tests/vm/run --soft-reserved SIZE)", flush=True)
        legacy_namespace()
        return daemon
    daemon.stop()
    d = start_daemon("daxmapd whose creates pause at 'configured'",
                     env={"DAXMAP_TEST_PAUSE_AT": "configured"})
    if not d:
        return start_daemon("daxmapd restarted")

    # The kernel's own device: not daxmap's, destroyed only with force
    # (offlined first where the kernel onlined it as system-ram).
    for dev in region_devices(s, hmem):
        r = gdbus_call("DestroyDevice", f"'{dev['dev']}'", "@a{sv} {}")
        expect_refused(r, "org.daxmap1.Error.NotManaged",
                       f"DestroyDevice {dev['dev']} (the kernel's, "
                       f"{dev['mode']}) without force", "--force")
        r = call("DestroyDevice", "sa{sv}", dev["dev"], "1", "force", "b",
                 "true")
        gone = json.loads(r.stdout)["data"][0] if r.returncode == 0 else ""
        check(gone == dev["dev"] and not any(
            x["dev"] == dev["dev"] for x in status()["devices"]),
              f"DestroyDevice {dev['dev']} force: gone from GetStatus",
              r.stderr)
    s = status()
    free = dax_region_of(s, hmem)
    check(not region_devices(s, hmem) and
          free["available_size"] == free["size"],
          "the hmem region is all free", str(free))

    for what, opts, error in (
            ("a size not a multiple of the align",
             "{'size': <uint64 %d>, 'align': <uint64 %d>}" %
             (GIB + GIB // 2, GIB), "org.daxmap1.Error.InvalidSize"),
            ("more than the region has free",
             "{'size': <uint64 %d>}" % (64 * GIB),
             "org.daxmap1.Error.NoSpace"),
            ("a region that does not exist",
             "{'size': <uint64 %d>, 'region': <'hmem.9'>}" % GIB,
             "org.daxmap1.Error.NoSuchRegion")):
        expect_refused(gdbus_call("CreateDevice", opts), error,
                       f"CreateDevice with {what}")
    r = gdbus_call("CreateDevice", "{'size': <uint64 %d>}" % GIB,
                   user=NOBODY)
    check(gdbus_error(r) in ("org.freedesktop.DBus.Error.AccessDenied",
                             "org.freedesktop.DBus.Error."
                             "InteractiveAuthorizationRequired"),
          "nobody: CreateDevice denied by polkit", r.stderr)
    check(not region_devices(status(), hmem), "the refusals made nothing")

    dev = create_device_held(hmem)
    if dev:
        device_system_ram(dev)
        r = gdbus_call("DestroyDevice", "'big'", "@a{sv} {}", user=NOBODY)
        check(gdbus_error(r) in ("org.freedesktop.DBus.Error.AccessDenied",
                                 "org.freedesktop.DBus.Error."
                                 "InteractiveAuthorizationRequired"),
              "nobody: DestroyDevice denied by polkit", r.stderr)
        r = call("DestroyDevice", "sa{sv}", "big", "0")
        gone = json.loads(r.stdout)["data"][0] if r.returncode == 0 else ""
        s = status()
        free = dax_region_of(s, hmem)
        check(gone == dev["dev"] and not region_devices(s, hmem) and
              free["available_size"] == free["size"],
              "DestroyDevice by name: gone, the region all free again",
              f"{r.stderr} {free}")
        r = busctl("get-property", BUS_NAME, path_of("device", dev["dev"]),
                   "org.daxmap1.Device", "Size")
        check(r.returncode != 0, "its object is gone", r.stdout)
    legacy_namespace()
    d.stop()
    return start_daemon("daxmapd restarted")


def main():
    os.environ.setdefault("DAXMAP_STATE_DIR", "/run/daxmap-daemon-test")
    os.environ["DAXMAP_CONFIG_DIR"] = tempfile.mkdtemp(prefix="daxmap-conf-")
    os.environ.pop("DBUS_SYSTEM_BUS_ADDRESS", None)
    start_udevd()
    install_polkit_policy()
    start_system_bus()
    daemon = start_daemon()
    if not daemon:
        return 1
    only = sys.argv[5:]
    try:
        if only:
            for name in only:
                fn = globals()[name]
                # The checks that may restart the daemon take and return it.
                r = fn(daemon) if fn.__code__.co_argcount else fn()
                if r is not None:
                    daemon = r
            return 1 if checks.failures else 0
        introspection()
        daemon = dynamic_devices(daemon)
        if not daemon:
            return 1
        every_method()
        second_client()
        cli_client()
        other_user()
        behind_its_back(daemon)
        daemon = crash_in_create(daemon)
        if daemon:
            daemon = create_while_reading(daemon)
        if daemon:
            daemon = configuration(daemon)
        if daemon:
            daemon = malformed_under_valgrind(daemon)
    finally:
        if daemon:
            rc = daemon.stop()
            check(rc == 0, "SIGTERM: daxmapd exits 0", f"exit {rc}")
    return done()


if __name__ == "__main__":
    sys.exit(main())
