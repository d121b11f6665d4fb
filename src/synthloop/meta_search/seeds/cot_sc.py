"""Self-Consistency with Chain-of-Thought

Thought: Sample several independent chain-of-thought solutions at a higher temperature and keep the most
consistent one: the solution that does best on the task's own checks, ties broken by how many samples agree
on the same final answer.
"""

import json

from framework import Agent

N_SAMPLES = 5


def forward(task):
    agent = Agent(["thinking", "code"], role="a careful problem solver", temperature=0.8)
    replies = agent.sample(f"Think step by step, then solve the task. {task.instruction}", [task], k=N_SAMPLES)
    candidates = []
    for r in replies:
        answer = task.finish(r.code)
        candidates.append((task.check(r.code).score, json.dumps(answer, sort_keys=True), answer))
    votes = {}
    for _, key, _ in candidates:
        votes[key] = votes.get(key, 0) + 1
    best = max(candidates, key=lambda c: (c[0], votes[c[1]]))
    return best[2]
