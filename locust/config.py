"""The specification's two traffic phases, as numbers in one place.

`./vmpulse load` passes these to Locust; `--quick` uses the short variants so tests
can run both phases in seconds. Environment variables of the same name override.
"""

import os

PHASES = {
    # Phase 1: many users read the agent; every answer becomes one record on disk.
    "collect": {"users": 300, "spawn_rate": 1, "run_time": "180s", "wait": (1.0, 2.0)},
    # Phase 2: fewer users post those records to the ingress split.
    "send": {"users": 150, "spawn_rate": 1, "run_time": "300s", "wait": (1.0, 4.0)},
}

QUICK = {
    "collect": {"users": 20, "spawn_rate": 20, "run_time": "8s", "wait": (0.1, 0.3)},
    "send": {"users": 20, "spawn_rate": 20, "run_time": "10s", "wait": (0.05, 0.2)},
}


def wait_range(phase):
    """The think time of PHASE's users: VMPULSE_WAIT="min,max" wins over the table."""
    override = os.environ.get("VMPULSE_WAIT")
    if override:
        low, high = (float(x) for x in override.split(","))
        return low, high
    table = QUICK if os.environ.get("VMPULSE_QUICK") == "1" else PHASES
    return table[phase]["wait"]
