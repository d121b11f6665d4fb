"""Sandboxes, the worker pool and code tools (imports nothing else of ours)."""
