#!/usr/bin/env python3
# The include-order test: every #include "dir/x.h" under src/ must stay inside the dependencies
# its folder's library declares in CMakeLists.txt (nm_module ... DEPS), and that graph must be
# acyclic. CMake is the one statement of the layers; this keeps the code honest to it.
#
# Usage: check_includes.py SOURCE_DIR [--plant FILE=HEADER]
#   --plant adds a virtual `#include "HEADER"` to src/FILE (the test that proves a reverse include
#   is caught: ctest expects that run to fail).
import os
import re
import sys


def parse_modules(cmake_text):
    """name -> (dir, [nm_ deps]) from nm_module calls, plus the app and tool targets."""
    mods = {}
    for m in re.finditer(r"nm_module\((\w+)\s+([\w/]+)((?:\s+DEPS)?[^)]*)\)", cmake_text):
        deps = [d for d in m.group(3).split() if d.startswith("nm_")]
        mods[m.group(1)] = (m.group(2), deps)
    for m in re.finditer(r"target_link_libraries\((nm_app|nm-template)\s+(?:PUBLIC|PRIVATE)([^)]*)\)",
                         cmake_text):
        deps = [d for d in m.group(2).split() if d.startswith("nm_")]
        mods[m.group(1)] = ("app" if m.group(1) == "nm_app" else "tools", deps)
    return mods


def module_of(path, dirs):
    """The module owning src-relative `path`: the longest declared folder that contains it."""
    best = None
    for name, d in dirs.items():
        if path.startswith(d + "/") and (best is None or len(d) > len(dirs[best])):
            best = name
    return best


def closure(mods):
    out = {}
    for name in mods:
        seen, todo = set(), list(mods[name][1])
        while todo:
            d = todo.pop()
            if d in seen or d not in mods:
                continue
            seen.add(d)
            todo.extend(mods[d][1])
        out[name] = seen
    return out


def main():
    root = sys.argv[1]
    planted = None
    if len(sys.argv) == 4 and sys.argv[2] == "--plant":
        planted = sys.argv[3].split("=", 1)
    with open(os.path.join(root, "CMakeLists.txt")) as f:
        mods = parse_modules(f.read())
    dirs = {name: d for name, (d, _) in mods.items()}
    # notify/channels is compiled into nm_notify.
    dirs["nm_notify/channels"] = "notify/channels"
    mods["nm_notify/channels"] = ("notify/channels", ["nm_notify"])
    reach = closure(mods)
    errors = []
    for name, r in reach.items():
        if name in r:
            errors.append(f"CMakeLists.txt: {name} depends on itself through its DEPS (a cycle)")

    src = os.path.join(root, "src")
    checked = 0
    for dirpath, _, files in os.walk(src):
        for fn in sorted(files):
            if not fn.endswith((".h", ".cpp", ".inc")):
                continue
            rel = os.path.relpath(os.path.join(dirpath, fn), src)
            own = module_of(rel, dirs)
            if own is None:
                errors.append(f"src/{rel}: its folder is not declared as a module in CMakeLists.txt")
                continue
            with open(os.path.join(dirpath, fn), encoding="utf-8") as f:
                lines = f.read().splitlines()
            if planted and planted[0] == rel:
                lines.append(f'#include "{planted[1]}"')
            for no, line in enumerate(lines, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m or "/" not in m.group(1):
                    continue
                checked += 1
                target = module_of(m.group(1), dirs)
                if target is None:
                    errors.append(f"src/{rel}:{no}: includes {m.group(1)}, which no module owns")
                    continue
                allowed = {own} | reach[own]
                if own == "nm_notify/channels":
                    allowed |= {"nm_notify"} | reach["nm_notify"]
                if target == "nm_notify/channels":
                    target = "nm_notify"
                if target not in allowed:
                    errors.append(
                        f"src/{rel}:{no}: includes {m.group(1)}: {own} ({dirs[own]}/) does not "
                        f"declare {target} ({dirs[target]}/) among its DEPS; lower layers may not "
                        f"include higher ones")
    for e in errors:
        print(e)
    print(f"layering: {checked} includes checked across {len(mods)} modules, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
