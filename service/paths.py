"""Where the project's non-Python parts live (the checkout holds them beside the package)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
WORKFLOWS_DIR = PROJECT_ROOT / "workflows"
PDF_DIR = PROJECT_ROOT / "pdf"
