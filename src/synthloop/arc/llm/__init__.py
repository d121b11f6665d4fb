"""The LLM side of ARC: hypothesis search (propose → filter → implement → verify → revise) and baselines."""
