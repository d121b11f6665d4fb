"""Instruction registry, file store, run store and archives (imports nothing else of ours)."""
