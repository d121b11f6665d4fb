"""LLM Debate

Thought: Agents with different roles solve the task independently, then see each other's solutions and
update theirs over a second round; a final judge weighs the debate (and each solution's check results)
and writes the final solution.
"""

from framework import Agent

ROLES = ["a meticulous mathematician", "a creative programmer"]
ROUNDS = 2


def forward(task):
    debaters = [Agent(["thinking", "code"], role=r, temperature=0.8) for r in ROLES]
    latest = []
    for rnd in range(ROUNDS):
        current = []
        for agent in debaters:
            context = [task]
            if rnd > 0:
                for i, code in enumerate(latest):
                    context.append((f"Solution of debater {i + 1}", code))
                    context.append(("Its check results", task.check(code).text))
                instruction = ("Consider the other solutions and their results, then give your updated "
                               f"solution. {task.instruction}")
            else:
                instruction = f"Think step by step, then solve the task. {task.instruction}"
            current.append(agent(instruction, context).code)
        latest = current
    judge = Agent(["thinking", "code"], role="a fair and rigorous judge", temperature=0.0)
    context = [task]
    for i, code in enumerate(latest):
        context += [(f"Solution {i + 1}", code), (f"Check results of solution {i + 1}", task.check(code).text)]
    final = judge(f"Weigh the solutions and write the best final solution. {task.instruction}", context).code
    scored = [(task.check(c).score, c) for c in [final] + latest]
    return task.finish(max(scored, key=lambda s: s[0])[1])
