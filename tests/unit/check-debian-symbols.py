#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Debian symbols file of libdaxmap0 against the version script: the
same symbols in the same nodes, both ways. (dpkg-gensymbols then holds the
built library to the symbols file when the package builds.)

Usage: check-debian-symbols.py LIBDAXMAP.SYM LIBDAXMAP0.SYMBOLS"""
import re
import sys


def script_symbols(path):
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    syms = set()
    for node in re.finditer(r'(\w+)\s*\{\s*global:(.*?)local:', text, re.S):
        syms.add(f'{node.group(1)}@{node.group(1)}')
        for s in node.group(2).split(';'):
            if s.strip():
                syms.add(f'{s.strip()}@{node.group(1)}')
    return syms


def debian_symbols(path):
    syms = set()
    lines = open(path).read().splitlines()
    if not lines or not lines[0].startswith('libdaxmap.so.0 libdaxmap0 '):
        sys.exit(f'{path}: the first line must name libdaxmap.so.0 libdaxmap0')
    for line in lines[1:]:
        if line.startswith(' ') and not line.startswith(' *'):
            syms.add(line.split()[0])
    return syms


def main():
    script, debian = script_symbols(sys.argv[1]), debian_symbols(sys.argv[2])
    for s in sorted(script - debian):
        print(f"FAIL - {s} is exported but not in {sys.argv[2]} (tools/debian-symbols)")
    for s in sorted(debian - script):
        print(f'FAIL - {s} is in {sys.argv[2]} but not exported')
    ok = script == debian
    print(f'{"ok  " if ok else "FAIL"} - {len(script)} symbols in both')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
