"""Write the access policy's section of the README from service/access (the tables are the source).

.venv/bin/python tools/policy_table.py          # rewrite the section between its two markers
.venv/bin/python tools/policy_table.py --check  # exit 1 when the README is not current
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from flask import Flask

from service import create_app
from service.access.table import BEGIN, END, render_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def route_paths(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every route the application serves, HEAD and OPTIONS aside."""
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    )


def current_section() -> str:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "x" * 32, "TESTING": True})
        return render_markdown(route_paths(app))


def main(arguments: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    updated = text[:start] + current_section() + text[end:]
    if "--check" in arguments:
        return 0 if updated == text else 1
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
