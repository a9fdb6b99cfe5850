#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The test bed's own promises, on the host: CMD's exit status, output and
# arguments come back intact, the harness says which kernel and accelerator
# it used, and neither a timeout nor an interrupt leaves a QEMU or a run
# directory behind. Usage: check-bed.sh PATH-TO-tests/vm/run

run=${1:?usage: check-bed.sh PATH-TO-tests/vm/run}

tmp=$(mktemp -d) || exit 1
# Every run directory of the harness goes here, so leftovers are ours.
export TMPDIR=$tmp/runs
mkdir "$TMPDIR"
# Only this shell's own exit: a child forked for a background run that a
# signal ends before it execs would run the trap too.
trap '((BASHPID == $$)) || exit; pkill -9 -f -- "$TMPDIR" 2>/dev/null; rm -rf "$tmp"' EXIT

# shellcheck source=../check.sh
source "$(dirname "${BASH_SOURCE[0]}")/../check.sh"

leftovers() {
	pgrep -f -- "$TMPDIR" >/dev/null && echo "QEMU still running"
	find "$TMPDIR" -mindepth 1 -maxdepth 1 | grep -q . && echo "run directory left"
}

# Status, stdout, stderr, and arguments no shell or kernel command line
# could carry.
"$run" -- bash -c 'printf "%s|" "$@"; echo; echo to-stderr >&2; exit 3' \
	argv0 'a b' "c'd" '$HOME' '' >"$tmp/out" 2>"$tmp/err"
rc=$?
check "CMD's exit status comes back (3)" '((rc == 3))' "rc $rc"
check "arguments arrive intact" \
	'[[ $(cat "$tmp/out") == "a b|c'"'"'d|\$HOME||" ]]' "$(cat "$tmp/out")"
check "CMD's stderr comes back" 'grep -qx to-stderr "$tmp/err"' "$(cat "$tmp/err")"
check "says which kernel and accelerator, and the boot time" \
	'grep -Eq "^vm: kernel [^ ]+, accel (kvm|tcg) \(.*\), ready in [0-9.]+ s" "$tmp/err"' \
	"$(grep '^vm:' "$tmp/err")"
check "nothing left after a normal run" '[[ -z $(leftovers) ]]' "$(leftovers)"

# A command that outlives --timeout: 124, as timeout(1).
"$run" --timeout 20 -- sleep 600 >/dev/null 2>"$tmp/err"
rc=$?
check "a timeout ends the run with 124" '((rc == 124))' "rc $rc"
check "nothing left after a timeout" '[[ -z $(leftovers) ]]' "$(leftovers)"

# An interrupt once the command runs: 130, no QEMU left. Job control, or
# bash starts the background job with SIGINT ignored.
# Its own stderr file: the one before says "ready in" already, and an
# interrupt sent before this run starts is no test of it.
set -m
"$run" -- sleep 600 >/dev/null 2>"$tmp/err-int" &
pid=$!
set +m
for ((i = 0; i < 600; i++)); do
	grep -q 'ready in' "$tmp/err-int" 2>/dev/null && break
	sleep 0.5
done
kill -INT "$pid"
wait "$pid"
rc=$?
check "an interrupt ends the run with 130" '((rc == 130))' "rc $rc"
check "nothing left after an interrupt" '[[ -z $(leftovers) ]]' "$(leftovers)"

# Bad options are the harness's own errors (125), before any boot.
"$run" --nvdimm 3M -- true 2>"$tmp/err"
rc=$?
check "a bad --nvdimm size is refused with 125 and says why" \
	'((rc == 125)) && grep -q "multiple of 2 MiB" "$tmp/err"' "rc $rc: $(cat "$tmp/err")"

# The other sources of device-DAX: Soft Reserved memory becomes a dynamic
# dax region of that size, legacy pmem an e820 region with one namespace.
"$run" --soft-reserved 1G --legacy-pmem 1G -- sh -c '
	daxctl list -R | grep -q "\"size\":1073741824" && echo soft-reserved-ok
	ndctl list -R -b e820 | grep -q "\"size\":1073741824" && echo legacy-pmem-ok
	ndctl list -N -b e820 | grep -q namespace && echo namespace-ok
	grep -c "Soft Reserved\|Persistent Memory (legacy)" /proc/iomem
' >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--soft-reserved makes a 1 GiB dax region, --legacy-pmem a 1 GiB e820 region" \
	'((rc == 0)) && [[ $(tr "\n" " " <"$tmp/out") == "soft-reserved-ok legacy-pmem-ok namespace-ok 2 " ]]' \
	"rc $rc: $(cat "$tmp/out" "$tmp/err")"
"$run" --soft-reserved 100M -- true 2>"$tmp/err"
rc=$?
check "a --soft-reserved size that is not whole memory blocks is refused with 125" \
	'((rc == 125)) && grep -q "multiple of 128 MiB" "$tmp/err"' "rc $rc: $(cat "$tmp/err")"

checks_done
