"""Step-back Abstraction

Thought: First step back and name the general principles and concepts the task involves, then solve the
task with those principles in view.
"""

from framework import Agent


def forward(task):
    principles = Agent(["thinking", "principles"], role="an expert who sees the underlying concepts",
                       temperature=0.0)
    solver = Agent(["thinking", "code"], role="a careful problem solver", temperature=0.0)
    p = principles("What general principles, patterns and concepts does this task involve? List them.", [task])
    reply = solver(f"Using these principles, think step by step and solve the task. {task.instruction}",
                   [task, ("Principles", p.principles)])
    return task.finish(reply.code)
