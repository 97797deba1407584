"""Fail when a module of surveys/, municipalities/ or privacy/ passes 600 lines or a function
80 lines.

Long code is split along a seam a reader would name. The few exceptions are listed here with
their reason, and in the README's architecture section.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("surveys", "municipalities", "privacy")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

# "path:function" or "path" -> why it stays longer.
EXCEPTIONS: dict[str, str] = {}


def problems() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            text = path.read_text(encoding="utf-8")
            lines = text.count("\n") + 1
            if lines > MAX_MODULE_LINES and relative not in EXCEPTIONS:
                found.append(f"{relative}: {lines} lines (at most {MAX_MODULE_LINES})")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                    length = node.end_lineno - start + 1
                    key = f"{relative}:{node.name}"
                    if length > MAX_FUNCTION_LINES and key not in EXCEPTIONS:
                        found.append(
                            f"{relative}:{start}: {node.name} is {length} lines "
                            f"(at most {MAX_FUNCTION_LINES})"
                        )
    return found


if __name__ == "__main__":
    listed = problems()
    for line in listed:
        print(line)
    sys.exit(1 if listed else 0)
