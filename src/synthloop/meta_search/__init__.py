"""ADAS-style meta agent search: designs, domains, evaluation, archive."""
