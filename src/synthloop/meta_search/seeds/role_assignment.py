"""Dynamic Assignment of Roles

Thought: A router first decides which kind of expert fits the task best; that expert then solves it.
"""

from framework import Agent

EXPERTS = {
    "geometry": "an expert in geometry, symmetry and spatial transformations",
    "patterns": "an expert in sequences, counting and repeating patterns",
    "algorithms": "an expert in algorithms and data structures",
    "generalist": "a careful generalist problem solver",
}


def forward(task):
    router = Agent(["thinking", "choice"], role="a dispatcher who knows the experts' strengths", temperature=0.0)
    names = ", ".join(EXPERTS)
    pick = router(f"Which expert should solve this task? Answer in `choice` with one of: {names}.", [task])
    role = EXPERTS.get(pick.choice.strip().lower(), EXPERTS["generalist"])
    expert = Agent(["thinking", "code"], role=role, temperature=0.0)
    reply = expert(f"Think step by step, then solve the task. {task.instruction}", [task])
    return task.finish(reply.code)
