#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daxmapctl's command line, without root or pmem: exit codes and the one
# line of every usage error, --help and --version, and the shape of the
# JSON whatever stdout is. Usage: test-cli.sh PATH-TO-DAXMAPCTL
#
# DAXMAP_TEST_WRAPPER, when set, is a command (split on blanks) that every
# daxmapctl run goes through, e.g. "valgrind --error-exitcode=99 ...".
#
# One line per check; exits 1 if any failed, 77 if it cannot run at all.

DAXMAPCTL=${1:?usage: test-cli.sh PATH-TO-DAXMAPCTL}
PYTHON=${PYTHON:-python3}
WRAPPER=${DAXMAP_TEST_WRAPPER:-}

# valgrind cannot run what AddressSanitizer instruments.
case $WRAPPER in
*valgrind*)
	if grep -qa __asan_init "$DAXMAPCTL"; then
		echo "skip - valgrind cannot run a sanitizer build"
		exit 77
	fi
	;;
esac

# The checks are about the command line, not about a fixture tree or the
# library's log level the caller happens to have set.
unset DAXMAP_ROOT DAXMAP_LOG
export LC_ALL=C

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

failed=0
checks=0

pass() {
	checks=$((checks + 1))
	echo "ok - $1"
}

fail() {
	checks=$((checks + 1))
	failed=$((failed + 1))
	echo "FAIL - $1"
}

skip() {
	echo "skip - $1"
}

# run ARGS...: daxmapctl's stdout in $tmp/out, stderr in $tmp/err, exit
# code in $rc.
run() {
	# shellcheck disable=SC2086 # the wrapper is split on purpose
	$WRAPPER "$DAXMAPCTL" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# expect_error NAME EXIT-CODE LINE ARGS...: fails with EXIT-CODE, prints
# exactly LINE on stderr and nothing on stdout.
expect_error() {
	name=$1
	want_rc=$2
	want_line=$3
	shift 3
	run "$@"
	nlines=$(wc -l <"$tmp/err")
	if [ "$rc" -ne "$want_rc" ]; then
		fail "$name: exit code $rc, expected $want_rc: $(cat "$tmp/err")"
	elif [ "$nlines" -ne 1 ]; then
		fail "$name: $nlines lines on stderr, expected 1: $(cat "$tmp/err")"
	elif [ "$(cat "$tmp/err")" != "$want_line" ]; then
		fail "$name: stderr is '$(cat "$tmp/err")', expected '$want_line'"
	elif [ -s "$tmp/out" ]; then
		fail "$name: printed on stdout: $(head -n 1 "$tmp/out")"
	else
		pass "$name"
	fi
}

# expect_ok NAME ARGS...: exit code 0, nothing on stderr.
expect_ok() {
	name=$1
	shift
	run "$@"
	if [ "$rc" -ne 0 ]; then
		fail "$name: exit code $rc: $(cat "$tmp/err")"
	elif [ -s "$tmp/err" ]; then
		fail "$name: printed on stderr: $(head -n 1 "$tmp/err")"
	else
		pass "$name"
	fi
}

# expect_stdout NAME TEXT: the last command's stdout holds TEXT.
expect_stdout() {
	if grep -qF -- "$2" "$tmp/out"; then
		pass "$1"
	else
		fail "$1: stdout lacks '$2'"
	fi
}

# check_py NAME FILE SCRIPT [MORE-FILES...]: runs SCRIPT with the parsed
# JSON of FILE as 'j' (MORE-FILES are sys.argv[2:]); SCRIPT raises (assert)
# on failure.
check_py() {
	name=$1
	file=$2
	script=$3
	shift 3
	if out=$("$PYTHON" -c "
import json, sys
with open(sys.argv[1]) as f:
    j = json.load(f)
$script
" "$file" "$@" 2>&1); then
		pass "$name"
	else
		fail "$name: $(printf '%s' "$out" | tail -n 1)"
	fi
}

SIZES="bytes or a number with a K, M, G or T suffix (binary, e.g. 4096, 512M, 1.5G)"
ALIGNS="must be one of 4K, 2M, 1G"
COMMANDS="status, list, plan, kernel, create, destroy, reconfigure, apply, verify, monitor, metrics, help"

# ---------------------------------------------------------------- usage errors

expect_error "unknown command" 2 \
	"daxmapctl: unknown command 'frobnicate' (commands: $COMMANDS)" \
	frobnicate
expect_error "missing command" 2 \
	"daxmapctl: missing command (commands: $COMMANDS; see 'daxmapctl --help')"
expect_error "unknown global option" 2 \
	"daxmapctl: unknown option '--frobnicate' (see 'daxmapctl --help')" \
	--frobnicate status
expect_error "unknown option after the command" 2 \
	"daxmapctl: status: unknown option '--frobnicate' (see 'daxmapctl status --help')" \
	status --frobnicate
expect_error "unknown short option" 2 \
	"daxmapctl: plan: unknown option '-x' (see 'daxmapctl plan --help')" \
	plan -x
expect_error "ambiguous option" 2 \
	"daxmapctl: option '--h' is ambiguous (see 'daxmapctl --help')" \
	--h status
expect_error "option that takes no value" 2 \
	"daxmapctl: kernel: option '--json' does not take a value (see 'daxmapctl kernel --help')" \
	kernel --json=yes
expect_error "option without its value" 2 \
	"daxmapctl: plan: option '--size' needs a value (see 'daxmapctl plan --help')" \
	plan --size
expect_error "stray argument" 2 \
	"daxmapctl: status: unexpected argument 'now' (see 'daxmapctl status --help')" \
	status now
expect_error "list of an unknown object" 2 \
	"daxmapctl: list: unknown object 'buses' (objects: regions, dax-regions, namespaces, devices)" \
	list buses

expect_error "plan --align 3M" 2 \
	"daxmapctl: invalid align '3M': $ALIGNS" \
	plan --size 1G --align 3M
expect_error "plan --align 64K" 2 \
	"daxmapctl: invalid align '64K': $ALIGNS" \
	plan --size 1G --align 64K
expect_error "plan --align junk" 2 \
	"daxmapctl: invalid align '2X': $ALIGNS" \
	plan --size 1G -a 2X

expect_error "plan --size 12Q" 2 \
	"daxmapctl: invalid size '12Q': not a size; use $SIZES" \
	plan --size 12Q
expect_error "plan --size -1G" 2 \
	"daxmapctl: invalid size '-1G': negative; use $SIZES" \
	plan --size -1G
expect_error "plan --size 1.5.3G" 2 \
	"daxmapctl: invalid size '1.5.3G': not a size; use $SIZES" \
	plan --size 1.5.3G
expect_error "plan --size ''" 2 \
	"daxmapctl: invalid size '': empty; use $SIZES" \
	plan --size ''
expect_error "plan --size 0" 2 \
	"daxmapctl: invalid size '0': must be greater than zero; use $SIZES" \
	plan --size 0
expect_error "plan --size 99999999999T (overflow)" 2 \
	"daxmapctl: invalid size '99999999999T': too large; use $SIZES" \
	plan --size 99999999999T
expect_error "plan --size 0.3K (not whole bytes)" 2 \
	"daxmapctl: invalid size '0.3K': not a whole number of bytes; use $SIZES" \
	plan --size 0.3K
expect_error "plan --size 1.5 (not whole bytes)" 2 \
	"daxmapctl: invalid size '1.5': not a whole number of bytes; use $SIZES" \
	plan -s 1.5

expect_error "plan without --size" 2 \
	"daxmapctl: plan: missing required option --size (e.g. --size 64G; see 'daxmapctl plan --help')" \
	plan --align 2M
expect_error "size not a multiple of the align" 2 \
	"daxmapctl: invalid size '3M': not a multiple of align 2M; the nearest valid sizes are 2M and 4M" \
	plan --size 3M --align 2M
expect_error "size not a multiple of the default align" 2 \
	"daxmapctl: invalid size '1025M': not a multiple of align 2M; the nearest valid sizes are 1G and 1026M" \
	plan --size 1025M
expect_error "size below the align" 2 \
	"daxmapctl: invalid size '1000M': not a multiple of align 1G; the smallest valid size is 1G" \
	plan --size 1000M --align 1G
# 1.5K is a valid size (1536 bytes): the complaint is about the align.
expect_error "size 1.5K parsed, then checked against the align" 2 \
	"daxmapctl: invalid size '1.5K': not a multiple of align 4K; the smallest valid size is 4K" \
	plan --size 1.5K --align 4K
expect_error "plan --map bad" 2 \
	"daxmapctl: invalid map 'ram2': must be mem or dev" \
	plan --size 1G --map ram2

# A usage error touches nothing: with the library's debug log on, the one
# line is still all there is on stderr.
expect_error "usage error logs nothing from the library" 2 \
	"daxmapctl: invalid align '3M': $ALIGNS" \
	--verbose plan --size 1G --align 3M

# ------------------------------------------------------------ help, version

expect_ok "--help" --help
missing=""
for cmd in status list plan kernel create destroy reconfigure help; do
	grep -qE "^  $cmd( |\$)" "$tmp/out" || missing="$missing $cmd"
done
if [ -z "$missing" ]; then
	pass "--help lists every command"
else
	fail "--help does not list:$missing"
fi
expect_stdout "--help gives the exit codes" "2 usage error"
expect_stdout "--help says --direct is the only mode" "--direct"
expect_ok "-h" -h
expect_ok "plan --help" plan --help
expect_stdout "plan --help documents --assume-dedup" "--assume-dedup"
expect_ok "help plan" help plan
expect_stdout "help plan is the plan help" "--assume-dedup"
expect_error "help of an unknown command" 2 \
	"daxmapctl: help: unknown command 'frob' (commands: $COMMANDS)" \
	help frob

expect_ok "--version" --version
if grep -qE '^daxmapctl [0-9]+\.[0-9]+\.[0-9]+' "$tmp/out"; then
	pass "--version prints the version"
else
	fail "--version prints '$(cat "$tmp/out")'"
fi
expect_ok "-V" -V

# Accepted spellings of sizes and aligns.
expect_ok "plan --size 1.5G" plan --size 1.5G
expect_ok "plan --size 2MiB --align 2097152" plan --size 2MiB --align 2097152
expect_ok "plan -s 1g -a 1g -m dev (case, short options)" plan -s 1g -a 1g -m dev
expect_ok "plan --size 16kb --align 4k" plan --size 16kb --align 4k
expect_ok "plan --direct" plan --direct --size 1G

# ----------------------------------------------------------------- text

expect_ok "plan 1T at 1G, text" plan --size 1T --align 1G --assume-dedup
expect_stdout "plan text: RAM split in struct pages and page tables" \
	"40.0 MiB (8.00 MiB struct pages + 32.0 MiB page tables)"
expect_stdout "plan text: comparison table" "PAGE TABLES"
# One formatter for text and JSON: just under 1 GiB reads "1.00 GiB" in both.
expect_ok "plan just under 1G, text" plan --direct --size 1073479680 --align 4K
expect_stdout "plan text: 1073479680 bytes are 1.00 GiB" "Plan: 1.00 GiB namespace"
run --direct --json --human plan --size 1073479680 --align 4K
printf '%s' "$(cat "$tmp/out")" >"$tmp/plan-human.json"
check_py "plan --json --human: 1073479680 bytes are 1.00 GiB" \
	"$tmp/plan-human.json" '
assert j["request"]["size_human"] == "1.00 GiB", j["request"]["size_human"]'
expect_ok "kernel" kernel --direct
expect_stdout "kernel: release" "release"
expect_stdout "kernel: nr_memmap_pages" "nr_memmap_pages"
expect_ok "status" status --direct
expect_stdout "status: totals" "Totals"
expect_ok "list" list --direct
expect_ok "list regions devices" list regions devices --direct
POSIXLY_CORRECT=1
export POSIXLY_CORRECT
expect_ok "options after arguments, even with POSIXLY_CORRECT" \
	list devices --json --direct
unset POSIXLY_CORRECT

# Without --direct, daxmapctl asks daxmapd; with no bus (nothing listens
# at this address) it says so in one line and reads the host itself. The
# checks above and below pass --direct: they are about the command line
# and the output, the same either way (tests/daemon and tests/vm check
# the daemon's side).
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus"
export DBUS_SYSTEM_BUS_ADDRESS
run status
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
   grep -q '^daxmapctl: daxmapd is not running (.*); using libdaxmap directly$' "$tmp/err" &&
   grep -q '^Totals' "$tmp/out"; then
	pass "no daxmapd: status says so in one line and reads the host itself"
else
	fail "no daxmapd: status: exit $rc, stderr '$(cat "$tmp/err")'"
fi
run status --direct
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ]; then
	pass "no daxmapd: --direct does not look for it"
else
	fail "no daxmapd: status --direct: exit $rc, stderr '$(cat "$tmp/err")'"
fi
unset DBUS_SYSTEM_BUS_ADDRESS

# create, destroy, reconfigure, monitor: every usage error is caught before
# the library opens or the daemon is asked, so these hold on a host without
# pmem, without daxmapd and without root.
expect_error "monitor --direct" 2 \
	"daxmapctl: monitor: there is no --direct monitor: it prints daxmapd's events" \
	monitor --direct
expect_error "metrics --json" 2 \
	"daxmapctl: metrics: there is no --json or --human metrics: it prints Prometheus's text format" \
	metrics --json
expect_error "metrics: an argument" 2 \
	"daxmapctl: metrics: unexpected argument 'now' (see 'daxmapctl metrics --help')" \
	metrics now
expect_error "monitor: an argument" 2 \
	"daxmapctl: monitor: unexpected argument 'now' (see 'daxmapctl monitor --help')" \
	monitor now
expect_error "apply: unknown option" 2 \
	"daxmapctl: apply: unknown option '--force' (see 'daxmapctl apply --help')" \
	apply --force
expect_error "apply: an argument" 2 \
	"daxmapctl: apply: unexpected argument 'db0' (see 'daxmapctl apply --help')" \
	apply db0
# A configuration that does not load: the file, the line, what is valid;
# before anything else is read.
mkdir -p "$tmp/conf"
printf '[namespace db0]\nsize = 1G\nalign = 3M\n' >"$tmp/conf/daxmap.conf"
DAXMAP_CONFIG_DIR="$tmp/conf"
export DAXMAP_CONFIG_DIR
expect_error "apply: a bad configuration, named by file and line" 1 \
	"daxmapctl: apply: $tmp/conf/daxmap.conf:3: align: '3M': one of 4K, 2M, 1G; nothing was changed" \
	apply --direct
printf '[device vm0]\nsize = 1G\nmode = devdax\nmovable = yes\n' >"$tmp/conf/daxmap.conf"
expect_error "apply: a [device] section's key that goes with system-ram" 1 \
	"daxmapctl: apply: $tmp/conf/daxmap.conf:1: [device vm0]: movable is about system-ram: it goes with mode = system-ram; nothing was changed" \
	apply --direct
unset DAXMAP_CONFIG_DIR
expect_error "verify: missing object" 2 \
	"daxmapctl: verify: missing object: 'daxmapctl verify device ...' (see 'daxmapctl verify --help')" \
	verify
expect_error "verify: unknown object" 2 \
	"daxmapctl: verify: unknown object 'namespace': device" \
	verify namespace dax0.0
expect_error "verify: which device" 2 \
	"daxmapctl: verify device: name the device: daxX.Y, or a namespace or its name" \
	verify device
expect_error "verify: --size without --pattern" 2 \
	"daxmapctl: verify device: a size says how much of the pattern to write: give it with the pattern" \
	verify device dax0.0 --size 1G
expect_error "verify: a bad size" 2 \
	"daxmapctl: invalid size 'lots': not a size; use bytes or a number with a K, M, G or T suffix (binary, e.g. 4096, 512M, 1.5G)" \
	verify device dax0.0 --pattern --size lots
expect_error "create: a NUMA node past 2^32 does not wrap to 0" 2 \
	"daxmapctl: invalid NUMA node '4294967296': a number from 0" \
	create namespace --size 1G --numa-node 4294967296
expect_error "create: a NUMA node no host has" 2 \
	"daxmapctl: create namespace: NUMA node 70000 does not exist: nodes go up to 65535" \
	create namespace --size 1G --numa-node 70000
expect_error "create: a name with a newline" 2 \
	"daxmapctl: create namespace: name 'a...' has a character a name may not: use A-Z, a-z, 0-9, '.', '_' and '-'" \
	create namespace --size 1G --name "$(printf 'a\nb=1')"
expect_error "create: a name in the form of a device's" 2 \
	"daxmapctl: create namespace: name 'dax0.0' looks like a device's name, which lookups would take for the device: choose another" \
	create namespace --size 1G --name dax0.0
expect_error "create: a size no align divides" 2 \
	"daxmapctl: create namespace: not a multiple of align 4K; the nearest valid size is 18014398509481980K" \
	create namespace --size 18446744073709551615
expect_error "create: missing object" 2 \
	"daxmapctl: create: missing object: 'daxmapctl create namespace ...' (see 'daxmapctl create --help')" \
	create --size 1G
expect_error "create: unknown object" 2 \
	"daxmapctl: create: unknown object 'region': namespace" \
	create region --size 1G
expect_error "create: missing size" 2 \
	"daxmapctl: create namespace: missing required option --size (e.g. --size 64G or --size 50%)" \
	create namespace
expect_error "create: align 3M" 2 \
	"daxmapctl: invalid align '3M': must be one of 4K, 2M, 1G" \
	create namespace --size 1G --align 3M
expect_error "create: unknown mode" 2 \
	"daxmapctl: invalid mode 'sector': must be devdax or fsdax" \
	create namespace --size 1G --mode sector
expect_error "create: bad map" 2 \
	"daxmapctl: invalid map 'disk': must be mem or dev" \
	create namespace --size 1G --map disk
expect_error "create: percentage over 100" 2 \
	"daxmapctl: invalid size '150%': a percentage is a whole number from 1% to 100%" \
	create namespace --size 150%
expect_error "create: region and numa node" 2 \
	"daxmapctl: create namespace: region and numa_node exclude each other: give one, not both" \
	create namespace --size 1G --region region0 --numa-node 0
expect_error "reconfigure: nothing to change" 2 \
	"daxmapctl: reconfigure device: nothing to change: give a mode, an align or a size" \
	reconfigure device dax0.0
expect_error "reconfigure: memmap on memory without system-ram" 2 \
	"daxmapctl: reconfigure device: memmap on memory is where kmem puts the memmap of what it onlines: it goes with mode system-ram" \
	reconfigure device dax0.0 --mode devdax --memmap-on-memory
expect_error "reconfigure: bad mode" 2 \
	"daxmapctl: invalid mode 'kmem': must be devdax or system-ram" \
	reconfigure device dax0.0 --mode kmem
expect_error "destroy: which one" 2 \
	"daxmapctl: destroy namespace: which one? (namespaceX.Y, its name, or daxX.Y)" \
	destroy namespace
expect_error "destroy: unknown option" 2 \
	"daxmapctl: destroy namespace: unknown option '--everything' (see 'daxmapctl destroy namespace --help')" \
	destroy namespace namespace0.0 --everything

# ----------------------------------------------------------------- JSON

if ! "$PYTHON" -c 'import json' 2>/dev/null; then
	skip "JSON checks: no $PYTHON"
	echo "$checks checks, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

SHAPE='
def shape(v):
    """Keys and types, not values: what scripts rely on."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    return type(v).__name__ if v is not None else "null"
'

KERNEL_KEYS='
k = j["kernel"]
for key in ("release", "version", "machine", "page_size",
            "sparsemem_vmemmap", "vmemmap_dedup", "vmemmap_dedup_reason",
            "config", "memmap_counter", "patches"):
    assert key in k, "kernel." + key + " missing"
assert isinstance(k["page_size"], int), "page_size is not a number"
assert isinstance(k["patches"], list), "patches is not an array"
for key in ("present", "counting", "pages", "bytes"):
    assert key in k["memmap_counter"], "memmap_counter." + key + " missing"
'

STATUS_KEYS='
assert j["schema"] == 1, "schema is not 1"
for key in ("regions", "namespaces", "devices"):
    assert isinstance(j[key], list), key + " is not an array"
for d in j["devices"]:
    assert isinstance(d["mappers"], list), "mappers is not an array"
t = j["totals"]
for key in ("regions", "namespaces", "devices", "memmap",
            "mappers_pagetable_bytes"):
    assert key in t, "totals." + key + " missing"
'"$KERNEL_KEYS"

# Every key of the plain output is there with --human; what --human adds
# is *_human strings beside numbers, nothing else.
HUMAN_CHECK='
with open(sys.argv[2]) as f:
    plain = json.load(f)
added = []
def walk(p, h, where):
    if isinstance(p, dict):
        assert isinstance(h, dict), where + " changed type"
        for k in p:
            assert k in h, where + "." + k + " missing with --human"
            walk(p[k], h[k], where + "." + k)
        for k in h:
            if k in p:
                continue
            assert k.endswith("_human"), where + "." + k + " added"
            assert isinstance(h[k], str), where + "." + k + " not a string"
            assert isinstance(h.get(k[:-6]), int), where + "." + k + " beside no number"
            added.append(k)
    elif isinstance(p, list):
        assert isinstance(h, list) and len(h) == len(p), where + " changed"
        for i, (a, b) in enumerate(zip(p, h)):
            walk(a, b, "%s[%d]" % (where, i))
walk(plain, j, "")
assert added, "no *_human key at all"
'

# kernel --json, to a file: stdout is not a terminal.
expect_ok "kernel --json" kernel --json --direct
cp "$tmp/out" "$tmp/kernel.json"
if "$PYTHON" -m json.tool "$tmp/kernel.json" >/dev/null 2>&1; then
	pass "kernel --json parses"
else
	fail "kernel --json does not parse"
fi
check_py "kernel --json keys" "$tmp/kernel.json" \
	'assert j["schema"] == 1, "schema is not 1"'"$KERNEL_KEYS"

expect_ok "kernel --json --human" kernel --json --human --direct
cp "$tmp/out" "$tmp/kernel-human.json"
check_py "kernel --human: same keys plus *_human" "$tmp/kernel-human.json" \
	"$HUMAN_CHECK" "$tmp/kernel.json"

# Captured kernels, one with daxmap's kernel patches and one without: the
# patches are named in text and JSON, and the counter's rule with them.
FIXTURES=$(cd "$(dirname "$0")" && pwd)/fixtures/kernel
DAXMAP_ROOT=$FIXTURES/patched-6.12
export DAXMAP_ROOT
expect_ok "kernel, patched tree" kernel --direct
expect_stdout "kernel, patched tree: patches named" \
	"daxmap patches       memmap-exact, dax-memmap, head-reuse"
expect_stdout "kernel, patched tree: exact counting" \
	"exact: RAM really used, vmemmap page tables included;"
expect_ok "kernel --json, patched tree" kernel --json --direct
cp "$tmp/out" "$tmp/kernel-patched.json"
check_py "kernel --json, patched tree: patches and counting" \
	"$tmp/kernel-patched.json" '
k = j["kernel"]
assert k["patches"] == ["memmap-exact", "dax-memmap", "head-reuse"], k["patches"]
assert k["memmap_counter"]["counting"] == "exact", k["memmap_counter"]
assert k["memmap_counter"]["pages"] == 33280, k["memmap_counter"]
'
DAXMAP_ROOT=$FIXTURES/debian-6.12.117
expect_ok "kernel, stock tree" kernel --direct
expect_stdout "kernel, stock tree: no patches" "daxmap patches       none"
expect_ok "kernel --json, stock tree" kernel --json --direct
cp "$tmp/out" "$tmp/kernel-stock.json"
check_py "kernel --json, stock tree: patches empty" "$tmp/kernel-stock.json" '
assert j["kernel"]["patches"] == [], j["kernel"]["patches"]
assert j["kernel"]["memmap_counter"]["counting"] == "dedup-data-only"
'
unset DAXMAP_ROOT

expect_ok "status --json" status --json --direct
cp "$tmp/out" "$tmp/status.json"
if "$PYTHON" -m json.tool "$tmp/status.json" >/dev/null 2>&1; then
	pass "status --json parses"
else
	fail "status --json does not parse"
fi
check_py "status --json: schema 1 keys, arrays for lists" "$tmp/status.json" \
	"$STATUS_KEYS"

# Global options before the command, -u for --human as in ndctl.
expect_ok "--json -u status" --json -u --direct status
cp "$tmp/out" "$tmp/status-human.json"
check_py "status --human: schema 1 keys" "$tmp/status-human.json" \
	"$STATUS_KEYS"
check_py "status --human: same keys plus *_human" "$tmp/status-human.json" \
	"$HUMAN_CHECK" "$tmp/status.json"

expect_ok "list --json" list devices --json --direct
cp "$tmp/out" "$tmp/list.json"
check_py "list --json is the status object" "$tmp/list.json" \
	"$STATUS_KEYS$SHAPE
with open(sys.argv[2]) as f:
    s = json.load(f)
assert shape(j) == shape(s), 'list --json differs in shape from status --json'" \
	"$tmp/status.json"

# The 1 TiB plan: RAM figures under a kernel that deduplicates.
expect_ok "plan 1T 1G mem --json --assume-dedup" \
	plan --size 1T --align 1G --map mem --json --assume-dedup
cp "$tmp/out" "$tmp/plan.json"
PLAN_HELPERS='
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
def alt(align, map):
    for a in j["alternatives"]:
        if a["align"] == align and a["map"] == map:
            return a["memmap"]
    raise AssertionError("no alternative %d/%s" % (align, map))
def data(m):
    return m["ram_bytes"] - m["pagetable_bytes"]
'
check_py "plan: schema 1 and the model's dedup" "$tmp/plan.json" '
assert j["schema"] == 1
assert j["model"]["dedup"] is True, "--assume-dedup did not set dedup"
assert isinstance(j["alternatives"], list)'
check_py "plan 1T 1G mem: 8 MiB data + 32 MiB page tables in RAM" \
	"$tmp/plan.json" "$PLAN_HELPERS"'
m = j["request"]["memmap"]
assert (j["request"]["align"], j["request"]["map"]) == (GiB, "mem")
assert data(m) == 8 * MiB, "data %d" % data(m)
assert m["pagetable_bytes"] == 32 * MiB, "page tables %d" % m["pagetable_bytes"]
assert m["device_bytes"] == 0
assert m["baseline_bytes"] == 16 * GiB
assert m["saved_bytes"] == m["baseline_bytes"] - m["actual_bytes"]'
check_py "plan 1T 2M mem: 4 GiB data + 32 MiB page tables" \
	"$tmp/plan.json" "$PLAN_HELPERS"'
m = alt(2 * MiB, "mem")
assert data(m) == 4 * GiB, "data %d" % data(m)
assert m["pagetable_bytes"] == 32 * MiB, "page tables %d" % m["pagetable_bytes"]'
check_py "plan 1T 4K mem: 16 GiB in RAM" "$tmp/plan.json" "$PLAN_HELPERS"'
m = alt(4 * KiB, "mem")
assert m["ram_bytes"] == 16 * GiB, "ram %d" % m["ram_bytes"]
assert m["device_bytes"] == 0'
check_py "plan 1T map=dev: 0 RAM, 16 GiB on the device" \
	"$tmp/plan.json" "$PLAN_HELPERS"'
for a in (4 * KiB, 2 * MiB, GiB):
    m = alt(a, "dev")
    assert m["ram_bytes"] == 0, "ram %d at %d" % (m["ram_bytes"], a)
    assert m["device_bytes"] == 16 * GiB, "device %d" % m["device_bytes"]
    assert m["location"] == "device"'

# The same figures when asked for directly.
for spec in "2M mem 4294967296 33554432" "4K mem 17179869184 0" \
	    "1G dev 0 0"; do
	# shellcheck disable=SC2086 # split into its four fields
	set -- $spec
	expect_ok "plan 1T --align $1 --map $2 --json" \
		plan --size 1T --align "$1" --map "$2" --json --assume-dedup
	cp "$tmp/out" "$tmp/plan-one.json"
	check_py "plan 1T $1 $2: data $3, page tables $4" "$tmp/plan-one.json" "
m = j['request']['memmap']
assert m['ram_bytes'] - m['pagetable_bytes'] == $3, m
assert m['pagetable_bytes'] == $4, m
assert m['device_bytes'] == (17179869184 if '$2' == 'dev' else 0), m"
done

# Nothing depends on the terminal: the same bytes through a pty.
if command -v script >/dev/null 2>&1 &&
   script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	for args in "plan --size 1T --align 1G --json --assume-dedup" \
		    "plan --size 1T --align 1G --assume-dedup"; do
		# shellcheck disable=SC2086
		$WRAPPER "$DAXMAPCTL" $args >"$tmp/pipe" 2>&1
		script -qec "$WRAPPER '$DAXMAPCTL' $args" /dev/null </dev/null |
			tr -d '\r' >"$tmp/tty"
		if cmp -s "$tmp/pipe" "$tmp/tty"; then
			pass "$args: same output on a terminal"
		else
			fail "$args: output differs on a terminal"
		fi
	done
	script -qec "$WRAPPER '$DAXMAPCTL' --direct status --json" /dev/null </dev/null |
		tr -d '\r' >"$tmp/status-tty.json"
	check_py "status --json on a terminal: same shape" "$tmp/status-tty.json" \
		"$SHAPE
with open(sys.argv[2]) as f:
    s = json.load(f)
assert shape(j) == shape(s), 'shape differs on a terminal'" "$tmp/status.json"
else
	skip "terminal checks: no working script(1)"
fi

echo "$checks checks, $failed failed"
[ "$failed" -eq 0 ]
