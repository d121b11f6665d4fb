"""Chain-of-Thought

Thought: Ask the model to reason step by step before writing the solution, in one call. The reasoning
comes first (the `thinking` field), so the code is conditioned on it.
"""

from framework import Agent


def forward(task):
    agent = Agent(["thinking", "code"], role="a careful problem solver", temperature=0.0)
    reply = agent(f"Think step by step, then solve the task. {task.instruction}", [task])
    return task.finish(reply.code)
