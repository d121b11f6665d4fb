"""Quality-Diversity

Thought: Ask for a first solution, then repeatedly ask for a solution that takes a genuinely different
approach from all previous ones; keep the one that does best on the task's checks.
"""

from framework import Agent

ITERATIONS = 3


def forward(task):
    agent = Agent(["thinking", "code"], role="an inventive problem solver", temperature=0.8)
    solutions = []
    for _ in range(ITERATIONS):
        context = [task] + [(f"Previous solution {i + 1}", c) for i, c in enumerate(solutions)]
        instruction = f"Think step by step, then solve the task. {task.instruction}"
        if solutions:
            instruction = ("Propose a solution that uses a DIFFERENT idea from all previous solutions. "
                           + instruction)
        solutions.append(agent(instruction, context).code)
    best = max(solutions, key=lambda c: task.check(c).score)
    return task.finish(best)
