#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daxmapd as a user gets it: `meson install` into the guest (booted with
# systemd as PID 1, tests/vm/run --systemd, one empty labelled NVDIMM
# region), then the installed unit started by D-Bus activation, a
# namespace created and destroyed with busctl as root, the unit's sandbox
# rated by systemd-analyze on the running system.
# Usage: check-unit.sh BUILDDIR

build=${1:?usage: check-unit.sh BUILDDIR}
# shellcheck source=../check.sh
source "$(dirname "${BASH_SOURCE[0]}")/../check.sh"

[[ $(cat /proc/1/comm) == systemd ]] || {
	echo "FAIL - PID 1 is $(cat /proc/1/comm), not systemd (tests/vm/run --systemd)"
	exit 1
}

out=$(meson install -C "$build" --no-rebuild --quiet 2>&1)
rc=$?
check "meson install" '((rc == 0))' "$out"
ldconfig
systemctl daemon-reload
# dbus-daemon reads new policies on its own, but not at once.
busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig

unit=$(systemctl show -P FragmentPath daxmapd.service)
check "systemd finds the installed unit" '[[ -n $unit && -e $unit ]]' "FragmentPath '$unit'"
check "daxmapd is not running before it is called" \
	'[[ $(systemctl is-active daxmapd.service) != active ]]'

# node_exporter's directory, as its package makes it, before daxmapd
# starts; NFD's is left out: a tool that is not installed is no error.
mkdir -p /var/lib/prometheus/node-exporter

# busctl gives up on a reply after 25 s; a create, or a verify with a
# pattern, waits for the device as long as it takes (daxmapctl waits 10
# min), and under TCG on a busy host that was longer.
bus() { busctl --timeout=600 --json=short call org.daxmap1 /org/daxmap1 org.daxmap1.Manager "$@"; }

out=$(bus GetStatus 'a{sv}' 0 2>&1)
rc=$?
check "a call starts daxmapd by D-Bus activation" \
	'((rc == 0)) && [[ $(systemctl is-active daxmapd.service) == active ]]' \
	"rc $rc: $out; $(systemctl status --no-pager daxmapd.service 2>&1 | tail -n 5)"
check "GetStatus answers with schema 1 and the region" \
	'grep -q "\\\\\"schema\\\\\": *1" <<<"$out" && grep -q region0 <<<"$out"' "$out"

out=$(bus CreateNamespace 'a{sv}' 3 size t $((2 << 30)) align t $((2 << 20)) name s unit-test 2>&1)
rc=$?
ns=$(ndctl list -N 2>/dev/null)
check "CreateNamespace through the installed unit's sandbox" \
	'((rc == 0)) && grep -q "\"name\":\"unit-test\"" <<<"$ns" && grep -q "\"mode\":\"devdax\"" <<<"$ns"' \
	"rc $rc: $out; ndctl: $ns"
cdi=$(cat /run/cdi/daxmap.io-dax.json 2>&1)
check "through the sandbox: the CDI spec in /run/cdi has it, by name" \
	'grep -q "\"name\": \"unit-test\"" <<<"$cdi" && grep -q "\"path\": \"/dev/dax0.0\"" <<<"$cdi"' "$cdi"
check "and the node_exporter textfile, readable by its user" \
	'grep -Eq "^daxmap_device_size_bytes{device=\"dax0.0\",mode=\"devdax\",align=\"2097152\"} [0-9]+\$" /var/lib/prometheus/node-exporter/daxmap.prom && [[ $(stat -c %a /var/lib/prometheus/node-exporter/daxmap.prom) == 644 ]]' \
	"$(cat /var/lib/prometheus/node-exporter/daxmap.prom 2>&1 | grep device_size)"
records=$(find /var/lib/daxmap -type f 2>/dev/null | wc -l)
check "its record is in /var/lib/daxmap, which systemd made (0700)" \
	'((records >= 1)) && [[ $(stat -c %a /var/lib/daxmap) == 700 ]]' \
	"$(ls -lR /var/lib/daxmap 2>&1)"

out=$(bus VerifyDevice 'sa{sv}' unit-test 1 pattern b true 2>&1)
passed='\"passed\": true'
check "VerifyDevice maps it and reads the pattern back" \
	'grep -qF -- "$passed" <<<"$out"' "$out"
out=$(gdbus call --system --dest org.daxmap1 --object-path /org/daxmap1 \
	--method org.daxmap1.Manager.VerifyDevice dax9.9 '{}' 2>&1)
check "VerifyDevice of no device: org.daxmap1.Error.NotFound, saying so" \
	'grep -q "org.daxmap1.Error.NotFound: .*no dax device" <<<"$out"' "$out"
out=$(/usr/local/bin/daxmapctl verify device unit-test 2>&1)
check "daxmapctl verify device through the daemon" \
	'grep -q "^verify dax0.0 .*: passed" <<<"$out"' "$out"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	busctl call org.daxmap1 /org/daxmap1 org.daxmap1.Manager VerifyDevice 'sa{sv}' unit-test \
	1 auth.no_user_interaction b true 2>&1)
check "another user may not verify without authorisation" \
	'grep -q "Authentication is required to perform .org.daxmap1.verify-device" <<<"$out"' "$out"

# The completion as bash-completion loads it for a user, names from sysfs.
comp=$(bash -c 'source /usr/share/bash-completion/bash_completion
	_completion_loader daxmapctl
	COMP_WORDS=(daxmapctl destroy namespace "") COMP_CWORD=3
	COMP_LINE="daxmapctl destroy namespace " COMP_POINT=${#COMP_LINE}
	_daxmapctl daxmapctl "" namespace
	echo "${COMPREPLY[*]}"' 2>&1)
check "the installed bash completion offers the namespace, its name and its device" \
	'[[ " $comp " == *" namespace0.0 "* && " $comp " == *" unit-test "* && " $comp " == *" dax0.0 "* ]]' \
	"offered: $comp"

out=$(busctl --json=short call org.daxmap1 /org/daxmap1 org.daxmap1.Manager DestroyNamespace 'sa{sv}' unit-test 0 2>&1)
rc=$?
check "DestroyNamespace through it" \
	'((rc == 0)) && ! ndctl list -N 2>/dev/null | grep -q unit-test' "rc $rc: $out"
check "no devdax device left: no CDI spec" '[[ ! -e /run/cdi/daxmap.io-dax.json ]]'

journal=$(journalctl -b -u daxmapd.service --no-pager -o cat 2>&1)
check "daxmapd logged no denial and nothing it could not do" \
	'! grep -Eqi "denied|permission|cannot|read-only" <<<"$journal"' "$journal"
check "daxmapd is still running, never restarted" \
	'[[ $(systemctl is-active daxmapd.service) == active && $(systemctl show -P NRestarts daxmapd.service) == 0 ]]'

rating=$(systemd-analyze security --no-pager daxmapd.service 2>&1 | sed -n 's/.*Overall exposure level for daxmapd.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security rates the running unit 2.5 or better (it says ${rating:-nothing})" \
	'[[ -n $rating ]] && awk -v r="$rating" "BEGIN { exit !(r <= 2.5) }"'

checks_done
