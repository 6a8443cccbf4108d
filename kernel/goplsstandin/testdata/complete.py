# Drives one kernel for TestKernelCompletesOnceGoplsIsReady: starts the kernelspec
# named by argv[1], runs a cell, asks for the completions of `fmt.Prin` and prints them
# as a JSON line; then, once a line arrives on stdin (the test has made gopls ready),
# asks again until matches come or argv[2] seconds pass, prints them with the time it
# took, and shuts the kernel down.
import json
import sys
import time

from jupyter_client.manager import start_new_kernel

CODE = "%%\nfmt.Prin"


def complete(kc):
    reply = kc.complete(CODE, len(CODE), reply=True, timeout=60)
    return reply["content"].get("matches", [])


km, kc = start_new_kernel(kernel_name=sys.argv[1], startup_timeout=60)
try:
    reply = kc.execute('import "fmt"\n\n%%\nfmt.Println("ready")', reply=True, timeout=120)
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"the first cell failed: {reply['content']}")
    print(json.dumps({"matches": complete(kc)}), flush=True)
    sys.stdin.readline()
    start = time.monotonic()
    while True:
        matches = complete(kc)
        if matches or time.monotonic() - start > float(sys.argv[2]):
            break
        time.sleep(0.2)
    print(json.dumps({"matches": matches, "seconds": time.monotonic() - start}), flush=True)
finally:
    kc.stop_channels()
    km.shutdown_kernel()
