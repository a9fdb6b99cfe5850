#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# daxmap's Debian packages, end to end: tools/build-deb builds them from
# the checkout and lintian finds no error; then a guest booted with
# systemd (one empty labelled NVDIMM region) installs them with dpkg,
# a call starts the packaged daxmapd by D-Bus activation, and the
# packaged daxmapctl gets the status from it.
# Usage: check-packages.sh TESTS_VM_RUN OUTDIR  (host)
#        check-packages.sh --guest OUTDIR      (in the guest)

# shellcheck source=../check.sh
source "$(dirname "${BASH_SOURCE[0]}")/../check.sh"

if [[ $1 != --guest ]]; then
	run=${1:?usage: check-packages.sh TESTS_VM_RUN OUTDIR}
	out=${2:?usage: check-packages.sh TESTS_VM_RUN OUTDIR}
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	for tool in dpkg-buildpackage dh lintian; do
		if ! command -v "$tool" >/dev/null; then
			echo "skip - no $tool (tools/install-deps installs dpkg-dev, debhelper and lintian)"
			exit 77
		fi
	done
	log=$("$top/tools/build-deb" "$out" 2>&1)
	rc=$?
	check "dpkg-buildpackage builds libdaxmap0, libdaxmap-dev and daxmap; lintian says no error" \
		'((rc == 0)) && [[ -e $out/libdaxmap0_$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)_amd64.deb ]] &&
		 ls "$out"/libdaxmap-dev_*.deb "$out"/daxmap_*.deb >/dev/null' "$log"
	((failed == 0)) || exit 1
	"$run" --kernel 6.12 --systemd --nvdimm 8G --timeout 600 -- \
		"${BASH_SOURCE[0]}" --guest "$out"
	exit
fi

out=$2
log=$(dpkg -i "$out"/libdaxmap0_*.deb "$out"/daxmap_*.deb "$out"/libdaxmap-dev_*.deb 2>&1)
rc=$?
check "dpkg installs the three packages" '((rc == 0))' "$log"
check "the files come from the packages" \
	'[[ $(dpkg -S /usr/bin/daxmapctl /usr/sbin/daxmapd /lib/systemd/system/daxmapd.service 2>/dev/null | cut -d: -f1 | sort -u) == daxmap ]]' \
	"$(dpkg -S /usr/bin/daxmapctl /usr/sbin/daxmapd 2>&1)"
systemctl daemon-reload
busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig

out=$(/usr/bin/daxmapctl --json status 2>"$out.err")
rc=$?
check "the packaged daxmapctl gets the status from the activated daxmapd" \
	'((rc == 0)) && [[ $(systemctl is-active daxmapd.service) == active ]] && [[ ! -s $out.err ]] &&
	 grep -q "\"schema\": *1" <<<"$out" && grep -q "region0" <<<"$out"' \
	"rc $rc: $(cat "$out.err"); $(systemctl status --no-pager daxmapd.service 2>&1 | tail -n 5)"
check "pkg-config finds libdaxmap-dev" '[[ $(pkg-config --modversion libdaxmap) == 0.1.0 ]]'

checks_done
