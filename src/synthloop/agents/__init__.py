"""Everything that talks to a model: client, fakes, local model, budgets, cache, build control unit."""
