"""Read an issued PDF back as a person would read it: its text, words separated by single spaces."""

from __future__ import annotations

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
