"""axe-core in the browser tests: every page a walk visits is checked, and any violation of any impact fails.

axe-core comes from npm (package.json, devDependencies; `make setup-dev` installs it into node_modules).
It is injected into each page as an init script of the browser context, which the pages'
Content-Security-Policy does not govern, so the service never serves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v =>
    `${v.id} (${v.impact}) : ${v.help} — ${v.nodes.map(n => n.target.join(" ")).join(" | ")}`);
}"""


# The diagrams a page draws after loading (static/js/diagram.js) are drawn, or say why not, or wait in a
# closed <details>: the page is audited with them.
_DIAGRAMS_SETTLED = """() => [...document.querySelectorAll("[data-diagram-url]")].every(container =>
  container.dataset.ready || container.textContent.trim() || container.closest("details:not([open])"))"""


def install(context: BrowserContext) -> None:
    """Make axe-core available in every page the context opens."""
    if not AXE_SCRIPT.is_file():
        raise FileNotFoundError(f"{AXE_SCRIPT} manque : lancez `make setup-dev` (npm ci installe axe-core).")
    context.add_init_script(path=str(AXE_SCRIPT))


@dataclass
class Audit:
    """The pages a walk visited and what axe-core found on each."""

    visited: list[str] = field(default_factory=list)
    violations: dict[str, list[str]] = field(default_factory=dict)

    def check(self, page: Page) -> None:
        """Run axe-core on the page as it is now; remember what it found."""
        page.wait_for_load_state("load")
        page.wait_for_function(_DIAGRAMS_SETTLED)  # what axe-core reads is what the person sees
        found = page.evaluate(_RUN)
        where = f"{page.title()} <{page.url}>"
        self.visited.append(where)
        if found:
            self.violations[where] = found

    def report(self) -> str:
        return "\n".join(f"{where}\n  " + "\n  ".join(found) for where, found in self.violations.items())
