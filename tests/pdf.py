"""Read an issued PDF back as a person would read it: its text, words separated by single spaces."""

from __future__ import annotations

import html
import re
import subprocess


def text_of_pdf(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def pages_of_pdf(content: bytes) -> list[str]:
    """Each printed page's text, words separated by single spaces."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    pages = result.stdout.decode().split("\f")
    return [" ".join(page.split()) for page in (pages[:-1] if pages[-1].strip() == "" else pages)]


def words_past_the_right_margin(content: bytes, margin_mm: float = 20.0) -> list[str]:
    """The words printed (even partly) beyond the page's right margin: cut off, or in the margin."""
    result = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=content, capture_output=True, check=True)
    past = []
    for width, words in _PAGE.findall(result.stdout.decode()):
        limit = float(width) - margin_mm * 72 / 25.4 + 1  # in points, one of rounding
        past += [html.unescape(text) for x_max, text in _WORD.findall(words) if float(x_max) > limit]
    return past


_PAGE = re.compile(r'<page width="([0-9.]+)"[^>]*>(.*?)</page>', re.DOTALL)
_WORD = re.compile(r'<word [^>]*xMax="([0-9.]+)"[^>]*>([^<]*)</word>')
