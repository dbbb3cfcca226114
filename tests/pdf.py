"""Read an issued PDF back as a person would read it: its text, words separated by single spaces."""

from __future__ import annotations

import subprocess


def text_of_pdf(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())
