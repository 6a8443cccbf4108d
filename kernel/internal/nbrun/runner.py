# Executes notebooks with nbclient through one kernelspec and prints one JSON
# line per event on stdout: {"event": "start"|"done", ...}. Used by `kernel check`
# and `kernel export`; the notebooks are read from the paths given and never written.
# For export, each notebook that ran is converted with nbconvert's lab template and
# the page is written to the item's "html" path for the Go side to make portable;
# with a "save" path, the executed notebook is written there (the live checks open it).
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def emit(**fields):
    print(json.dumps(fields), flush=True)


def outputs_text(cell):
    """The text a learner would see under the cell: streams, errors and HTML.

    Stream chunks are joined as they came, so a line split across chunks stays whole.
    """
    parts = []
    for o in cell.get("outputs", []):
        kind = o.get("output_type")
        if kind == "stream":
            parts.append(o.get("text", ""))
        elif kind == "error":
            parts.append("\n" + o.get("ename", "") + ": " + o.get("evalue", "") + "\n")
            parts.append("\n".join(o.get("traceback", [])) + "\n")
        elif kind in ("display_data", "execute_result"):
            data = o.get("data", {})
            html = data.get("text/html", data.get("text/plain", ""))
            parts.append("\n" + (html if isinstance(html, str) else "".join(html)) + "\n")
    return "".join(parts)


def run(job, item):
    nb = nbformat.read(item["copy"], as_version=4)
    current = {"index": None}

    def on_cell_start(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        kernel_name=job["kernel"],
        timeout=job["timeout"],
        startup_timeout=job["startup_timeout"],
        resources={"metadata": {"path": item["workdir"]}},
        on_cell_start=on_cell_start,
    )
    start = time.monotonic()
    result = {"event": "done", "name": item["name"], "ok": True}
    try:
        client.execute()
    except CellTimeoutError:
        result.update(ok=False, kind="timeout")
    except DeadKernelError as e:
        result.update(ok=False, kind="dead kernel", message=str(e))
    except CellExecutionError as e:
        result.update(ok=False, kind="error", message=f"{e.ename}: {e.evalue}")
    except Exception as e:  # kernel failed to start, bad notebook JSON, ...
        result.update(ok=False, kind="failure", message=f"{type(e).__name__}: {e}")
    result["seconds"] = time.monotonic() - start
    if result["ok"]:
        # What the cells printed, for the lesson's promises (see promise.go).
        result["printed"] = "".join(
            o.get("text", "")
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stdout"
        )
    if result["ok"] and item.get("save"):
        nbformat.write(nb, item["save"])  # unsigned: Jupyter opens it untrusted
    if result["ok"] and item.get("html"):
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
        with open(item["html"], "w", encoding="utf-8") as f:
            f.write(body)
    i = current["index"]
    if not result["ok"] and i is not None:
        cell = nb.cells[i]
        result["cell"] = i
        result["code_cell"] = sum(1 for c in nb.cells[: i + 1] if c.cell_type == "code")
        result["source"] = cell.source
        result["output"] = outputs_text(cell)
    if not result["ok"]:
        # GoNB names error locations "Cell[N]: Line M" by execution count N.
        result["executed"] = {
            str(c.execution_count): c.source
            for c in nb.cells
            if c.cell_type == "code" and c.get("execution_count")
        }
    emit(**result)


def main():
    job = json.loads(sys.argv[1])
    for item in job["notebooks"]:
        emit(event="start", name=item["name"])
        run(job, item)


main()
