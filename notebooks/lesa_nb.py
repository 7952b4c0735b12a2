#!/usr/bin/python3
"""Shared helpers for the generators of the LESA notebooks (notebooks/gen_0N_*.py): cells and the notebook file.

Stable API (other generators import it): code(src, id, tags), markdown(src, id), write(name, cells).
Every notebook is written in the VS Code Polyglot Notebooks format, without outputs (a test checks it).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# The first code cell of every notebook: the built library (the same line works in VS Code and headless).
REFERENCES = '#r "../artifacts/bin/zsl/ZslKit.dll"'

# The parameters cell every LESA notebook shares (papermill convention: tagged "parameters"); turn seed/seeds into a list
# with SEED_LIST.
PARAMETERS = """
// Parameters (defaults; `zsl notebooks run --param quick=true` or `zsl reproduce --quick` override them)
bool quick = false;            // quick: the CI-sized preset (minutes on 2 CPU cores); false: the full preset
string dataset = "synthetic";  // synthetic | nus-wide | openimages
int seed = -1;                 // one seed (>= 0) instead of `seeds`
string seeds = "";             // e.g. "0,1,2"; empty = the preset's seeds
string device = "cpu";         // cpu | cuda | cuda:N
"""

# The seeds a notebook runs: `seed` when >= 0, else `seeds` (empty = the preset's); needs `preset` in scope.
SEED_LIST = "IReadOnlyList<int> seedList = seed >= 0 ? [seed] : LesaNotebook.Seeds(seeds, preset);"


def code(src, id, tags=None):
    """A C# code cell with the given id (and tags, e.g. ["parameters"])."""
    md = {"polyglot_notebook": {"kernelName": "csharp"}}
    if tags:
        md["tags"] = list(tags)
    return {"cell_type": "code", "execution_count": None, "id": id, "metadata": md, "outputs": [],
            "source": src.strip("\n").splitlines(keepends=True)}


def markdown(src, id):
    """A markdown cell with the given id."""
    return {"cell_type": "markdown", "id": id, "metadata": {}, "source": src.strip("\n").splitlines(keepends=True)}


def write(name, cells):
    """Writes notebooks/<name> (e.g. "01-lesa-table1.ipynb") with the cells, 1-space JSON indent, trailing newline."""
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
            "language_info": {"name": "polyglot-notebook"},
            "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "name": "csharp"}]}},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return path
