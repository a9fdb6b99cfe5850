# SPDX-License-Identifier: LGPL-2.1-or-later
"""The rules a CDI spec must keep for its consumers, as the Container
Device Interface specification states them and its reference library
(container-device-interface 0.5, what Debian 12's podman 4.3 reads)
enforces them: the fields and their types (unknown fields are refused:
the library parses strictly), cdiVersion one it knows, the kind
vendor/class with the characters each may hold, device names unique and
of the device-name characters, every device with edits, device nodes with
an absolute path, a known type and rwm permissions.

check_spec(spec) returns the list of what breaks them (empty: valid).
Run as a script on files: exit 1 when one breaks them."""

import json
import re
import sys

# What container-device-interface 0.5 accepts; later versions accept
# these too for specs that use only what these versions had.
KNOWN_VERSIONS = {"0.3.0", "0.4.0", "0.5.0"}
VENDOR = re.compile(r"^[A-Za-z]([A-Za-z0-9_.-]*[A-Za-z0-9])?$")
CLASS = re.compile(r"^[A-Za-z]([A-Za-z0-9_-]*[A-Za-z0-9])?$")
DEVICE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.:-]*[A-Za-z0-9])?$")

SPEC_FIELDS = {"cdiVersion": str, "kind": str, "annotations": dict,
               "devices": list, "containerEdits": dict}
DEVICE_FIELDS = {"name": str, "annotations": dict, "containerEdits": dict}
EDITS_FIELDS = {"env": list, "deviceNodes": list, "hooks": list,
                "mounts": list}
NODE_FIELDS = {"path": str, "hostPath": str, "type": str, "major": int,
               "minor": int, "fileMode": int, "permissions": str,
               "uid": int, "gid": int}


def fields(obj, allowed, where, errors, required=()):
    if not isinstance(obj, dict):
        errors.append(f"{where}: not an object")
        return False
    for key, value in obj.items():
        if key not in allowed:
            errors.append(f"{where}: unknown field {key!r}")
        elif not isinstance(value, allowed[key]) or isinstance(value, bool):
            errors.append(f"{where}: {key!r} is not a {allowed[key].__name__}")
    for key in required:
        if key not in obj:
            errors.append(f"{where}: {key!r} missing")
    return True


def check_edits(edits, where, errors):
    if not fields(edits, EDITS_FIELDS, where, errors):
        return
    for i, node in enumerate(edits.get("deviceNodes", [])):
        w = f"{where}.deviceNodes[{i}]"
        if not fields(node, NODE_FIELDS, w, errors, ("path",)):
            continue
        path = node.get("path", "")
        if not isinstance(path, str) or not path.startswith("/"):
            errors.append(f"{w}: path {path!r} is not absolute")
        if node.get("type", "") not in ("", "b", "c", "u", "p"):
            errors.append(f"{w}: type {node['type']!r}")
        if any(c not in "rwm" for c in node.get("permissions", "")):
            errors.append(f"{w}: permissions {node['permissions']!r}")


def check_spec(spec):
    errors = []
    if not fields(spec, SPEC_FIELDS, "spec", errors,
                  ("cdiVersion", "kind", "devices")):
        return errors
    if spec.get("cdiVersion") not in KNOWN_VERSIONS:
        errors.append(f"cdiVersion {spec.get('cdiVersion')!r} is not one "
                      f"of {sorted(KNOWN_VERSIONS)}")
    vendor, _, cls = str(spec.get("kind", "")).partition("/")
    if not VENDOR.match(vendor) or not CLASS.match(cls):
        errors.append(f"kind {spec.get('kind')!r} is not vendor/class")
    if "containerEdits" in spec:
        check_edits(spec["containerEdits"], "spec.containerEdits", errors)
    seen = set()
    for i, dev in enumerate(spec.get("devices", [])):
        w = f"devices[{i}]"
        if not fields(dev, DEVICE_FIELDS, w, errors,
                      ("name", "containerEdits")):
            continue
        name = dev.get("name", "")
        if not isinstance(name, str) or not DEVICE.match(name):
            errors.append(f"{w}: name {name!r} breaks CDI's device names")
        if name in seen:
            errors.append(f"{w}: name {name!r} given twice")
        seen.add(name)
        edits = dev.get("containerEdits")
        if not edits or not any(edits.get(k) for k in EDITS_FIELDS):
            errors.append(f"{w}: no container edits")
        check_edits(edits or {}, f"{w}.containerEdits", errors)
    return errors


def main(paths):
    bad = 0
    for path in paths:
        with open(path) as f:
            errors = check_spec(json.load(f))
        for e in errors:
            print(f"{path}: {e}")
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
