"""`python -m synthloop.cli`."""

from . import main

main()
