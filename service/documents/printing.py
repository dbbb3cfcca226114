"""HTML to PDF/A with WeasyPrint, in this process or in a pool of worker processes.

Nothing here needs the application: worker processes import this module and convert HTML they are sent.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from service.paths import PDF_DIR

PDF_VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class _Printer:
    fonts: FontConfiguration
    stylesheet: CSS


_lock = threading.Lock()
_printers: list[_Printer] = []


def html_to_pdf(html: str) -> bytes:
    """A PDF/A-3b of the HTML, with the print stylesheet; images and fonts resolve from pdf/.

    The font configuration and the parsed stylesheet are kept for the life of the process: a fresh
    FontConfiguration builds a new fontconfig configuration and Pango font map and loads the fonts again,
    a third of a letter's time. They are not known to be thread-safe, so one thread prints at a time
    (WeasyPrint holds the GIL most of the time anyway).
    """
    with _lock:
        if not _printers:
            fonts = FontConfiguration()
            _printers.append(_Printer(fonts, CSS(filename=str(PDF_DIR / "print.css"), font_config=fonts)))
        printer = _printers[0]
        pdf: bytes = HTML(string=html, base_url=str(PDF_DIR)).write_pdf(
            stylesheets=[printer.stylesheet],
            font_config=printer.fonts,
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,  # a tagged PDF: its structure reads aloud with a screen reader
        )
    return pdf


def warm_up() -> None:
    """Load the fonts and the stylesheet once, before the first document a worker is sent."""
    html_to_pdf("<p>Entraide</p>")


def convert(htmls: Sequence[str], *, workers: int) -> Generator[bytes | Exception, None, None]:
    """Each HTML's PDF, or the error that stopped it, in the order given, as soon as it is ready.

    With one worker the calling thread converts each document when it is asked for. With more, a pool of
    processes converts them all at once; the processes start from a fork server (or are spawned), never
    forked from a web process that has threads, and the fork server imports this module only once.
    """
    if workers <= 1 or len(htmls) <= 1:
        for html in htmls:
            yield _attempt(html)
        return
    with ProcessPoolExecutor(
        max_workers=min(workers, len(htmls)), mp_context=_context(), initializer=warm_up
    ) as pool:
        futures = [pool.submit(html_to_pdf, html) for html in htmls]
        try:
            for future in futures:
                error = future.exception()
                yield future.result() if error is None else _as_exception(error)
        finally:
            for future in futures:
                future.cancel()  # the caller stopped early: do not convert the rest


def _attempt(html: str) -> bytes | Exception:
    try:
        return html_to_pdf(html)
    except Exception as error:  # the caller records which letter failed, and goes on with the others
        return error


def _as_exception(error: BaseException) -> Exception:
    return error if isinstance(error, Exception) else RuntimeError(repr(error))


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")
