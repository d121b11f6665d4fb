"""The embedded local model: a catalog of known GGUF weights, pulling them into a private cache, and a
llama.cpp server (xllamacpp) run in a child process with an OpenAI-compatible /v1 API.

Nothing is imported here: import `catalog`, `pull`, `registry` or `server` directly."""
