#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The bash completion of daxmapctl against daxmapctl itself: every command
# it offers exists, it offers every option a command's --help lists, every
# option it offers is one the command accepts, and names come from the
# configuration. Exits 77 without bash-completion.
# Usage: test-completion.sh DAXMAPCTL COMPLETION

ctl=${1:?usage: test-completion.sh DAXMAPCTL COMPLETION}
completion=${2:?usage: test-completion.sh DAXMAPCTL COMPLETION}
lib=/usr/share/bash-completion/bash_completion
if [[ ! -r $lib ]]; then
	echo "skip - no $lib (Debian package bash-completion)"
	exit 77
fi
# shellcheck source=/dev/null
source "$lib"
# shellcheck source=/dev/null
source "$completion"

# shellcheck source=../check.sh
source "$(dirname "${BASH_SOURCE[0]}")/../check.sh"

# complete WORD...: what the completion offers for the last WORD.
complete_words() {
	COMP_WORDS=(daxmapctl "$@")
	COMP_CWORD=$#
	COMP_LINE="daxmapctl $*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_daxmapctl daxmapctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

commands=$(complete_words '')
for c in $commands; do
	"$ctl" help "$c" >/dev/null 2>&1
	check "command '$c' exists" '(($? == 0))'
done
check "every command is offered" \
	'[[ $(wc -l <<<"$commands") -eq 12 ]]' "$commands"

for cmd in "status" "list" "plan" "kernel" "create namespace" \
	"destroy namespace" "reconfigure device" "apply" "verify device" "monitor" \
	"metrics"; do
	# shellcheck disable=SC2086 # the object is a word of its own
	offered=$(complete_words $cmd --)
	# shellcheck disable=SC2086
	documented=$("$ctl" $cmd --help 2>&1 | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	missing=$(comm -13 <(echo "$offered") <(echo "$documented"))
	check "$cmd: every option its --help lists is offered" '[[ -z $missing ]]' "missing: $missing"
	for opt in $offered; do
		val=
		[[ " $_daxmapctl_takes_value " == *" $opt "* ]] && val=1G
		[[ $opt == --align ]] && val=2M
		[[ $opt == --map ]] && val=mem
		[[ $opt == --mode ]] && val=devdax
		[[ $opt == --region ]] && val=region0
		[[ $opt == --numa-node ]] && val=0
		[[ $opt == --name ]] && val=db0
		# shellcheck disable=SC2086
		out=$("$ctl" $cmd "$opt" $val --help 2>&1)
		check "$cmd: offered $opt is accepted" '(($? == 0))' "$out"
	done
done

check "--align offers the aligns" '[[ $(complete_words plan --align "" | tr "\n" " ") == "1G 2M 4K " ]]'
check "reconfigure --mode offers devdax and system-ram" \
	'[[ $(complete_words reconfigure device dax0.0 --mode "" | tr "\n" " ") == "devdax system-ram " ]]'
check "list offers what it lists" \
	'[[ $(complete_words list "" | tr "\n" " ") == "dax-regions devices namespaces regions " ]]'

conf=$(mktemp -d)
trap 'rm -rf "$conf"' EXIT
mkdir "$conf/daxmap.conf.d"
printf '[namespace db0]\nsize = 1G\n' >"$conf/daxmap.conf"
printf '[namespace  vm-1 ]\nsize = 1G\n' >"$conf/daxmap.conf.d/vm.conf"
export DAXMAP_CONFIG_DIR=$conf
check "destroy offers the configuration's names" \
	'[[ $(complete_words destroy namespace d) == db0 ]]' "$(complete_words destroy namespace d)"
check "verify offers them too, from daxmap.conf.d" \
	'[[ $(complete_words verify device v) == vm-1 ]]' \
	"$(complete_words verify device v)"

checks_done
