#!/usr/bin/python3
"""Cells and notebook files in the VS Code Polyglot Notebooks format (C# kernel), without outputs (a test checks it).

Every notebook generator (notebooks/gen_*.py) builds its cells with code(src, id, tags) and markdown(src, id) and writes
them with write(name, cells).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


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
