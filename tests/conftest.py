"""Puts tests/ on sys.path for shared helpers such as fsdirs."""
