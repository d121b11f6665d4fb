"""Helper modules that run INSIDE the sandbox next to a design (stdlib + numpy only; they import nothing of ours)."""
