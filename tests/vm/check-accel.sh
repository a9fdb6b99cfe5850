#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# How the test bed picks its accelerator, and how it fails, on any host: a
# stand-in qemu-system-x86_64 first in PATH misbehaves when asked for KVM
# (aborts as nested KVM does on some hosts, hangs, or exits 0 at once) and
# runs the real QEMU otherwise, so that neither a working nor a broken KVM
# is needed. Every auto run must end in a TCG run that passes CMD's status
# through and say in one line why. Then what stops the bed on a fresh
# machine (no KVM device, one the user may not open, no QEMU, a kernel that
# cannot be downloaded) must end at once with 125 and a message.
# Usage: check-accel.sh PATH-TO-tests/vm/run

run=${1:?usage: check-accel.sh PATH-TO-tests/vm/run}
run=$(realpath "$run")

tmp=$(mktemp -d) || exit 1
# Reachable by user nobody, for the device it may not open.
chmod 0711 "$tmp"
export TMPDIR=$tmp/runs
mkdir "$TMPDIR"
trap 'pkill -9 -f -- "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# shellcheck source=../check.sh
source "$(dirname "${BASH_SOURCE[0]}")/../check.sh"

real_qemu=$(command -v qemu-system-x86_64) || {
	echo "qemu-system-x86_64 not installed"
	exit 77
}

# The default kernel, once; every case gets a cache of its own (its KVM
# verdicts are the case's own) that links to the kernel in the real one.
"$run" --fetch-only >/dev/null 2>"$tmp/err" || {
	cat "$tmp/err"
	echo "FAIL - the default kernel cannot be prepared"
	exit 1
}
vmlinuz=$(sed -n 's/^vm: kernel .* ready: //p' "$tmp/err" | tail -n 1)
kdir=$(dirname "$(dirname "$vmlinuz")")
[[ -e $kdir/.complete ]] || {
	echo "FAIL - cannot tell the cached kernel from: $(cat "$tmp/err")"
	exit 1
}

mkdir "$tmp/bin"
cat >"$tmp/bin/qemu-system-x86_64" <<'EOF'
#!/bin/bash
# Stand-in QEMU: misbehaves as $STANDIN_MODE when asked for KVM.
echo "$$ $*" >>"$STANDIN_LOG"
prev=
for a; do
	if [[ $prev == -accel && $a == kvm* ]]; then
		case $STANDIN_MODE in
		abort)
			echo 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69' >&2
			echo "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion \`ret == cpu->kvm_msr_buf->nmsrs' failed." >&2
			ulimit -c 0
			kill -ABRT $$
			;;
		hang) exec sleep 3600 ;;
		exit0) exit 0 ;;
		esac
	fi
	prev=$a
done
exec "$STANDIN_REAL" "$@"
EOF
chmod +x "$tmp/bin/qemu-system-x86_64"
export STANDIN_REAL=$real_qemu
# A KVM device that opens: the stand-in never uses it.
: >"$tmp/kvm"
chmod 0600 "$tmp/kvm"

n=0
# bed CASE ARGS...: run the harness with the stand-in, a cache of its own
# (the CASE's), the fake KVM device; sets rc, err (stderr), log (the
# stand-in's invocations, one line each).
bed() {
	local c=$1
	shift
	mkdir -p "$tmp/cache-$c"
	ln -sfn "$kdir" "$tmp/cache-$c/"
	log=$tmp/standin-$c.log
	err=$tmp/err-$c.$((++n))
	: >"$log"
	PATH=$tmp/bin:$PATH STANDIN_LOG=$log DAXMAP_VM_CACHE=$tmp/cache-$c \
		DAXMAP_VM_KVM_DEVICE=${kvm_device:-$tmp/kvm} \
		"$run" --timeout 300 "$@" >"$tmp/out" 2>"$err"
	rc=$?
}
kvm_runs() { grep -c -- '-accel kvm' "$log"; }
tcg_runs() { grep -c -- '-accel tcg' "$log"; }
vmlines() { grep '^vm:' "$err"; }

for mode in abort hang exit0; do
	export STANDIN_MODE=$mode
	DAXMAP_VM_KVM_PROBE_SECS=5 bed "$mode" -- sh -c 'echo hello; exit 7'
	check "$mode under KVM: auto ends in a TCG run with CMD's status (7)" \
		'((rc == 7)) && [[ $(cat "$tmp/out") == hello ]] && (($(kvm_runs) == 1 && $(tcg_runs) == 1))' \
		"rc $rc, $(kvm_runs) KVM and $(tcg_runs) TCG runs; $(vmlines)"
	case $mode in
	abort) want='KVM failed: QEMU was killed by SIGABRT before the guest reached init: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69; using TCG' ;;
	hang) want='KVM failed: the guest did not reach init within 5 s; using TCG' ;;
	exit0) want='KVM failed: QEMU exited with status 0 before the guest reached init: it printed nothing; using TCG' ;;
	esac
	check "$mode under KVM: says why in one line" \
		'(($(grep -c "KVM failed" "$err") == 2)) && grep -qxF "vm: $want" "$err" &&
		 grep -q "^vm: kernel .*, accel tcg (KVM failed: " "$err"' "$(vmlines)"
	check "$mode under KVM: the harness itself prints nothing else" \
		'! grep -v "^vm: " "$err" | grep -q .' "$(cat "$err")"
done

pid=$(sed -n '/-accel kvm/s/ .*//p' "$tmp/standin-hang.log")
check "the hung KVM attempt is gone" '[[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null' "pid '$pid'"

export STANDIN_MODE=abort
bed abort -- true
check "the verdict is remembered: the next run goes straight to TCG" \
	'((rc == 0 && $(kvm_runs) == 0 && $(tcg_runs) == 1)) &&
	 grep -q "^vm: kernel .*, accel tcg (KVM failed earlier since the host booted: QEMU was killed by SIGABRT" "$err"' \
	"rc $rc, $(kvm_runs) KVM runs; $(vmlines)"

bed kvm --accel kvm -- true
check "--accel kvm means KVM or an error: 125, QEMU's error, no TCG run" \
	'((rc == 125 && $(kvm_runs) == 1 && $(tcg_runs) == 0)) &&
	 grep -qF "failed to set MSR 0x10a" "$err"' "rc $rc; $(cat "$err")"

# What a fresh machine may lack.
kvm_device=$tmp/no-such-kvm bed nokvm --accel kvm -- true
check "--accel kvm without a KVM device: 125 at once, saying so" \
	'((rc == 125 && $(kvm_runs) + $(tcg_runs) == 0)) && grep -q "no $tmp/no-such-kvm" "$err"' \
	"rc $rc; $(cat "$err")"
kvm_device=$tmp/no-such-kvm bed nokvm -- true
check "auto without a KVM device: TCG, saying why" \
	'((rc == 0 && $(kvm_runs) == 0 && $(tcg_runs) == 1)) &&
	 grep -q "^vm: kernel .*, accel tcg (no $tmp/no-such-kvm" "$err"' "rc $rc; $(vmlines)"

# A device the user may not open: as nobody, against a root-only device.
if ((EUID != 0)); then
	echo "skip - a KVM device the user may not open: needs root to run as another user"
elif ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$run" 2>/dev/null; then
	echo "skip - a KVM device the user may not open: user nobody cannot run $run"
else
	setpriv --reuid=nobody --regid=nogroup --clear-groups env DAXMAP_VM_KVM_DEVICE="$tmp/kvm" \
		"$run" --accel kvm -- true >/dev/null 2>"$tmp/err-perm"
	rc=$?
	check "--accel kvm with a device the user may not open: 125, saying so" \
		'((rc == 125)) && grep -q "nobody may not open $tmp/kvm" "$tmp/err-perm"' \
		"rc $rc; $(cat "$tmp/err-perm")"
fi

# No QEMU: a PATH with nothing but what the harness needs before it looks.
mkdir "$tmp/noqemu"
ln -s "$(command -v dirname)" "$tmp/noqemu/"
PATH=$tmp/noqemu "$run" -- true >/dev/null 2>"$tmp/err-noqemu"
rc=$?
check "no QEMU installed: 125, saying what to install" \
	'((rc == 125)) && grep -q "qemu-system-x86_64 not found (apt-get install qemu-system-x86)" "$tmp/err-noqemu"' \
	"rc $rc; $(cat "$tmp/err-noqemu")"

# A kernel download that fails: apt-get answers as it does without a network.
mkdir "$tmp/apt"
cat >"$tmp/apt/apt-get" <<'EOF'
#!/bin/sh
echo "E: Failed to fetch $*  Temporary failure resolving the archive's host" >&2
exit 100
EOF
chmod +x "$tmp/apt/apt-get"
mkdir "$tmp/empty-cache"
PATH=$tmp/apt:$PATH DAXMAP_VM_CACHE=$tmp/empty-cache DAXMAP_VM_ACCEL=tcg \
	"$run" --kernel 6.12.0-0+deb12-amd64 -- true >/dev/null 2>"$tmp/err-dl"
rc=$?
check "a kernel download that fails: 125, saying what failed" \
	'((rc == 125)) && grep -q "cannot download linux-image-6.12.0-0+deb12-amd64" "$tmp/err-dl" &&
	 grep -q "Failed to fetch" "$tmp/err-dl"' "rc $rc; $(cat "$tmp/err-dl")"

leftovers=$(pgrep -af -- "$tmp" | grep -v "^$$ ")
check "nothing left running" '[[ -z $leftovers ]]' "$leftovers"

checks_done
