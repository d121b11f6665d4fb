"""synthloop: language models write programs that are executed, verified and revised.

Importing this package is cheap and side-effect free: it does not import openai, docker or langgraph.
"""

__version__ = "0.1.0"
