"""System-design evaluation tasks (after L2MAC's): task.md, features.json and hidden_tests/ the build never sees."""
