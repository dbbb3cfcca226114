"""Read an issued PDF back as a person would read it: its text, words separated by single spaces."""

from __future__ import annotations

import html
import re
import subprocess


def text_of_pdf(content: bytes) -> str:
    return " ".join(_pdftotext(content, "-layout").split())


def pages_of_pdf(content: bytes) -> list[str]:
    """Each printed page's text, words separated by single spaces."""
    pages = _pdftotext(content, "-layout").split("\f")
    return [" ".join(page.split()) for page in (pages[:-1] if pages[-1].strip() == "" else pages)]


def words_past_the_right_margin(content: bytes, margin_mm: float = 20.0) -> list[str]:
    """The words printed (even partly) beyond the page's right margin: cut off, or in the margin."""
    past = []
    for width, words in _PAGE.findall(_pdftotext(content, "-bbox")):
        limit = float(width) - margin_mm * 72 / 25.4 + 1  # in points, one of rounding
        past += [html.unescape(text) for x_max, text in _WORD.findall(words) if float(x_max) > limit]
    return past


_PAGE = re.compile(r'<page width="([0-9.]+)"[^>]*>(.*?)</page>', re.DOTALL)
_WORD = re.compile(r'<word [^>]*xMax="([0-9.]+)"[^>]*>([^<]*)</word>')


def _pdftotext(content: bytes, option: str) -> str:
    return subprocess.run(
        ["pdftotext", option, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
