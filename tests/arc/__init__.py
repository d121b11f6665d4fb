"""ARC tests (a package, so tests/arc/test_cli.py and tests/test_cli.py can both exist)."""
