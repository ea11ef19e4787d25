"""The same call queue written the textbook way in simpy: the oracle the fast simulator is
checked against (tests) and raced against (bench). Constant staffing only. Priority classes
(lower first, non-preemptive) are simpy's own PriorityResource order."""

from __future__ import annotations

import math

import numpy as np
import simpy

from safercity.staffing.engine.simulate import CallbackPolicy, CallStream, SimResult


def simulate_simpy(
    calls: CallStream, agents: int, callbacks: CallbackPolicy | None = None
) -> SimResult:
    n = len(calls)
    arrival, handle, patience = calls.arrival, calls.handle, calls.patience
    callback_handle = calls.callback_handle if calls.callback_handle is not None else calls.handle
    answered = np.zeros(n, dtype=np.bool_)
    wait = np.zeros(n)
    made = np.zeros(n, dtype=np.bool_)
    delay = np.full(n, np.nan)
    env = simpy.Environment()
    desk = simpy.PriorityResource(env, capacity=agents)
    classes = calls.priority if calls.priority is not None else np.zeros(n, dtype=np.int64)
    lowest = int(classes.max(initial=0)) + 1  # callbacks after every incoming call

    def caller(i: int):
        request = desk.request(priority=int(classes[i]))
        if math.isinf(patience[i]):
            yield request
            outcome = {request: None}
        else:
            outcome = yield request | env.timeout(patience[i])
        if request in outcome:
            answered[i] = True
            wait[i] = env.now - arrival[i]
            yield env.timeout(handle[i])
            desk.release(request)
        else:
            request.cancel()
            wait[i] = patience[i]
            if callbacks is not None:
                env.process(callback(i, env.now))

    def callback(i: int, hung_up_at: float):
        yield env.timeout(callbacks.delay_s)
        with desk.request(priority=lowest) as request:
            yield request
            made[i] = True
            delay[i] = env.now - hung_up_at
            yield env.timeout(callback_handle[i])

    def source():
        for i in range(n):
            yield env.timeout(arrival[i] - env.now)
            env.process(caller(i))

    env.process(source())
    env.run()
    return SimResult(answered=answered, wait=wait, callback_made=made, callback_delay=delay)
