#!/usr/bin/env python3
"""Sums an Nsight Compute CSV log (ncu --csv --print-units base --log-file F) over its kernels: the kernel count, the
total GPU time, the DRAM bytes read + written and their rate while the kernels ran (compare with the HBM peak:
4.8 TB/s on an H200, 3.35 TB/s on an H100 SXM).
Usage: ncu_summary.py ncu-ours-infer.csv [more.csv ...]  -> one JSON object per file on stdout (also used by run.sh).
"""
import csv
import json
import sys


def summarise(path):
    with open(path, newline="") as fh:
        lines = fh.read().splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith('"ID"')), None)
    if start is None:
        return dict(file=path, error="no CSV header (\"ID\",...) in the log")
    kernels, totals = set(), {}
    for row in csv.DictReader(lines[start:]):
        name, value = row.get("Metric Name"), row.get("Metric Value", "")
        if not name:
            continue
        kernels.add(row.get("ID"))
        try:
            v = float(value.replace(",", ""))
        except ValueError:
            continue
        totals[name] = totals.get(name, 0.0) + v
    out = dict(file=path, kernels=len(kernels))
    if "gpu__time_duration.sum" in totals:
        out["gpu_time_s"] = totals["gpu__time_duration.sum"] * 1e-9      # base unit: nanoseconds
    rd, wr = totals.get("dram__bytes_read.sum"), totals.get("dram__bytes_write.sum")
    if rd is not None and wr is not None:
        out["dram_bytes"] = rd + wr
        if out.get("gpu_time_s"):
            out["dram_gb_per_s_while_busy"] = (rd + wr) / out["gpu_time_s"] / 1e9
    return out


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(summarise(p)))
