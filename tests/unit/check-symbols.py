#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks that the public header, the version script and the library's
exported symbols name the same functions, both ways: a symbol in the map
that the header lacks is an accident waiting to be relied on, one in the
header that the map lacks breaks every program that links it."""
import re
import subprocess
import sys


def header_functions(path):
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    # Drop preprocessor lines, joined continuations included: the
    # _foreach macros call functions but declare none.
    text = re.sub(r'^\s*#(?:[^\n]*\\\n)*[^\n]*$', '', text, flags=re.M)
    text = re.sub(r'typedef[^;]*;', '', text)
    names = set()
    for decl in text.split(';'):
        m = re.search(r'\b(daxmap_\w+)\s*\(', decl)
        if m:
            names.add(m.group(1))
    return names


def map_symbols(path):
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    names = set()
    for node in re.finditer(r'(\w+)\s*\{(.*?)\}', text, flags=re.S):
        body = node.group(2).split('local:')[0]
        names |= set(re.findall(r'\b(daxmap_\w+)\s*;', body))
    return names


def exported_symbols(library):
    out = subprocess.run(['nm', '-D', '--defined-only', library],
                         check=True, capture_output=True, text=True).stdout
    return {line.split()[-1].split('@')[0] for line in out.splitlines()
            if ' T ' in line}


def compare(what_a, a, what_b, b):
    ok = True
    for name in sorted(a - b):
        print(f'{name}: in {what_a} but not in {what_b}')
        ok = False
    return ok


def main():
    header, symmap, library = sys.argv[1:4]
    h = header_functions(header)
    s = map_symbols(symmap)
    e = exported_symbols(library)
    ok = all([compare('the header', h, 'the version script', s),
              compare('the version script', s, 'the header', h),
              compare('the version script', s, 'the library', e),
              compare('the library', e, 'the version script', s)])
    print(f'{len(h)} functions in the header, {len(s)} in the version '
          f'script, {len(e)} exported')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
