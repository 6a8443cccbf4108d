# Measures cell latency through the real kernel: starts one kernel of the given
# kernelspec, runs each cell once to warm the build cache, then re-runs the cells
# in turn and prints {"name": [seconds, ...]} as JSON. Used by `kernel bench`.
import json
import sys
import time

from jupyter_client.manager import start_new_kernel

job = json.loads(sys.argv[1])
km, kc = start_new_kernel(kernel_name=job["kernel"], startup_timeout=60)


def run(code):
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


try:
    cells = job["cells"]
    for name, code in cells:
        run(code)
    times = {name: [] for name, _ in cells}
    for _ in range(job["runs"]):
        for name, code in cells:
            times[name].append(run(code))
    print(json.dumps(times))
finally:
    kc.stop_channels()
    km.shutdown_kernel()  # a graceful stop lets GoNB remove its work folder
