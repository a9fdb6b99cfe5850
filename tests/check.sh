# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The TAP-like checks of the shell tests: source it, then
#	check WHAT CONDITION [DETAIL]	("ok   - WHAT" or "FAIL - WHAT", and DETAIL)
#	checks_done			("N failed"; the status: 0 when none failed)
# CONDITION is evaluated, so that it can say what was checked as written.

failed=0

check() {
	if eval "$2"; then
		echo "ok   - $1"
	else
		echo "FAIL - $1"
		failed=$((failed + 1))
		[[ -z ${3:-} ]] || printf '       %s\n' "$3"
	fi
}

checks_done() {
	echo "$failed failed"
	((failed == 0))
}
