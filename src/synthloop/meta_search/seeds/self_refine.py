"""Self-Refine (Reflexion)

Thought: Write a solution, run it on the task's checks, and feed the concrete failures back so the model
reflects on what went wrong and revises; stop as soon as every check passes (at most 3 revisions).
"""

from framework import Agent

MAX_ROUNDS = 3


def forward(task):
    solver = Agent(["thinking", "code"], role="a careful problem solver", temperature=0.0)
    reviser = Agent(["reflection", "code"], role="a careful problem solver who learns from mistakes", temperature=0.5)
    reply = solver(f"Think step by step, then solve the task. {task.instruction}", [task])
    code = reply.code
    best_code, best_score = code, task.check(code).score
    for _ in range(MAX_ROUNDS):
        feedback = task.check(code)
        if feedback.score > best_score:
            best_code, best_score = code, feedback.score
        if feedback.all_passed:
            return task.finish(code)
        reply = reviser(
            "Your previous solution is below with the result of running it. Reflect on why it fails, "
            f"then write a corrected solution. {task.instruction}",
            [task, ("Previous solution", code), ("Result of the checks", feedback.text)],
        )
        code = reply.code
    if task.check(code).score >= best_score:
        best_code = code
    return task.finish(best_code)
