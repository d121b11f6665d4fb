"""`python -m synthloop`."""

from .cli import main

main()
