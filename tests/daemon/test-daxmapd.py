#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""daxmapd on a private bus, without root and without pmem.

Each case starts its own dbus-daemon with a system-bus-like policy (deny
by default, the project's org.daxmap1.conf included), starts daxmapd on it
with --bus-address and a NOTIFY_SOCKET, waits for READY=1, and talks to it
with three clients that share no code with sd-bus' server side: busctl
(sd-bus), gdbus (GLib) and dbus-send (libdbus).

Usage: test-daxmapd.py --daxmapd PATH --daxmapctl PATH --policy PATH
                       [--servicedir DIR] [--emit PATH] CASE

One line per check (ok/FAIL/skip); exit 1 if any failed, 77 if the case
cannot run here (no dbus-daemon, busctl or gdbus, or valgrind for the
valgrind case).
"""

import argparse
import concurrent.futures
import json
import os
import pwd
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUS_NAME = "org.daxmap1"
MANAGER = "/org/daxmap1"
IFACE = "org.daxmap1.Manager"
TIB = 1 << 40
GIB = 1 << 30
MIB = 1 << 20

# Under valgrind the daemon starts and answers much more slowly.
READY_TIMEOUT = 10
VALGRIND_READY_TIMEOUT = 90
CALL_TIMEOUT = 30

VALGRIND_ARGS = [
    "--quiet",
    "--error-exitcode=99",
    "--leak-check=full",
    "--show-leak-kinds=definite,indirect",
    "--errors-for-leak-kinds=definite,indirect",
]

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "https://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  {servicedir}
  <!-- The system bus's default: nothing may be called unless allowed. -->
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Peer"/>
    <deny send_destination="org.freedesktop.DBus"
          send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
  </policy>
  <include>{policy}</include>
  {own}
</busconfig>
"""


class Skip(Exception):
    pass


class Checks:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def ok(self, name):
        self.passed += 1
        print(f"ok - {name}", flush=True)

    def fail(self, name, why):
        self.failed += 1
        print(f"FAIL - {name}: {why}", flush=True)

    def skip(self, name, why):
        print(f"skip - {name}: {why}", flush=True)

    def check(self, name, cond, why=""):
        if cond:
            self.ok(name)
        else:
            self.fail(name, why or "condition false")
        return cond


def need(program, package):
    path = shutil.which(program)
    if not path:
        raise Skip(f"{program} not found (Debian package {package})")
    return path


def run(argv, timeout=CALL_TIMEOUT, **kw):
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, **kw)


class Bus:
    """A private dbus-daemon with a system-bus-like policy."""

    def __init__(self, tmp, policy, servicedir=None, polkit=False):
        self.tmp = tmp
        self.socket = os.path.join(tmp, "bus")
        self.address = f"unix:path={self.socket}"
        # What the bus activates finds it as the system bus.
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        user = pwd.getpwuid(os.getuid()).pw_name
        # Not root: let the test's user own the name the policy gives root.
        own = ""
        if os.getuid() != 0:
            own = (f'<policy user="{user}">'
                   f'<allow own="{BUS_NAME}"/></policy>')
        if polkit:
            # A stand-in polkit (test-polkit) that daxmapd may ask.
            own += ('<policy context="default">'
                    '<allow own="org.freedesktop.PolicyKit1"/>'
                    '<allow send_destination="org.freedesktop.PolicyKit1"/>'
                    '</policy>')
        sd = f"<servicedir>{servicedir}</servicedir>" if servicedir else ""
        self.config = os.path.join(tmp, "bus.conf")
        with open(self.config, "w") as f:
            f.write(BUS_CONFIG.format(socket=self.socket, policy=policy,
                                      servicedir=sd, own=own))
        dbus_daemon = need("dbus-daemon", "dbus-daemon")
        self.proc = subprocess.Popen(
            [dbus_daemon, f"--config-file={self.config}", "--nofork",
             "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env)
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        if not ready or not self.proc.stdout.readline():
            self.stop()
            raise RuntimeError("dbus-daemon did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()

    # The clients.
    def busctl(self, *args, user=None):
        argv = [need("busctl", "systemd"), f"--address={self.address}",
                *args]
        if user is not None:
            argv = [need("setpriv", "util-linux"), f"--reuid={user}",
                    f"--regid={user}", "--clear-groups", *argv]
        return run(argv)

    def gdbus(self, path, method, *args, user=None):
        argv = [need("gdbus", "libglib2.0-bin"), "call", "--address",
                self.address, "--dest", BUS_NAME, "--object-path", path,
                "--method", method, *args]
        if user is not None:
            argv = [need("setpriv", "util-linux"), f"--reuid={user}",
                    f"--regid={user}", "--clear-groups", *argv]
        return run(argv)

    def dbus_send(self, path, method, *args):
        return run([need("dbus-send", "dbus-bin"),
                    f"--bus={self.address}", "--print-reply",
                    f"--dest={BUS_NAME}", path, method, *args])

    def name_has_owner(self):
        r = self.busctl("call", "org.freedesktop.DBus",
                        "/org/freedesktop/DBus", "org.freedesktop.DBus",
                        "NameHasOwner", "s", BUS_NAME)
        return r.stdout.strip() == "b true"


class Daemon:
    """daxmapd on a Bus, readiness and watchdog through NOTIFY_SOCKET."""

    def __init__(self, tmp, daxmapd, bus, wrapper=(), env=None,
                 ready_timeout=READY_TIMEOUT, name="daxmapd"):
        self.messages = []
        self.waiting_for_ready = False
        self.notify_path = os.path.join(tmp, f"{name}.notify")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        self.stderr_path = os.path.join(tmp, f"{name}.stderr")
        full_env = dict(os.environ)
        full_env.pop("DAXMAP_ROOT", None)
        full_env.update(env or {})
        full_env["NOTIFY_SOCKET"] = self.notify_path
        # The files for node_exporter, NFD and CDI go into the test's
        # directory, never the host's; cdi/ is left for daxmapd to make.
        self.exports = {k: os.path.join(tmp, f"{name}.{k}")
                        for k in ("textfile", "nfd", "cdi")}
        os.mkdir(self.exports["textfile"])
        os.mkdir(self.exports["nfd"])
        export_args = [a for k, d in self.exports.items()
                       for a in (f"--{k}-dir", d)]
        with open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(
                [*wrapper, daxmapd, "--bus-address", bus.address,
                 *export_args],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err, env=full_env)
        self.ready_timeout = ready_timeout

    def read_notify(self, timeout):
        """Collects notifications for up to @timeout seconds."""
        end = time.monotonic() + timeout
        while True:
            # Once the time is up, still take what is queued already.
            left = max(end - time.monotonic(), 0)
            ready, _, _ = select.select([self.notify], [], [], left)
            if not ready:
                return
            data = self.notify.recv(4096).decode()
            self.messages.extend(data.split("\n"))
            if "READY=1" in self.messages and self.waiting_for_ready:
                return

    def wait_ready(self):
        self.waiting_for_ready = True
        end = time.monotonic() + self.ready_timeout
        while "READY=1" not in self.messages:
            if self.proc.poll() is not None or time.monotonic() > end:
                return False
            self.read_notify(min(0.5, end - time.monotonic()))
        self.waiting_for_ready = False
        return True

    def stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=5):
        """Sends @sig; returns (exit code, seconds it took), -1 if hung."""
        start = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = -1
        took = time.monotonic() - start
        self.read_notify(0)
        self.notify.close()
        return rc, took


class Env:
    """One case's bus and daemon, torn down whatever happens."""

    def __init__(self, args, wrapper=(), ready_timeout=READY_TIMEOUT,
                 servicedir=None, start_daemon=True, env=None, polkit=False):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="daxmapd-test-")
        self.bus = None
        self.daemon = None
        try:
            self.bus = Bus(self.tmp, args.policy, servicedir, polkit)
            if start_daemon:
                self.daemon = Daemon(self.tmp, args.daxmapd, self.bus,
                                     wrapper, env=env,
                                     ready_timeout=ready_timeout)
        except Exception:
            self.close()
            raise

    def close(self):
        if self.daemon and self.daemon.proc.poll() is None:
            self.daemon.stop(signal.SIGKILL)
        if self.bus:
            self.bus.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def start(c, env, what="daxmapd"):
    """Waits for READY=1; False (and a failed check) if it never came."""
    if env.daemon.wait_ready():
        return True
    c.fail(f"{what} ready",
           f"no READY=1 (exit {env.daemon.proc.poll()}): "
           f"{env.daemon.stderr()[-2000:]}")
    return False


def gdbus_error(r):
    """The D-Bus error name gdbus printed, or None."""
    m = re.search(r"GDBus\.Error:([A-Za-z0-9_.]+):", r.stderr)
    return m.group(1) if m else None


def busctl_json(bus, *call):
    r = bus.busctl("--json=short", "call", BUS_NAME, MANAGER, IFACE, *call)
    if r.returncode != 0:
        raise AssertionError(f"busctl call {call[0]}: {r.stderr.strip()}")
    reply = json.loads(r.stdout)
    return json.loads(reply["data"][0])


def daxmapctl_json(args, *argv):
    env = dict(os.environ)
    env.pop("DAXMAP_ROOT", None)
    r = run([args.daxmapctl, "--direct", "--json", *argv], env=env)
    if r.returncode != 0:
        raise AssertionError(f"daxmapctl {argv}: {r.stderr.strip()}")
    return json.loads(r.stdout)


def without_live_counter(status):
    """The status without what changes between two reads of it."""
    status = json.loads(json.dumps(status))
    counter = status["kernel"]["memmap_counter"]
    counter.pop("pages", None)
    counter.pop("bytes", None)
    return status


# ---------------------------------------------------------------- the cases


def case_options(c, args):
    d = args.daxmapd
    r = run([d, "--help"])
    c.check("--help exits 0 with the usage",
            r.returncode == 0 and "Usage: daxmapd" in r.stdout
            and "--bus-address" in r.stdout, r.stderr)
    r = run([d, "--version"])
    c.check("--version", r.returncode == 0 and
            re.fullmatch(r"daxmapd \S+\n", r.stdout), repr(r.stdout))
    for argv, want in (
            (["--frobnicate"], "unknown option '--frobnicate'"),
            (["-x"], "unknown option '-x'"),
            (["extra"], "unexpected argument 'extra'"),
            (["--bus-address"], "option '--bus-address' needs a value"),
            (["--bus-address", "unix:path=/nonexistent", "--user-bus"],
             "exclude each other")):
        r = run([d, *argv])
        c.check(f"usage error {' '.join(argv)}: exit 2, one line",
                r.returncode == 2 and want in r.stderr
                and r.stderr.count("\n") == 1 and not r.stdout,
                f"exit {r.returncode}: {r.stderr!r}")
    r = run([d, "--bus-address", "unix:path=/nonexistent/bus"])
    c.check("an unreachable bus: exit 1 with a reason",
            r.returncode == 1 and "cannot connect" in r.stderr,
            f"exit {r.returncode}: {r.stderr!r}")


def case_startup(c, args):
    with Env(args) as env:
        if not start(c, env):
            return
        c.ok("READY=1 on NOTIFY_SOCKET")
        c.check("the name is owned when READY=1 comes",
                env.bus.name_has_owner())
        status = [m for m in env.daemon.messages if m.startswith("STATUS=")]
        c.check("STATUS= says what it serves",
                any(re.search(r"\d+ regions, \d+ namespaces, \d+ dax devices",
                              s) for s in status), repr(status))

        # A second daxmapd finds the name taken and says so.
        second = Daemon(env.tmp, args.daxmapd, env.bus, name="second")
        try:
            rc = second.proc.wait(10)
        except subprocess.TimeoutExpired:
            rc = None
        second.stop(signal.SIGKILL)
        c.check("a second daxmapd exits 1: name taken",
                rc == 1 and "another daxmapd" in second.stderr(),
                f"exit {rc}: {second.stderr()[-500:]}")
        c.check("the first one still serves",
                env.bus.name_has_owner() and env.daemon.proc.poll() is None)

    # The watchdog, as systemd asks for it.
    with Env(args, env={"WATCHDOG_USEC": "400000"}) as env:
        if not start(c, env, "daxmapd with a watchdog"):
            return
        env.daemon.read_notify(1.2)
        pings = env.daemon.messages.count("WATCHDOG=1")
        c.check("WATCHDOG=1 at least every 400 ms", pings >= 3,
                f"{pings} pings in 1.2 s")

    # Losing the bus ends the daemon with status 1.
    with Env(args) as env:
        if not start(c, env):
            return
        env.bus.stop()
        try:
            rc = env.daemon.proc.wait(5)
        except subprocess.TimeoutExpired:
            rc = None
        c.check("the bus going away: exit 1", rc == 1,
                f"exit {rc}: {env.daemon.stderr()[-500:]}")


def case_introspect(c, args):
    with Env(args) as env:
        if not start(c, env):
            return
        r = env.bus.busctl("introspect", BUS_NAME, MANAGER)
        if not c.check("busctl introspect /org/daxmap1", r.returncode == 0,
                       r.stderr):
            return
        lines = {ln.split()[0]: ln.split()[1:4]
                 for ln in r.stdout.splitlines() if ln.strip()}
        for member, kind, sig in (
                ("org.daxmap1.Manager", "interface", "-"),
                ("org.freedesktop.DBus.ObjectManager", "interface", "-"),
                (".GetStatus", "method", "a{sv}"),
                (".Plan", "method", "ttsa{sv}"),
                (".Reload", "method", "a{sv}"),
                (".GetManagedObjects", "method", "-"),
                (".InterfacesAdded", "signal", "oa{sa{sv}}"),
                (".Version", "property", "s"),
                (".KernelRelease", "property", "s"),
                (".VmemmapDedup", "property", "s"),
                (".TotalDevdaxBytes", "property", "t"),
                (".MemmapBaselineBytes", "property", "t"),
                (".MemmapActualBytes", "property", "t"),
                (".MemmapSavedBytes", "property", "t")):
            got = lines.get(member)
            c.check(f"introspect lists {member} ({kind} {sig})",
                    got is not None and got[0] == kind and got[1] == sig,
                    f"got {got}")
        c.check("GetStatus returns s", lines.get(".GetStatus", [""] * 3)[2]
                == "s")
        c.check("Version is const, totals emit changes",
                "const" in r.stdout.split(".Version")[1].splitlines()[0]
                and "emits-change" in
                r.stdout.split(".TotalDevdaxBytes")[1].splitlines()[0])
        # The methods that change the system, with their results.
        for member, sig, result in ((".CreateNamespace", "a{sv}", "os"),
                                    (".DestroyNamespace", "sa{sv}", "s"),
                                    (".ReconfigureDevice", "sa{sv}", "-"),
                                    (".Apply", "a{sv}", "s")):
            got = lines.get(member)
            c.check(f"introspect lists {member}({sig}) -> {result}",
                    got == ["method", sig, result], f"got {got}")

        r = env.bus.busctl("tree", BUS_NAME)
        c.check("busctl tree shows /org/daxmap1",
                r.returncode == 0 and MANAGER in r.stdout, r.stderr)


def case_status(c, args):
    with Env(args) as env:
        if not start(c, env):
            return
        try:
            got = busctl_json(env.bus, "GetStatus", "a{sv}", "0")
        except (AssertionError, ValueError) as e:
            c.fail("GetStatus returns JSON", str(e))
            return
        c.ok("GetStatus returns JSON that parses")
        c.check("schema 1 with every top-level key",
                got.get("schema") == 1 and
                sorted(got) == sorted(["schema", "kernel", "regions",
                                       "dax_regions", "namespaces", "devices", "totals",
                                       "config"]),
                f"keys {sorted(got)}")
        c.check("lists are arrays", all(isinstance(got[k], list) for k in
                                         ("regions", "namespaces",
                                          "devices")))
        want = daxmapctl_json(args, "status")
        c.check("GetStatus equals daxmapctl status --json "
                "(but the live nr_memmap_pages)",
                without_live_counter(got) == without_live_counter(want),
                f"daemon {json.dumps(without_live_counter(got))[:400]} "
                f"cli {json.dumps(without_live_counter(want))[:400]}")

        human = busctl_json(env.bus, "GetStatus", "a{sv}", "1", "human",
                            "b", "true")
        c.check("human adds *_human strings beside the numbers",
                isinstance(human["kernel"]["page_size"], int) and
                "page_size_human" in human["kernel"] and
                "devdax_bytes_human" in human["totals"])
        want = daxmapctl_json(args, "--human", "status")
        c.check("GetStatus {human} equals daxmapctl --human status --json",
                without_live_counter(human) == without_live_counter(want))

        # The Manager's properties say what GetStatus says.
        r = env.bus.busctl("--json=short", "get-property", BUS_NAME, MANAGER,
                           IFACE, "TotalDevdaxBytes", "MemmapBaselineBytes",
                           "MemmapActualBytes", "MemmapSavedBytes",
                           "KernelRelease", "VmemmapDedup", "Version",
                           "Devices")
        props = [json.loads(ln) for ln in r.stdout.splitlines()]
        totals = got["totals"]
        c.check("Manager properties match the status totals",
                r.returncode == 0 and
                [p["data"] for p in props] ==
                [totals["devdax_bytes"],
                 totals["memmap"]["baseline_bytes"],
                 totals["memmap"]["actual_bytes"],
                 totals["memmap"]["saved_bytes"],
                 got["kernel"]["release"], got["kernel"]["vmemmap_dedup"],
                 run([args.daxmapctl, "--version"]).stdout.split()[1],
                 totals["devices"]],
                f"{r.stderr} {props}")
        c.check("property types: t, s, u",
                [p["type"] for p in props] == ["t"] * 4 + ["s"] * 3 + ["u"],
                str([p["type"] for p in props]))


def case_plan(c, args):
    with Env(args) as env:
        if not start(c, env):
            return
        try:
            got = busctl_json(env.bus, "Plan", "ttsa{sv}", str(TIB), str(GIB),
                              "mem", "1", "assume_dedup", "b", "true")
        except (AssertionError, ValueError) as e:
            c.fail("Plan returns JSON", str(e))
            return
        mm = got["request"]["memmap"]
        c.check("1 TiB at 1G, map=mem: 40 MiB of RAM",
                mm["ram_bytes"] == 40 * MIB, str(mm))
        c.check("of which 32 MiB page tables, 8 MiB struct pages",
                mm["pagetable_bytes"] == 32 * MIB and
                mm["ram_bytes"] - mm["pagetable_bytes"] == 8 * MIB, str(mm))
        c.check("baseline 16 GiB, saved the rest",
                mm["baseline_bytes"] == 16 * GIB and
                mm["saved_bytes"] == 16 * GIB - 40 * MIB, str(mm))
        c.check("source model", mm["source"] == "model")
        want = daxmapctl_json(args, "plan", "--size", "1T", "--align", "1G",
                              "--map", "mem", "--assume-dedup")
        c.check("Plan equals daxmapctl plan --json", got == want)

        # 0 and "" take the defaults: 2M, mem.
        dflt = busctl_json(env.bus, "Plan", "ttsa{sv}", str(TIB), "0", "",
                           "0")
        want = daxmapctl_json(args, "plan", "--size", "1T")
        c.check("align 0 and map \"\": daxmapctl plan's defaults",
                dflt == want and dflt["request"]["align"] == 2 * MIB
                and dflt["request"]["map"] == "mem")
        dev = busctl_json(env.bus, "Plan", "ttsa{sv}", str(64 * GIB),
                          str(2 * MIB), "dev", "1", "human", "b", "true")
        c.check("map dev: the memmap on the device, human strings",
                dev["request"]["memmap"]["location"] == "device" and
                dev["request"]["memmap"]["ram_bytes"] == 0 and
                "size_human" in dev["request"])


def expect_error(c, name, r, error, *words):
    got = gdbus_error(r) if "GDBus" in r.stderr else None
    if got is None:
        m = re.search(r"^Error ([A-Za-z0-9_.]+):", r.stderr, re.M)
        got = m.group(1) if m else None
    ok = r.returncode != 0 and got == error and \
        all(w in r.stderr for w in words)
    c.check(f"{name}: {error}", ok,
            f"exit {r.returncode}, error {got}: {r.stderr.strip()[:300]}")


def malformed_calls(c, bus):
    """Bad arguments of every kind; each must be refused, nothing crash."""
    G = lambda *a: bus.gdbus(MANAGER, f"{IFACE}.{a[0]}", *a[1:])
    invalid = "org.freedesktop.DBus.Error.InvalidArgs"

    expect_error(c, "unknown option key", G("GetStatus", "{'hum': <true>}"),
                 invalid, "Unknown option 'hum'", "human")
    expect_error(c, "option of the wrong type",
                 G("GetStatus", "{'human': <'yes'>}"), invalid,
                 "'human'", "boolean")
    expect_error(c, "option of the wrong integer type",
                 G("Plan", "uint64 1099511627776", "uint64 0", "''",
                   "{'assume_dedup': <1>}"), invalid, "'assume_dedup'")
    expect_error(c, "option given twice",
                 G("GetStatus", "{'human': <true>, 'human': <false>}"),
                 invalid, "'human'", "more than once")
    expect_error(c, "an option of another method",
                 G("GetStatus", "{'assume_dedup': <true>}"), invalid,
                 "'assume_dedup'")
    expect_error(c, "wrong signature (s for a{sv})",
                 bus.dbus_send(MANAGER, f"{IFACE}.GetStatus", "string:x"),
                 invalid, "a{sv}")
    expect_error(c, "wrong signature (no arguments)",
                 bus.dbus_send(MANAGER, f"{IFACE}.Plan"), invalid)
    expect_error(c, "wrong signature (u for t)",
                 bus.dbus_send(MANAGER, f"{IFACE}.Plan", "uint32:1",
                               "uint32:0", "string:mem"), invalid)
    expect_error(c, "unknown method",
                 bus.dbus_send(MANAGER, f"{IFACE}.Frobnicate", "string:x"),
                 "org.freedesktop.DBus.Error.UnknownMethod")
    expect_error(c, "CreateNamespace: wrong signature (s for a{sv})",
                 bus.dbus_send(MANAGER, f"{IFACE}.CreateNamespace",
                               "string:x"), invalid, "a{sv}")

    expect_error(c, "align 3M", G("Plan", "uint64 1099511627776",
                                  "uint64 3145728", "'mem'", "@a{sv} {}"),
                 "org.daxmap1.Error.UnsupportedAlign", "3M", "4K", "2M",
                 "1G")
    expect_error(c, "size 0", G("Plan", "uint64 0", "uint64 0", "''",
                                "@a{sv} {}"),
                 "org.daxmap1.Error.InvalidSize", "Size 0")
    expect_error(c, "size not a multiple of the align",
                 G("Plan", f"uint64 {GIB + 4096}", f"uint64 {GIB}", "''",
                   "@a{sv} {}"),
                 "org.daxmap1.Error.InvalidSize", "not a multiple",
                 "1G", "2G")
    expect_error(c, "size at the top of the range",
                 G("Plan", "uint64 18446744073709551615", "uint64 0", "''",
                   "@a{sv} {}"),
                 "org.daxmap1.Error.InvalidSize", "nearest valid size is")
    expect_error(c, "unknown map", G("Plan", "uint64 1099511627776",
                                     "uint64 0", "'ram-ish'", "@a{sv} {}"),
                 "org.daxmap1.Error.InvalidMap", "'ram-ish'", "mem", "dev")

    # The methods that change things: the same rules, checked before any
    # authorisation is asked for; this host has no pmem, so a request that
    # gets past them finds no region, namespace or device.
    expect_error(c, "CreateNamespace: unknown option",
                 G("CreateNamespace", "{'sise': <uint64 1>}"), invalid,
                 "Unknown option 'sise'", "size", "align", "dry_run")
    expect_error(c, "CreateNamespace: size of the wrong type",
                 G("CreateNamespace", "{'size': <'1G'>}"), invalid,
                 "'size'", "unsigned 64-bit")
    expect_error(c, "CreateNamespace: no size",
                 G("CreateNamespace", "@a{sv} {}"),
                 "org.daxmap1.Error.InvalidSize", "size", "percent")
    expect_error(c, "CreateNamespace: size and percent",
                 G("CreateNamespace",
                   "{'size': <uint64 1073741824>, 'percent': <uint32 50>}"),
                 "org.daxmap1.Error.InvalidSize", "not both")
    expect_error(c, "CreateNamespace: 101 percent",
                 G("CreateNamespace", "{'percent': <uint32 101>}"),
                 "org.daxmap1.Error.InvalidSize", "101")
    expect_error(c, "CreateNamespace: align 3M",
                 G("CreateNamespace", "{'size': <uint64 1073741824>, "
                   "'align': <uint64 3145728>}"),
                 "org.daxmap1.Error.UnsupportedAlign", "3M", "4K", "1G")
    expect_error(c, "CreateNamespace: unknown mode",
                 G("CreateNamespace", "{'size': <uint64 1073741824>, "
                   "'mode': <'sector'>}"),
                 "org.daxmap1.Error.InvalidMode", "'sector'", "devdax",
                 "fsdax")
    expect_error(c, "CreateNamespace: unknown map",
                 G("CreateNamespace", "{'size': <uint64 1073741824>, "
                   "'map': <'%s'>}" % ("m" * 100000)),
                 "org.daxmap1.Error.InvalidMap", "mem", "dev")
    expect_error(c, "CreateNamespace: region and numa_node",
                 G("CreateNamespace", "{'size': <uint64 1073741824>, "
                   "'region': <'region0'>, 'numa_node': <uint32 0>}"),
                 invalid, "not both")
    # The name is judged before any region is looked for: InvalidName,
    # not the NoSuchRegion of a host without pmem.
    expect_error(c, "CreateNamespace: a name longer than a label holds",
                 G("CreateNamespace", "{'size': <uint64 1073741824>, "
                   "'name': <'%s'>, 'dry_run': <true>}" % ("n" * 70)),
                 "org.daxmap1.Error.InvalidName", "at most 63")
    expect_error(c, "CreateNamespace: a region that does not exist",
                 G("CreateNamespace", "{'size': <uint64 1073741824>, "
                   "'region': <'region9'>, 'dry_run': <true>}"),
                 "org.daxmap1.Error.NoSuchRegion", "region9")
    expect_error(c, "DestroyNamespace: no name",
                 G("DestroyNamespace", "''", "@a{sv} {}"), invalid,
                 "namespaceX.Y")
    expect_error(c, "DestroyNamespace: unknown option",
                 G("DestroyNamespace", "'namespace0.0'",
                   "{'forse': <true>}"), invalid, "'forse'", "force")
    expect_error(c, "DestroyNamespace: one that does not exist",
                 G("DestroyNamespace", "'namespace9.9'", "@a{sv} {}"),
                 "org.daxmap1.Error.NotFound", "namespace9.9")
    expect_error(c, "ReconfigureDevice: nothing to change",
                 G("ReconfigureDevice", "'dax9.9'", "@a{sv} {}"), invalid,
                 "Nothing to change")
    expect_error(c, "ReconfigureDevice: unknown mode",
                 G("ReconfigureDevice", "'dax9.9'", "{'mode': <'swap'>}"),
                 "org.daxmap1.Error.InvalidMode", "devdax", "system-ram")
    expect_error(c, "ReconfigureDevice: one that does not exist",
                 G("ReconfigureDevice", "'dax9.9'",
                   "{'mode': <'system-ram'>}"),
                 "org.daxmap1.Error.NotFound", "dax9.9")

    # The devices' methods: checked before authorisation, then (root
    # needs none) refused by the library in the worker, whose answer is
    # the reply.
    expect_error(c, "CreateDevice: no size", G("CreateDevice", "@a{sv} {}"),
                 "org.daxmap1.Error.InvalidSize", "size")
    expect_error(c, "CreateDevice: no dynamic region on this host",
                 G("CreateDevice", "{'size': <uint64 1073741824>, "
                   "'measure': <true>}"),
                 "org.daxmap1.Error.NoSuchRegion", "dynamic dax region")
    expect_error(c, "DestroyDevice: one that does not exist",
                 G("DestroyDevice", "'dax9.9'", "{'force': <true>}"),
                 "org.daxmap1.Error.NotFound", "dax9.9")
    expect_error(c, "ReconfigureNamespace: without force",
                 G("ReconfigureNamespace", "'namespace9.9'",
                   "{'mode': <'devdax'>}"),
                 "org.daxmap1.Error.HoldsData", "force")
    expect_error(c, "ReconfigureNamespace: one that does not exist",
                 G("ReconfigureNamespace", "'namespace9.9'",
                   "{'mode': <'fsdax'>, 'force': <true>}"),
                 "org.daxmap1.Error.NotFound", "namespace9.9")

    # Huge strings (argv allows ~128 KiB per argument): refused, the
    # error quoting a UTF-8-safe prefix, not all of it.
    big = "x" * 120000
    r = G("GetStatus", "{'%s': <true>}" % big)
    expect_error(c, "a 120 KB option key", r, invalid, "Unknown option")
    c.check("the error quotes a short prefix of it",
            len(r.stderr) < 1000, f"{len(r.stderr)} bytes")
    wide = "\u00e9" * 40000
    r = G("GetStatus", "{'%s': <true>}" % wide)
    expect_error(c, "an 80 KB key of 2-byte characters", r, invalid,
                 "Unknown option")
    r = G("Plan", "uint64 1099511627776", "uint64 0", "'%s'" % big,
          "@a{sv} {}")
    expect_error(c, "a 120 KB map", r, "org.daxmap1.Error.InvalidMap")
    c.check("the error quotes a short prefix of the map",
            len(r.stderr) < 1000, f"{len(r.stderr)} bytes")
    r = G("GetStatus", "{'human': <'%s'>}" % big)
    expect_error(c, "a 120 KB value of the wrong type", r, invalid, "'human'")

    # Properties are read-only.
    r = bus.gdbus(MANAGER, "org.freedesktop.DBus.Properties.Set", IFACE,
                  "Version", "<'9'>")
    c.check("Properties.Set is refused", r.returncode != 0 and gdbus_error(r)
            in ("org.freedesktop.DBus.Error.PropertyReadOnly",
                "org.freedesktop.DBus.Error.AccessDenied"), r.stderr)


def case_errors(c, args):
    with Env(args) as env:
        if not start(c, env):
            return
        malformed_calls(c, env.bus)
        c.check("daxmapd still serves after all that",
                env.daemon.proc.poll() is None and env.bus.name_has_owner())
        rc, _ = env.daemon.stop()
        c.check("and exits 0", rc == 0, f"exit {rc}")


def case_object_manager(c, args):
    with Env(args) as env:
        if not start(c, env):
            return
        status = busctl_json(env.bus, "GetStatus", "a{sv}", "0")
        r = env.bus.gdbus(MANAGER,
                          "org.freedesktop.DBus.ObjectManager."
                          "GetManagedObjects")
        if not c.check("GetManagedObjects through gdbus", r.returncode == 0,
                       r.stderr):
            return
        paths = re.findall(r"objectpath '(/org/daxmap1/[^']+)'", r.stdout)
        want = (["/org/daxmap1/region/" + x["dev"].replace(".", "_")
                 for x in status["regions"]] +
                ["/org/daxmap1/namespace/" + x["dev"].replace(".", "_")
                 for x in status["namespaces"]] +
                ["/org/daxmap1/device/" + x["dev"].replace(".", "_")
                 for x in status["devices"]])
        if not want:
            c.check("no pmem here: no objects",
                    r.stdout.strip() == "(@a{oa{sa{sv}}} {},)", r.stdout)
        c.check("one object per region, namespace and device",
                sorted(paths) == sorted(want), f"{paths} vs {want}")
        for d in status["devices"]:
            path = "/org/daxmap1/device/" + d["dev"].replace(".", "_")
            r = env.bus.busctl("--json=short", "get-property", BUS_NAME, path,
                               "org.daxmap1.Device", "DeviceName", "Size",
                               "MemmapActualBytes")
            vals = [json.loads(ln)["data"] for ln in r.stdout.splitlines()]
            c.check(f"{d['dev']}: properties as in GetStatus",
                    vals == [d["dev"], d["size"],
                             (d["memmap"] or {}).get("actual_bytes", 0)],
                    str(vals))

        r = env.bus.gdbus(MANAGER, "org.freedesktop.DBus.Properties.GetAll",
                          IFACE)
        c.check("Manager GetAll through gdbus, typed",
                r.returncode == 0 and "'TotalDevdaxBytes': <uint64 " in
                r.stdout and "'Regions': <uint32 " in r.stdout and
                "'Version': <'" in r.stdout, r.stdout[:300] + r.stderr)
        r = env.bus.gdbus("/org/daxmap1/device/dax999_0",
                          "org.freedesktop.DBus.Properties.GetAll",
                          "org.daxmap1.Device")
        c.check("an object that does not exist is unknown",
                r.returncode != 0 and gdbus_error(r) in
                ("org.freedesktop.DBus.Error.UnknownObject",
                 "org.freedesktop.DBus.Error.UnknownInterface"), r.stderr)

        if os.getuid() != 0 or not shutil.which("setpriv"):
            c.skip("the policy for other users",
                   "needs root and setpriv to switch users")
            return
        # The bus policy: reads for everyone, the name for root only.
        os.chmod(env.tmp, 0o755)
        nobody = "65534"
        r = env.bus.busctl("call", BUS_NAME, MANAGER, IFACE, "GetStatus",
                           "a{sv}", "0", user=nobody)
        c.check("nobody may call GetStatus", r.returncode == 0, r.stderr)
        r = env.bus.busctl("call", BUS_NAME, MANAGER,
                           "org.freedesktop.DBus.ObjectManager",
                           "GetManagedObjects", user=nobody)
        c.check("nobody may call GetManagedObjects", r.returncode == 0,
                r.stderr)
        r = env.bus.busctl("get-property", BUS_NAME, MANAGER, IFACE,
                           "Version", user=nobody)
        c.check("nobody may read properties", r.returncode == 0, r.stderr)
        r = env.bus.busctl("introspect", BUS_NAME, MANAGER, user=nobody)
        c.check("nobody may introspect", r.returncode == 0, r.stderr)
        # Every change is denied to other users when polkit is not there
        # to ask; a dry run changes nothing and is open.
        for method, *argv in (
                ("CreateNamespace", "{'size': <uint64 %d>}" % GIB),
                ("DestroyNamespace", "'namespace0.0'", "@a{sv} {}"),
                ("ReconfigureDevice", "'dax0.0'", "{'mode': <'devdax'>}")):
            r = env.bus.gdbus(MANAGER, f"{IFACE}.{method}", *argv,
                              user=nobody)
            c.check(f"nobody may not call {method}: AccessDenied, saying "
                    "polkit is not running",
                    r.returncode != 0 and gdbus_error(r) ==
                    "org.freedesktop.DBus.Error.AccessDenied" and
                    "polkit is not running" in r.stderr, r.stderr)
        # What needs no privilege to judge is judged before polkit: a
        # hostile caller cannot keep it busy with requests that cannot be.
        for what, options, error in (
                ("a 200-character name",
                 "{'size': <uint64 %d>, 'name': <'%s'>}" % (GIB, "n" * 200),
                 "org.daxmap1.Error.InvalidName"),
                ("a name with a newline",
                 "{'size': <uint64 %d>, 'name': <'a\\nname=b'>}" % GIB,
                 "org.daxmap1.Error.InvalidName"),
                ("size 2^64-1",
                 "{'size': <uint64 18446744073709551615>}",
                 "org.daxmap1.Error.InvalidSize")):
            r = env.bus.gdbus(MANAGER, f"{IFACE}.CreateNamespace", options,
                              user=nobody)
            c.check(f"nobody's CreateNamespace with {what}: {error}, not "
                    "AccessDenied", gdbus_error(r) == error, r.stderr)
        r = env.bus.gdbus(MANAGER, f"{IFACE}.VerifyDevice", "''",
                          "@a{sv} {}", user=nobody)
        c.check("nobody's VerifyDevice naming nothing: InvalidArgs, before "
                "polkit", gdbus_error(r) ==
                "org.freedesktop.DBus.Error.InvalidArgs", r.stderr)
        r = env.bus.gdbus(MANAGER, f"{IFACE}.CreateNamespace",
                          "{'size': <uint64 %d>, 'dry_run': <true>}" % GIB,
                          user=nobody)
        c.check("nobody may ask for a dry run (which finds no region here)",
                gdbus_error(r) == "org.daxmap1.Error.NoSuchRegion",
                r.stderr)
        r = env.bus.busctl("set-property", BUS_NAME, MANAGER, IFACE,
                           "Version", "s", "9", user=nobody)
        c.check("nobody may not call Properties.Set",
                r.returncode != 0 and "denied" in r.stderr.lower(), r.stderr)
        r = env.bus.busctl("call", "org.freedesktop.DBus",
                           "/org/freedesktop/DBus", "org.freedesktop.DBus",
                           "RequestName", "su", BUS_NAME, "0", user=nobody)
        c.check("nobody may not own org.daxmap1",
                r.returncode != 0 and "denied" in r.stderr.lower(),
                r.stderr)


def case_reload(c, args):
    with Env(args) as env:
        if not start(c, env):
            return
        gdbus = need("gdbus", "libglib2.0-bin")
        monitor = subprocess.Popen(
            [gdbus, "monitor", "--address", env.bus.address, "--dest",
             BUS_NAME], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        try:
            time.sleep(0.3)
            r = env.bus.busctl("call", BUS_NAME, MANAGER, IFACE, "Reload",
                               "a{sv}", "0")
            c.check("Reload", r.returncode == 0 and not r.stdout.strip(),
                    r.stderr)
            env.daemon.proc.send_signal(signal.SIGHUP)
            time.sleep(0.3)
            busctl_json(env.bus, "GetStatus", "a{sv}", "0")
            time.sleep(0.3)
            c.check("still running after SIGHUP",
                    env.daemon.proc.poll() is None)
        finally:
            monitor.terminate()
            out = monitor.communicate(timeout=5)[0]
        c.check("the monitor saw the bus", "Monitoring signals" in out, out)
        c.check("rescans of an unchanged host signal nothing",
                "PropertiesChanged" not in out and "InterfacesAdded" not in
                out and "InterfacesRemoved" not in out, out)
        expect_error(c, "Reload with an unknown option",
                     env.bus.gdbus(MANAGER, f"{IFACE}.Reload",
                                   "{'force': <true>}"),
                     "org.freedesktop.DBus.Error.InvalidArgs", "'force'")


def case_signals(c, args):
    for sig in (signal.SIGTERM, signal.SIGINT):
        with Env(args) as env:
            if not start(c, env):
                return
            rc, took = env.daemon.stop(sig)
            # A hang, not a speed: stop() kills it after 5 s (exit -1).
            c.check(f"{sig.name}: exit 0, not killed after 5 s", rc == 0,
                    f"exit {rc} after {took:.2f} s: "
                    f"{env.daemon.stderr()[-500:]}")
            c.check(f"{sig.name}: STOPPING=1 sent",
                    "STOPPING=1" in env.daemon.messages,
                    str(env.daemon.messages))


def case_activation(c, args):
    if not args.servicedir:
        raise Skip("no --servicedir with an activation file")
    with Env(args, start_daemon=False, servicedir=args.servicedir) as env:
        bus = env.bus
        c.check("nothing owns org.daxmap1 before the first call",
                not bus.name_has_owner())
        r = bus.busctl("--json=short", "call", BUS_NAME, MANAGER, IFACE,
                       "GetStatus", "a{sv}", "0")
        ok = r.returncode == 0 and json.loads(
            json.loads(r.stdout)["data"][0])["schema"] == 1
        c.check("a call activates daxmapd from org.daxmap1.service", ok,
                r.stderr)
        c.check("daxmapd owns the name after activation",
                bus.name_has_owner())
        # The activated daemon is the bus's child: stop it by its PID.
        r = bus.busctl("call", "org.freedesktop.DBus",
                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                       "GetConnectionUnixProcessID", "s", BUS_NAME)
        m = re.fullmatch(r"u (\d+)\n", r.stdout)
        if not c.check("its PID is known", m is not None,
                       r.stdout + r.stderr):
            return
        os.kill(int(m.group(1)), signal.SIGTERM)
        for _ in range(50):
            if not bus.name_has_owner():
                break
            time.sleep(0.1)
        c.check("SIGTERM ends the activated daemon",
                not bus.name_has_owner())


def case_emit(c, args):
    """test-emit on a private bus, and under valgrind where there is one."""
    if not args.emit:
        raise Skip("no --emit helper")
    wrappers = [("", [])]
    valgrind = shutil.which("valgrind")
    with open(args.emit, "rb") as f:
        asan = b"__asan_init" in f.read()
    if valgrind and not asan:
        wrappers.append((" under valgrind", [valgrind, *VALGRIND_ARGS]))
    for what, wrapper in wrappers:
        with Env(args, start_daemon=False) as env:
            r = run([*wrapper, args.emit, env.bus.address], timeout=120)
            c.check(f"signals for hand-made scans{what}", r.returncode == 0,
                    f"exit {r.returncode}: {r.stdout[-1500:]}"
                    f"{r.stderr[-3000:]}")


def case_valgrind(c, args):
    valgrind = need("valgrind", "valgrind")
    with open(args.daxmapd, "rb") as f:
        if b"__asan_init" in f.read():
            raise Skip("valgrind cannot run a sanitizer build")
    with Env(args, start_daemon=False) as env:
        log = os.path.join(env.tmp, "valgrind.log")
        env.daemon = Daemon(env.tmp, args.daxmapd, env.bus,
                            wrapper=[valgrind, *VALGRIND_ARGS,
                                     f"--log-file={log}"],
                            ready_timeout=VALGRIND_READY_TIMEOUT)
        if not start(c, env, "daxmapd under valgrind"):
            return
        r = env.bus.busctl("introspect", BUS_NAME, MANAGER)
        c.check("introspect", r.returncode == 0, r.stderr)
        for call in (("GetStatus", "a{sv}", "0"),
                     ("GetStatus", "a{sv}", "1", "human", "b", "true"),
                     ("Plan", "ttsa{sv}", str(TIB), str(GIB), "mem", "1",
                      "assume_dedup", "b", "true"),
                     ("Plan", "ttsa{sv}", str(TIB), "0", "", "0")):
            try:
                busctl_json(env.bus, *call)
                c.ok(f"{call[0]} {' '.join(call[2:])}")
            except (AssertionError, ValueError) as e:
                c.fail(f"{call[0]} {' '.join(call[2:])}", str(e))
        malformed_calls(c, env.bus)
        r = env.bus.gdbus(MANAGER, "org.freedesktop.DBus.ObjectManager."
                          "GetManagedObjects")
        c.check("GetManagedObjects", r.returncode == 0, r.stderr)
        r = env.bus.gdbus(MANAGER, "org.freedesktop.DBus.Properties.GetAll",
                          IFACE)
        c.check("GetAll", r.returncode == 0, r.stderr)
        r = env.bus.busctl("call", BUS_NAME, MANAGER, IFACE, "Reload",
                           "a{sv}", "0")
        c.check("Reload", r.returncode == 0, r.stderr)
        # The worker thread: its queue, its reply, its library context.
        r = env.bus.busctl("call", BUS_NAME, MANAGER, IFACE, "Apply",
                           "a{sv}", "1", "dry_run", "b", "true")
        c.check("Apply dry_run (in the worker)", r.returncode == 0, r.stderr)
        r = env.bus.busctl("call", BUS_NAME, MANAGER, IFACE,
                           "CreateNamespace", "a{sv}", "2", "size", "t",
                           str(GIB), "dry_run", "b", "true")
        c.check("CreateNamespace dry_run (in the worker): refused, no pmem",
                r.returncode != 0 and "region" in r.stderr.lower(),
                r.stderr)
        env.daemon.proc.send_signal(signal.SIGHUP)
        busctl_json(env.bus, "GetStatus", "a{sv}", "0")
        rc, took = env.daemon.stop(timeout=60)
        with open(log) as f:
            report = f.read()
        c.check("SIGTERM: exit 0, no valgrind errors, no leaks",
                rc == 0 and not report.strip(),
                f"exit {rc} after {took:.1f} s: {report[-3000:]}")


def case_config(c, args):
    """A configuration that does not load: the daemon says where and keeps
    going; Apply refuses it by file and line; fixed, Apply reads it."""
    conf = tempfile.mkdtemp(prefix="daxmapd-conf-")
    try:
        with open(os.path.join(conf, "daxmap.conf"), "w") as f:
            f.write("[namespace db0]\nsize = 1G\nalign = 3M\n")
        with Env(args, env={"DAXMAP_CONFIG_DIR": conf}) as env:
            if not start(c, env):
                return
            where = f"{conf}/daxmap.conf:3: align: '3M'"
            c.check("a bad configuration at start: logged with file and "
                    "line, the daemon serves", where in env.daemon.stderr()
                    and env.bus.name_has_owner(), env.daemon.stderr())
            r = env.bus.gdbus(MANAGER, f"{IFACE}.Apply",
                              "{'dry_run': <true>}")
            c.check("Apply: InvalidConfig, naming file, line and key",
                    gdbus_error(r) == "org.daxmap1.Error.InvalidConfig" and
                    where in r.stderr and "nothing was changed" in r.stderr,
                    r.stderr)
            env.daemon.proc.send_signal(signal.SIGHUP)
            r = env.bus.busctl("call", BUS_NAME, MANAGER, IFACE, "Reload",
                               "a{sv}", "0")
            c.check("SIGHUP and Reload with it: still serving",
                    r.returncode == 0 and env.daemon.proc.poll() is None,
                    r.stderr)
            status = busctl_json(env.bus, "GetStatus", "a{sv}", "0")
            c.check("GetStatus shows why the configuration is not loaded",
                    where in (status["config"]["error"] or ""),
                    str(status["config"]))

            with open(os.path.join(conf, "daxmap.conf"), "w") as f:
                f.write("[namespace db0]\nsize = 1G\nalign = 2M\n")
            r = env.bus.busctl("--json=short", "call", BUS_NAME, MANAGER,
                               IFACE, "Apply", "a{sv}", "1", "dry_run", "b",
                               "true")
            report = json.loads(json.loads(r.stdout)["data"][0]) \
                if r.returncode == 0 else {}
            ns = report.get("apply", {}).get("namespaces", [{}])
            c.check("fixed: an Apply dry run reads it (no region here: "
                    "db0 would fail, saying why)",
                    report.get("apply", {}).get("dry_run") is True and
                    ns[0].get("name") == "db0" and
                    ns[0].get("outcome") == "failed" and
                    "no persistent-memory regions" in ns[0].get("message",
                                                                ""),
                    r.stdout + r.stderr)
            r = env.bus.gdbus(MANAGER, f"{IFACE}.Apply", "{'dry': <true>}")
            c.check("Apply: an unknown option is InvalidArgs",
                    gdbus_error(r) ==
                    "org.freedesktop.DBus.Error.InvalidArgs", r.stderr)
            if os.getuid() == 0 and shutil.which("setpriv"):
                os.chmod(env.tmp, 0o755)
                r = env.bus.gdbus(MANAGER, f"{IFACE}.Apply", "@a{sv} {}",
                                  user="65534")
                c.check("another user's Apply: AccessDenied",
                        gdbus_error(r) ==
                        "org.freedesktop.DBus.Error.AccessDenied", r.stderr)
    finally:
        shutil.rmtree(conf, ignore_errors=True)


def daxmapctl(args, *argv, bus=None, user=None):
    """daxmapctl, as a client of the daemon on @bus (None: --direct)."""
    env = dict(os.environ)
    env.pop("DAXMAP_ROOT", None)
    argv = [args.daxmapctl, *argv]
    if bus is None:
        argv.insert(1, "--direct")
    else:
        env["DBUS_SYSTEM_BUS_ADDRESS"] = bus.address
    if user is not None:
        argv = [need("setpriv", "util-linux"), f"--reuid={user}",
                f"--regid={user}", "--clear-groups", *argv]
    return run(argv, env=env)


def without_counter_line(text):
    return "\n".join(ln for ln in text.splitlines()
                     if "nr_memmap_pages" not in ln and
                     "current value" not in ln)


FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "unit", "fixtures")


def case_newer(c, args):
    """daxmapctl prints a later daxmapd's status, unknown values and all."""
    if not args.newer:
        raise Skip("no --newer helper")
    with open(os.path.join(FIXTURES, "status", "6.12-busy.json")) as f:
        doc = json.load(f)
    # What a later version may add: a key, a device mode, a namespace
    # mode, a patch, a counting rule.
    doc["firmware"] = {"files": []}
    doc["devices"][0]["mode"] = "famfs"
    doc["namespaces"][0]["mode"] = "teleport"
    doc["kernel"]["patches"] = ["memmap-exact", "time-travel"]
    doc["kernel"]["memmap_counter"]["counting"] = "sometimes"
    with Env(args, start_daemon=False) as env:
        path = os.path.join(env.tmp, "newer.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        proc = subprocess.Popen([args.newer, env.bus.address, path],
                                stdout=subprocess.PIPE, text=True)
        try:
            ready, _, _ = select.select([proc.stdout], [], [], 10)
            if not ready or proc.stdout.readline().strip() != "ready":
                c.fail("a later daxmapd on the bus", "test-newer not ready")
                return
            r = daxmapctl(args, "status", bus=env.bus)
            print(r.stdout)
            c.check("status of a later daxmapd: exit 0, nothing refused",
                    r.returncode == 0 and not r.stderr,
                    f"exit {r.returncode}: {r.stderr}")
            for word in ("famfs", "teleport", "time-travel", "sometimes"):
                c.check(f"status shows '{word}', which it does not know",
                        word in r.stdout, r.stdout[-1500:])
            # The fixture's bad blocks and verified mapping, as text.
            c.check("status shows the bad blocks of namespace0.1 and dax0.1",
                    re.search(r"Bad blocks.*\n.*\n +namespace0\.1 +2101248 +4\.00 KiB"
                              r"\n +dax0\.1 +4096 +4\.00 KiB", r.stdout) is not None,
                    r.stdout[-1500:])
            c.check("status shows what verify measured for dax0.1",
                    re.search(r"measured by verify.*\n.*\n +dax0\.1 +2026-12-01T20:30:00Z"
                              r" +passed +2\.00 MiB", r.stdout) is not None,
                    r.stdout[-1500:])
            r = daxmapctl(args, "--json", "status", bus=env.bus)
            back = json.loads(r.stdout) if r.returncode == 0 else {}
            c.check("status --json of a later daxmapd: the document as "
                    "it came, the added key too",
                    back == doc, f"exit {r.returncode}: {r.stderr}")
        finally:
            proc.kill()
            proc.wait()


def case_client(c, args):
    """daxmapctl through daxmapd prints what it prints with --direct."""
    with Env(args) as env:
        if not start(c, env):
            return
        for argv in (["status"], ["list"], ["kernel"], ["--json", "status"],
                     ["--json", "--human", "status"], ["--json", "kernel"],
                     ["list", "devices", "--json"]):
            via = daxmapctl(args, *argv, bus=env.bus)
            direct = daxmapctl(args, *argv)
            what = " ".join(argv)
            c.check(f"{what}: through daxmapd, exit 0, quiet",
                    via.returncode == 0 and not via.stderr,
                    f"exit {via.returncode}: {via.stderr}")
            c.check(f"{what}: the same output as --direct",
                    without_counter_line(via.stdout) ==
                    without_counter_line(direct.stdout),
                    f"daemon:\n{via.stdout[:600]}\ndirect:\n"
                    f"{direct.stdout[:600]}")

        # Refusals carry the same sentence either way.
        argv = ["create", "namespace", "--size", "1G", "--region", "region9"]
        via = daxmapctl(args, *argv, bus=env.bus)
        direct = daxmapctl(args, *argv)
        c.check("a refused create: exit 1, the library's sentence, "
                "through daxmapd as directly",
                via.returncode == 1 and direct.returncode == 1 and
                via.stderr == direct.stderr and "region9" in via.stderr,
                f"daemon {via.returncode} {via.stderr!r}, direct "
                f"{direct.returncode} {direct.stderr!r}")
        argv = ["destroy", "namespace", "namespace9.9"]
        via = daxmapctl(args, *argv, bus=env.bus)
        direct = daxmapctl(args, *argv)
        c.check("a refused destroy: the same sentence",
                via.returncode == 1 and via.stderr == direct.stderr,
                f"daemon {via.stderr!r}, direct {direct.stderr!r}")

        if os.getuid() != 0 or not shutil.which("setpriv"):
            c.skip("daxmapctl as another user", "needs root and setpriv")
            return
        os.chmod(env.tmp, 0o755)
        r = daxmapctl(args, "destroy", "namespace", "namespace0.0",
                      bus=env.bus, user="65534")
        c.check("another user's destroy: exit 1, daxmapd's refusal, "
                "naming polkit",
                r.returncode == 1 and r.stderr.startswith(
                    "daxmapctl: destroy namespace: Not authorised") and
                "polkit" in r.stderr, f"exit {r.returncode}: {r.stderr}")
        r = daxmapctl(args, "status", bus=env.bus, user="65534")
        c.check("another user's status through daxmapd",
                r.returncode == 0 and not r.stderr, r.stderr)

    # monitor: daxmapd's events as JSON lines; here, the daemon leaving.
    with Env(args) as env:
        if not start(c, env):
            return
        menv = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=env.bus.address)
        mon = subprocess.Popen([args.daxmapctl, "monitor"], env=menv,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        try:
            first = mon.stdout.readline()
            env.daemon.stop()
            line = mon.stdout.readline()
            mon.send_signal(signal.SIGINT)
            rc = mon.wait(5)
        finally:
            if mon.poll() is None:
                mon.kill()
                mon.wait()
        try:
            start_event = json.loads(first)
            event = json.loads(line)
        except ValueError:
            start_event = event = {}
        c.check("monitor: the first line says daxmapd runs, once it listens",
                start_event.get("event") == "daemon" and
                start_event.get("properties") == {"running": True},
                repr(first))
        c.check("monitor: one JSON line when daxmapd goes away",
                event.get("event") == "daemon" and
                event.get("properties") == {"running": False} and
                "time" in event, repr(line))
        c.check("monitor: SIGINT ends it with exit 0", rc == 0, f"exit {rc}")

    # No daemon on the bus: reads fall back, changes need root.
    with Env(args, start_daemon=False) as env:
        r = daxmapctl(args, "monitor", bus=env.bus)
        c.check("no daxmapd: monitor says so, exit 1",
                r.returncode == 1 and "daxmapd is not running" in r.stderr,
                f"exit {r.returncode}: {r.stderr}")
        r = daxmapctl(args, "status", bus=env.bus)
        c.check("no daxmapd on the bus: status says so and reads the host",
                r.returncode == 0 and r.stderr.startswith(
                    "daxmapctl: daxmapd is not running (") and
                r.stderr.count("\n") == 1, r.stderr)
        if os.getuid() == 0 and shutil.which("setpriv"):
            os.chmod(env.tmp, 0o755)
            r = daxmapctl(args, "destroy", "namespace", "namespace0.0",
                          bus=env.bus, user="65534")
            c.check("no daxmapd: another user may not destroy directly",
                    r.returncode == 1 and "only root" in r.stderr,
                    r.stderr)

def case_worker(c, args, wrapper=()):
    """A change runs off the loop: reads and the watchdog go on meanwhile."""
    with tempfile.TemporaryDirectory(prefix="daxmap-hold.") as tmp:
        hold = os.path.join(tmp, "hold")
        open(hold, "w").close()
        worker_held(c, args, wrapper, hold)


def worker_held(c, args, wrapper, hold):
    """case_worker with its Apply held while @hold exists."""
    env_vars = {"DAXMAP_TEST_PAUSE_AT": "apply",
                "DAXMAP_TEST_PAUSE_WHILE": hold, "WATCHDOG_USEC": "1000000"}
    with Env(args, wrapper=wrapper, env=env_vars,
             ready_timeout=READY_TIMEOUT * (4 if wrapper else 1)) as env:
        if not start(c, env):
            return
        # A dry-run Apply needs no authorisation; the library holds it at
        # its first step (-Dtest-hooks) until the hold file is gone, so
        # each answer below must come while the Apply is still waiting,
        # however slow the machine.
        apply = subprocess.Popen(
            [need("busctl", "systemd"), f"--address={env.bus.address}",
             "--timeout=600", "call", BUS_NAME, "/org/daxmap1",
             "org.daxmap1.Manager", "Apply", "a{sv}", "1", "dry_run", "b",
             "true"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        try:
            env.daemon.messages.clear()
            env.daemon.read_notify(2)
            took = []
            for _ in range(3):
                t0 = time.monotonic()
                r = env.bus.busctl("call", BUS_NAME, "/org/daxmap1",
                                   "org.daxmap1.Manager", "GetStatus",
                                   "a{sv}", "0")
                took.append((round(time.monotonic() - t0, 2), r.returncode,
                             apply.poll() is None))
            prop = env.bus.busctl("get-property", BUS_NAME, "/org/daxmap1",
                                  "org.daxmap1.Manager", "Devices")
            prop_held = apply.poll() is None
            plan = env.bus.busctl("call", BUS_NAME, "/org/daxmap1",
                                  "org.daxmap1.Manager", "Plan", "ttsa{sv}",
                                  str(1 << 30), str(2 << 20), "mem", "0")
            plan_held = apply.poll() is None
            env.daemon.read_notify(2)
            pings = env.daemon.messages.count("WATCHDOG=1")
            held = apply.poll() is None
            os.unlink(hold)
            out, err = apply.communicate(timeout=120)
        finally:
            if apply.poll() is None:
                apply.kill()
                apply.wait()
            if os.path.exists(hold):
                os.unlink(hold)
        if not held and apply.returncode == 0:
            raise Skip("daxmapd built without -Dtest-hooks (Apply was not "
                       "held)")
        c.check("GetStatus answers while an Apply is held",
                all(rc == 0 and waiting for _, rc, waiting in took),
                f"(seconds, exit, Apply still held) {took}")
        c.check("a property answers while an Apply is held",
                prop.returncode == 0 and prop.stdout.startswith("u ") and
                prop_held, f"held {prop_held}: {prop.stdout}{prop.stderr}")
        c.check("Plan answers while an Apply is held",
                plan.returncode == 0 and plan_held,
                f"held {plan_held}: {plan.stderr}")
        c.check("the watchdog is fed while an Apply is held (WatchdogSec=1s)",
                held and pings >= 4, f"{pings} WATCHDOG=1 in 4 s")
        c.check("the held Apply gets its report as the reply once released",
                apply.returncode == 0 and out.startswith("s ") and
                "dry_run" in out, f"exit {apply.returncode}: {out[:200]}"
                f"{err}")
        c.check("the daemon is still running after it",
                env.daemon.proc.poll() is None, env.daemon.stderr()[-400:])
        rc, _ = env.daemon.stop(timeout=30)
        c.check("SIGTERM after it: exit 0, no sanitizer report",
                rc == 0 and "Sanitizer" not in env.daemon.stderr(),
                f"exit {rc}: {env.daemon.stderr()[-2000:]}")


def case_polkit(c, args):
    """A slow polkit: what it is shown, the bound per user, leavers."""
    if os.getuid() != 0 or not shutil.which("setpriv"):
        raise Skip("needs root and setpriv, to call as another user")
    if not args.polkit:
        raise Skip("no --polkit helper")
    user = "65534"
    with Env(args, polkit=True) as env:
        if not start(c, env):
            return
        os.chmod(env.tmp, 0o755)
        log = os.path.join(env.tmp, "polkit.log")
        pk = subprocess.Popen([args.polkit, env.bus.address, log],
                              stdout=subprocess.PIPE, text=True)
        callers = []
        try:
            if pk.stdout.readline().strip() != "ready":
                c.fail("polkit stand-in", "did not start")
                return

            def create(name):
                return subprocess.Popen(
                    [need("setpriv", "util-linux"), f"--reuid={user}",
                     f"--regid={user}", "--clear-groups",
                     need("busctl", "systemd"), f"--address={env.bus.address}",
                     "--timeout=120", "call", BUS_NAME, "/org/daxmap1",
                     "org.daxmap1.Manager", "CreateNamespace", "a{sv}", "4",
                     "size", "t", str(1 << 30), "align", "t", str(2 << 20),
                     "region", "s", "region0", "name", "s", name],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    text=True)

            def lines(kind):
                try:
                    with open(log) as f:
                        return [l.split() for l in f if l.startswith(kind)]
                except FileNotFoundError:
                    return []

            def wait_for(kind, n, timeout=20):
                end = time.monotonic() + timeout
                while len(lines(kind)) < n and time.monotonic() < end:
                    time.sleep(0.1)
                return lines(kind)

            for i in range(16):
                callers.append(create(f"db{i}"))
            checks = wait_for("check ", 16)
            c.check("16 creates of one user wait for polkit",
                    len(checks) == 16 and
                    all(p.poll() is None for p in callers),
                    f"{len(checks)} checks")
            first = dict(kv.split("=", 1) for kv in checks[0][2:]) \
                if checks else {}
            c.check("polkit is shown the request: size, align, region, name",
                    checks and checks[0][1] == "org.daxmap1.create-namespace"
                    and first.get("size") == "1G" and
                    first.get("align") == "2M" and
                    first.get("region") == "region0" and
                    first.get("name", "").startswith("db"), repr(checks[:1]))
            t0 = time.monotonic()
            r = env.bus.busctl("call", BUS_NAME, "/org/daxmap1",
                               "org.daxmap1.Manager", "CreateNamespace",
                               "a{sv}", "1", "size", "t", str(1 << 30),
                               user=user)
            took = time.monotonic() - t0
            # Its reason says it was refused, not left waiting for polkit.
            c.check("the 17th is refused at once, LimitsExceeded, saying why",
                    r.returncode != 0 and
                    "waiting for authorisation" in r.stderr,
                    f"exit {r.returncode} in {took:.1f} s: {r.stderr}")
            r = env.bus.busctl("call", BUS_NAME, "/org/daxmap1",
                               "org.daxmap1.Manager", "GetStatus", "a{sv}",
                               "0", user=user)
            c.check("that user's GetStatus still answers", r.returncode == 0,
                    r.stderr)

            # The callers leave: their requests go, polkit stops asking.
            for p in callers:
                p.kill()
                p.wait()
            cancels = wait_for("cancel ", 16)
            ids = {l[-1].split("=", 1)[1] for l in checks}
            c.check("a caller that leaves cancels its polkit check",
                    len(cancels) == 16 and {l[1] for l in cancels} == ids,
                    f"{len(cancels)} cancels of {len(ids)}")
            c.check("the daemon says the requests were cancelled",
                    env.daemon.stderr().count("request cancelled") == 16,
                    env.daemon.stderr()[-400:])
            late = create("late")
            callers.append(late)
            c.check("once they left, the user may ask again",
                    len(wait_for("check ", 17)) == 17 and late.poll() is None,
                    f"exit {late.poll()}")
            # Stopping with a request pending drops it, and frees it.
            rc, _ = env.daemon.stop(timeout=30)
            c.check("SIGTERM with a request pending: exit 0, no sanitizer "
                    "report", rc == 0 and
                    "Sanitizer" not in env.daemon.stderr(),
                    f"exit {rc}: {env.daemon.stderr()[-2000:]}")
        finally:
            for p in callers:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            pk.kill()
            pk.wait()
            pk.stdout.close()

def case_devices(c, args):
    """CreateDevice, DestroyDevice, ReconfigureNamespace: the checks that
    need no privilege before polkit, polkit shown the request and its
    denial obeyed, the library's refusal as the worker's reply."""
    if os.getuid() != 0 or not shutil.which("setpriv"):
        raise Skip("needs root and setpriv, to call as another user")
    if not args.polkit:
        raise Skip("no --polkit helper")
    user = "65534"
    with Env(args, polkit=True) as env:
        if not start(c, env):
            return
        os.chmod(env.tmp, 0o755)
        log = os.path.join(env.tmp, "polkit.log")
        pk = subprocess.Popen([args.polkit, env.bus.address, log, "deny"],
                              stdout=subprocess.PIPE, text=True)
        try:
            if pk.stdout.readline().strip() != "ready":
                c.fail("polkit stand-in", "did not start")
                return

            def G(method, *argv, user=user):
                return env.bus.gdbus(MANAGER, f"{IFACE}.{method}", *argv,
                                     user=user)

            def checks():
                try:
                    with open(log) as f:
                        return [l.split() for l in f
                                if l.startswith("check ")]
                except FileNotFoundError:
                    return []

            invalid = "org.freedesktop.DBus.Error.InvalidArgs"
            gib = f"uint64 {GIB}"
            for what, call, error, words in (
                    ("CreateDevice: unknown option",
                     ("CreateDevice", "{'sise': <%s>}" % gib), invalid,
                     ("'sise'", "measure")),
                    ("CreateDevice: size of the wrong type",
                     ("CreateDevice", "{'size': <'1G'>}"), invalid,
                     ("'size'",)),
                    ("CreateDevice: no size",
                     ("CreateDevice", "@a{sv} {}"),
                     "org.daxmap1.Error.InvalidSize", ("size",)),
                    ("CreateDevice: size not a multiple of the align",
                     ("CreateDevice", "{'size': <uint64 %d>, "
                      "'align': <%s>}" % (GIB + 4096, gib)),
                     "org.daxmap1.Error.InvalidSize", ("multiple of align 1G",)),
                    ("CreateDevice: align 3M",
                     ("CreateDevice", "{'size': <%s>, "
                      "'align': <uint64 3145728>}" % gib),
                     "org.daxmap1.Error.UnsupportedAlign", ("3M",)),
                    ("CreateDevice: a name in the form of a device's",
                     ("CreateDevice", "{'size': <%s>, "
                      "'name': <'dax7.0'>}" % gib),
                     "org.daxmap1.Error.InvalidName", ("dax7.0",)),
                    ("CreateDevice: a 100 KB name",
                     ("CreateDevice", "{'size': <%s>, "
                      "'name': <'%s'>}" % (gib, "n" * 100000)),
                     "org.daxmap1.Error.InvalidName", ()),
                    ("DestroyDevice: no device",
                     ("DestroyDevice", "''", "@a{sv} {}"), invalid, ()),
                    ("DestroyDevice: unknown option",
                     ("DestroyDevice", "'dax0.0'", "{'forse': <true>}"),
                     invalid, ("'forse'", "force")),
                    ("ReconfigureNamespace: without force",
                     ("ReconfigureNamespace", "'namespace0.0'",
                      "{'mode': <'devdax'>}"),
                     "org.daxmap1.Error.HoldsData",
                     ("namespace0.0", "force")),
                    ("ReconfigureNamespace: no mode",
                     ("ReconfigureNamespace", "'namespace0.0'",
                      "{'force': <true>}"),
                     "org.daxmap1.Error.InvalidMode", ("devdax", "fsdax")),
                    ("ReconfigureNamespace: unknown mode",
                     ("ReconfigureNamespace", "'namespace0.0'",
                      "{'mode': <'sector'>, 'force': <true>}"),
                     "org.daxmap1.Error.InvalidMode", ("'sector'",)),
                    ("ReconfigureNamespace: a 100 KB map",
                     ("ReconfigureNamespace", "'namespace0.0'",
                      "{'mode': <'devdax'>, 'map': <'%s'>, "
                      "'force': <true>}" % ("m" * 100000)),
                     "org.daxmap1.Error.InvalidMap", ("mem", "dev")),
                    ("ReconfigureNamespace: align 3M",
                     ("ReconfigureNamespace", "'namespace0.0'",
                      "{'mode': <'devdax'>, 'align': <uint64 3145728>, "
                      "'force': <true>}"),
                     "org.daxmap1.Error.UnsupportedAlign", ("3M",))):
                r = G(*call)
                expect_error(c, f"another user, {what}", r, error, *words)
                if len(r.stderr) > 2000:
                    c.fail(f"{what}: a short error", f"{len(r.stderr)} bytes")
            c.check("none of those reached polkit", not checks(),
                    repr(checks()))

            # Past those, polkit is asked, shown the request, and says no.
            for call, action, want in (
                    (("CreateDevice", "{'size': <%s>, 'align': <%s>, "
                      "'region': <'hmem.0'>, 'name': <'big'>, "
                      "'measure': <true>}" % (gib, gib)),
                     "org.daxmap1.create-device",
                     {"size": "1G", "align": "1G", "region": "hmem.0",
                      "name": "big"}),
                    (("CreateDevice", "{'size': <uint64 %d>}" % (4 << 20)),
                     "org.daxmap1.create-device",
                     {"size": "4M", "align": "2M", "region": "any",
                      "name": ""}),
                    (("DestroyDevice", "'big'", "{'force': <true>}"),
                     "org.daxmap1.destroy-device",
                     {"device": "big", "force": "yes"}),
                    (("ReconfigureNamespace", "'namespace0.0'",
                      "{'mode': <'devdax'>, 'align': <uint64 %d>, "
                      "'map': <'dev'>, 'force': <true>}" % (1 << 30)),
                     "org.daxmap1.reconfigure-namespace",
                     {"namespace": "namespace0.0", "mode": "devdax",
                      "align": "1G", "map": "dev", "force": "yes"})):
                n = len(checks())
                r = G(*call)
                expect_error(c, f"another user, {call[0]}: polkit's no", r,
                             "org.freedesktop.DBus.Error.AccessDenied")
                got = checks()[n:]
                details = dict(kv.split("=", 1) for kv in got[0][2:]
                               if "=" in kv) if got else {}
                details.pop("cancel_id", None)
                c.check(f"{call[0]}: polkit asked for {action}, shown "
                        + ", ".join(f"{k}={v}" for k, v in want.items()),
                        len(got) == 1 and got[0][1] == action and
                        details == want, repr(got))
            log_text = env.daemon.stderr()
            c.check("nothing denied ran: no create, destroy or reconfigure "
                    "logged", not re.search(r"(Created|Destroyed|"
                                            r"Reconfigured) ", log_text),
                    log_text[-600:])

            # root needs no polkit: the library refuses in the worker, and
            # that is the reply (this host has no dynamic region).
            n = len(checks())
            for what, call, error, words in (
                    ("CreateDevice on a region that does not exist",
                     ("CreateDevice", "{'size': <%s>, 'region': <'hmem.9'>, "
                      "'measure': <true>}" % gib),
                     "org.daxmap1.Error.NoSuchRegion", ("no dynamic dax region",)),
                    ("DestroyDevice of one that does not exist",
                     ("DestroyDevice", "'dax9.9'", "@a{sv} {}"),
                     "org.daxmap1.Error.NotFound", ("dax9.9",)),
                    ("ReconfigureNamespace of one that does not exist",
                     ("ReconfigureNamespace", "'namespace9.9'",
                      "{'mode': <'devdax'>, 'force': <true>}"),
                     "org.daxmap1.Error.NotFound", ("namespace9.9",))):
                expect_error(c, f"root, {what}", G(*call, user=None), error,
                             *words)
            c.check("root's calls did not ask polkit", len(checks()) == n,
                    repr(checks()[n:]))
            r = env.bus.busctl("call", BUS_NAME, MANAGER, IFACE,
                               "GetStatus", "a{sv}", "0")
            c.check("the daemon still serves", r.returncode == 0, r.stderr)
            rc, _ = env.daemon.stop(timeout=30)
            c.check("SIGTERM: exit 0, no sanitizer report",
                    rc == 0 and "Sanitizer" not in env.daemon.stderr(),
                    f"exit {rc}: {env.daemon.stderr()[-2000:]}")
        finally:
            pk.kill()
            pk.wait()
            pk.stdout.close()


def case_cache(c, args):
    """GetStatus from the last scan: the configuration read again when its
    files change; another user's Reloads do not make it scan each time."""
    conf = tempfile.mkdtemp(prefix="daxmapd-conf-")
    os.mkdir(os.path.join(conf, "daxmap.conf.d"))
    try:
        with Env(args, env={"DAXMAP_CONFIG_DIR": conf}) as env:
            if not start(c, env):
                return
            before = busctl_json(env.bus, "GetStatus", "a{sv}", "0")
            with open(os.path.join(conf, "daxmap.conf.d", "a.conf"),
                      "w") as f:
                f.write("[namespace db0]\nsize = 1G\n")
            # inotify is asynchronous: the daemon hears of it shortly.
            names, end = [], time.monotonic() + 30
            while not names and time.monotonic() < end:
                after = busctl_json(env.bus, "GetStatus", "a{sv}", "0")
                names = [n["name"] for n in after["config"]["namespaces"]]
            c.check("a file added to daxmap.conf.d shows in the next "
                    "GetStatus, though the scan is still fresh",
                    not before["config"]["namespaces"] and names == ["db0"],
                    f"before {before['config']}, after {after['config']}")
            os.unlink(os.path.join(conf, "daxmap.conf.d", "a.conf"))
            names, end = ["db0"], time.monotonic() + 30
            while names and time.monotonic() < end:
                after = busctl_json(env.bus, "GetStatus", "a{sv}", "0")
                names = [n["name"] for n in after["config"]["namespaces"]]
            c.check("and gone once it is removed", not names,
                    str(after["config"]))

            # Without uevents a scan over a second old is done again off
            # the loop, and the calls that came meanwhile wait for it:
            # each is answered, all with the same host.
            time.sleep(1.2)
            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                docs = list(pool.map(
                    lambda _: busctl_json(env.bus, "GetStatus", "a{sv}", "0"),
                    range(16)))
            c.check("16 GetStatus at once, while the scan is redone: all "
                    "answered, the same namespaces",
                    all([n["dev"] for n in d["namespaces"]] ==
                        [n["dev"] for n in before["namespaces"]]
                        for d in docs),
                    str([len(d["namespaces"]) for d in docs]))

            if os.getuid() != 0 or not shutil.which("setpriv"):
                c.skip("another user's Reloads", "needs root and setpriv")
                return
            os.chmod(env.tmp, 0o755)

            def reloads():
                return env.daemon.stderr().count("Reload requested by")

            n0 = reloads()
            t0 = time.monotonic()
            for _ in range(10):
                r = env.bus.busctl("call", BUS_NAME, MANAGER, IFACE, "Reload",
                                   "a{sv}", "0", user="65534")
                if r.returncode != 0:
                    break
            took = time.monotonic() - t0
            n_user = reloads() - n0
            c.check("another user's 10 Reloads all answer, and rescan at "
                    "most once a second",
                    r.returncode == 0 and n_user <= int(took) + 1,
                    f"{n_user} rescans in {took:.1f} s: {r.stderr}")
            n0 = reloads()
            for _ in range(3):
                env.bus.busctl("call", BUS_NAME, MANAGER, IFACE, "Reload",
                               "a{sv}", "0")
            c.check("root's Reloads rescan every time", reloads() - n0 == 3,
                    f"{reloads() - n0} of 3")
    finally:
        shutil.rmtree(conf, ignore_errors=True)


def case_exports(c, args):
    """The files daxmapd keeps for node_exporter, NFD and CDI."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from cdi_check import check_spec
    with Env(args) as env:
        if not start(c, env):
            return
        ex = env.daemon.exports
        prom = os.path.join(ex["textfile"], "daxmap.prom")
        nfd = os.path.join(ex["nfd"], "daxmap")
        cdi = os.path.join(ex["cdi"], "daxmap.io-dax.json")
        c.check("the textfile is there at start", os.path.exists(prom))
        c.check("the NFD feature file is there at start",
                os.path.exists(nfd))
        status = busctl_json(env.bus, "GetStatus", "a{sv}", "0")
        r = daxmapctl(args, "metrics", bus=env.bus)
        c.check("daxmapctl metrics through daxmapd", r.returncode == 0,
                r.stderr)
        with open(prom) as f:
            text = f.read()
        c.check("the textfile is what daxmapctl metrics prints",
                without_counter_metric(text)
                == without_counter_metric(r.stdout), text)
        c.check("the textfile is world-readable",
                os.stat(prom).st_mode & 0o777 == 0o644,
                oct(os.stat(prom).st_mode))
        c.check("no temporary left beside it",
                sorted(os.listdir(ex["textfile"])) == ["daxmap.prom"],
                os.listdir(ex["textfile"]))
        promtool = shutil.which("promtool")
        if promtool:
            p = subprocess.run([promtool, "check", "metrics"], input=text,
                               capture_output=True, text=True)
            c.check("promtool check metrics", p.returncode == 0,
                    p.stdout + p.stderr)
        else:
            print("skip - promtool: not installed (Debian's prometheus)")
        with open(nfd) as f:
            labels = dict(ln.split("=", 1) for ln in f.read().splitlines()
                          if ln and not ln.startswith("#"))
        dedup = status["kernel"]["vmemmap_dedup"]
        if dedup in ("yes", "no"):
            c.check("NFD says whether the kernel deduplicates",
                    labels.get("daxmap.io/vmemmap-dedup")
                    == ("true" if dedup == "yes" else "false"), labels)
        devdax = [d for d in status["devices"] if d["mode"] == "devdax"]
        c.check("a CDI spec exactly when there are devdax devices",
                os.path.exists(cdi) == bool(devdax))
        if os.path.exists(cdi):
            with open(cdi) as f:
                errors = check_spec(json.load(f))
            c.check("the CDI spec keeps CDI's rules", not errors, errors)
        os.unlink(prom)
        env.daemon.proc.send_signal(signal.SIGHUP)
        for _ in range(50):
            if os.path.exists(prom):
                break
            time.sleep(0.1)
        c.check("SIGHUP writes a deleted textfile again",
                os.path.exists(prom))


def without_counter_metric(text):
    """The metrics without the kernel's live counter."""
    return "\n".join(ln for ln in text.splitlines()
                     if not ln.startswith("daxmap_kernel_nr_memmap_bytes "))


CASES = {
    "exports": case_exports,
    "options": case_options,
    "startup": case_startup,
    "introspect": case_introspect,
    "status": case_status,
    "plan": case_plan,
    "errors": case_errors,
    "object-manager": case_object_manager,
    "reload": case_reload,
    "signals": case_signals,
    "activation": case_activation,
    "emit": case_emit,
    "client": case_client,
    "newer": case_newer,
    "config": case_config,
    "valgrind": case_valgrind,
    "worker": case_worker,
    "polkit": case_polkit,
    "devices": case_devices,
    "cache": case_cache,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--daxmapd", required=True)
    p.add_argument("--daxmapctl", required=True)
    p.add_argument("--policy", required=True,
                   help="the D-Bus policy file to include (org.daxmap1.conf)")
    p.add_argument("--servicedir",
                   help="a directory with an org.daxmap1.service to activate")
    p.add_argument("--emit", help="the test-emit helper")
    p.add_argument("--newer", help="the test-newer helper")
    p.add_argument("--polkit", help="the test-polkit stand-in")
    p.add_argument("case", choices=sorted(CASES))
    args = p.parse_args()
    args.daxmapd = os.path.abspath(args.daxmapd)
    args.daxmapctl = os.path.abspath(args.daxmapctl)
    args.policy = os.path.abspath(args.policy)
    if args.emit:
        args.emit = os.path.abspath(args.emit)
    if args.newer:
        args.newer = os.path.abspath(args.newer)
    if args.polkit:
        args.polkit = os.path.abspath(args.polkit)

    # The checks are about daxmapd, not about the caller's environment.
    os.environ["LC_ALL"] = "C"
    for var in ("DAXMAP_LOG", "DAXMAP_ROOT", "NOTIFY_SOCKET",
                "WATCHDOG_USEC", "WATCHDOG_PID", "DBUS_SYSTEM_BUS_ADDRESS"):
        os.environ.pop(var, None)

    c = Checks()
    try:
        need("busctl", "systemd")
        if args.case != "options":
            need("dbus-daemon", "dbus-daemon")
            need("gdbus", "libglib2.0-bin")
            need("dbus-send", "dbus-bin")
        CASES[args.case](c, args)
    except Skip as e:
        print(f"skip - {args.case}: {e}")
        return 77
    except Exception as e:  # a broken harness is a failure, said plainly
        c.fail(args.case, f"{type(e).__name__}: {e}")
    print(f"{args.case}: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
