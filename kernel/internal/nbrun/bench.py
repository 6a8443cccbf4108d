# Measures cell latency through real kernels: starts one kernel of each kernelspec in
# the job, runs each of its cells once to warm the build cache, then runs rounds: in
# each, every kernel in turn (the first one first in odd rounds, last in even rounds)
# re-runs each of its cells with RUN_N replaced by the round's number, so that every
# re-run compiles changed code, as a learner's edit does. Prints one JSON line per
# round to stdout: {"round": n, "times": {"kernel/cell": seconds, ...}}. Used by
# `kernel bench`.
import json
import sys
import time

from jupyter_client.manager import start_new_kernel

job = json.loads(sys.argv[1])


def run(kc, code):
    """Executes code and returns the seconds from request to the kernel going idle."""
    start = time.monotonic()
    msg_id = kc.execute(code)
    error = None
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            error = msg["content"]["evalue"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    if error:
        raise SystemExit(f"cell failed: {error}\n{code}")
    return time.monotonic() - start


kernels = []
try:
    for k in job["kernels"]:
        km, kc = start_new_kernel(kernel_name=k["spec"], startup_timeout=60)
        kernels.append((k, km, kc))
        for _, code in k["cells"]:
            run(kc, code.replace("RUN_N", "0"))
    for n in range(1, job["runs"] + 1):
        order = kernels if n % 2 else kernels[::-1]
        times = {}
        for k, _, kc in order:
            for name, code in k["cells"]:
                times[k["name"] + "/" + name] = run(kc, code.replace("RUN_N", str(n)))
        print(json.dumps({"round": n, "times": times}), flush=True)
finally:
    for _, km, kc in kernels:
        kc.stop_channels()
        km.shutdown_kernel()  # a graceful stop lets GoNB remove its work folder
