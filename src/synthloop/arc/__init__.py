"""ARC: grids, datasets, scoring, DSL and symbolic search, LLM hypothesis search, reports."""
