"""The build control unit (L2MAC-style): plan a prompt program, run each instruction with a fresh sub-agent,
check in the sandbox, accept, re-plan. Importing this package imports no heavy dependency (langgraph is
imported inside `graph.build_graph`)."""
