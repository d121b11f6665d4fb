"""A typed DSL over ARC grids and objects (primitives), its state search (search), English descriptions
(describe), and learned task-family solvers (specialists)."""
