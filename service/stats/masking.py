"""Statistical secrecy: a cell counting fewer than five households is masked ("< 5") in whatever the board or
a partner sees, and, where a total would give it back by subtraction, a second cell is masked with it ("s",
secret statistique: it may count more than five, so it does not say "< 5")."""

from __future__ import annotations

from dataclasses import replace

from service.stats.figures import Cell, Figure

THRESHOLD = 5
MASK = "< 5"
PROTECTING = "s"
LEGEND = (
    "« < 5 » : moins de 5 foyers ; « s » : secret statistique, case masquée pour qu'un total ne permette pas "
    "de retrouver une case de moins de 5 foyers."
)


def needs_mask(cell: Cell) -> bool:
    """Primary masking: a cell about one to four households."""
    return cell.households is not None and 0 < cell.households < THRESHOLD


def mark(cell: Cell) -> str:
    """What a masked cell prints: "< 5" for the small count itself, "s" for a cell masked to protect it."""
    return MASK if needs_mask(cell) else PROTECTING


def masked(figure: Figure) -> Figure:
    """The figure as the board sees it: small cells masked, then the cells a total would reveal."""
    grid = [[cell.masked or needs_mask(cell) for cell in row.cells] for row in figure.rows]
    households = [[cell.households or 0 for cell in row.cells] for row in figure.rows]
    changed = True
    while changed:
        changed = False
        if figure.row_total:
            for r in range(len(grid)):
                changed |= _protect(grid[r], households[r])
        if figure.column_total and grid:
            for c in range(len(grid[0])):
                column = [row[c] for row in grid]
                if _protect(column, [row[c] for row in households]):
                    for r, value in enumerate(column):
                        grid[r][c] = value
                    changed = True
    rows = [
        replace(row, cells=[replace(cell, masked=flag) for cell, flag in zip(row.cells, flags, strict=True)])
        for row, flags in zip(figure.rows, grid, strict=True)
    ]
    return replace(figure, rows=rows, masked=True)


def _protect(flags: list[bool], households: list[int]) -> bool:
    """In a line whose last cell is the total of the others: a single masked part beside a shown total would
    be found by subtraction, so the smallest other part is masked too (the total itself when none is left)."""
    parts, total_masked = flags[:-1], flags[-1]
    if total_masked or sum(parts) != 1:
        return False
    candidates = [i for i, flag in enumerate(parts) if not flag and households[i] > 0]
    if candidates:
        flags[min(candidates, key=lambda i: households[i])] = True
    else:
        flags[-1] = True
    return True
