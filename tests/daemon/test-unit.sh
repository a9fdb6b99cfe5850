#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The sandbox of daxmapd.service as systemd-analyze rates it (offline, on
# the generated unit): fails when a change makes the service more exposed
# than THRESHOLD (tenths: 25 is "2.5"). Usage: test-unit.sh UNIT THRESHOLD
#
# Exits 77 without a systemd-analyze that rates unit files offline (250+).

unit=${1:?usage: test-unit.sh UNIT THRESHOLD}
threshold=${2:?usage: test-unit.sh UNIT THRESHOLD}

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "skip - no systemd-analyze (Debian package systemd)"
	exit 77
fi
if ! systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	echo "skip - systemd-analyze cannot rate unit files offline (before 250)"
	exit 77
fi

out=$(systemd-analyze security --offline=yes --threshold="$threshold" \
	"$unit" 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 1
if [ "$rc" -ne 0 ]; then
	printf '%s\n' "$out" | grep '✗'
	echo "FAIL - daxmapd.service is more exposed than $threshold/10"
	exit 1
fi
echo "ok - daxmapd.service exposure within $threshold/10"
