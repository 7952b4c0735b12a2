#!/usr/bin/python3
"""Shared helpers for the generators of the LESA notebooks (notebooks/gen_0N_*.py): cells and the notebook file.

Stable API (other generators import it): code(src, id, tags), markdown(src, id), write(name, cells) (from polyglot.py),
and the LESA notebooks' shared cells below (REFERENCES, PARAMETERS, SEED_LIST, table_setup_cells()).
"""
from polyglot import code, markdown, write  # noqa: F401  (re-exported for the generators)

# The first code cell of every notebook: the built library (the same line works in VS Code and headless).
REFERENCES = '#r "../artifacts/bin/zsl/ZslKit.dll"'

# The parameters cell every LESA notebook shares (papermill convention: tagged "parameters"); turn seed/seeds into a list
# with SEED_LIST.
PARAMETERS = """
// Parameters (defaults; `zsl notebooks run --param quick=true` or `zsl reproduce --quick` override them)
bool quick = false;            // quick: the CI-sized preset (minutes on 2 CPU cores); false: the full preset
string dataset = "synthetic";  // synthetic | synthetic-openimages | nus-wide | openimages
int seed = -1;                 // one seed (>= 0) instead of `seeds`
string seeds = "";             // e.g. "0,1,2"; empty = the preset's seeds
string device = "cpu";         // cpu | cuda | cuda:N
"""

# The seeds a notebook runs: `seed` when >= 0, else `seeds` (empty = the preset's); needs `preset` in scope.
SEED_LIST = "IReadOnlyList<int> seedList = seed >= 0 ? [seed] : LesaNotebook.Seeds(seeds, preset);"


def table_setup_cells():
    """The references, parameters and setup cells of the table notebooks (01, 02): usings, the shared parameters, the
    dataset and preset chosen from them, and the seed list."""
    return [
        code(REFERENCES + """
using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Papers;
using ZslKit.Experiments.Runs;
using ZslKit.Reporting;
""", "references"),
        code(PARAMETERS, "parameters", tags=["parameters"]),
        code("""
LesaNotebook.SelectDataset(dataset);
var preset = LesaNotebook.Preset(quick);
""" + SEED_LIST + """
Console.WriteLine($"preset {preset.Name}, seeds {string.Join(",", seedList)}, device {device}, runs in {LesaNotebook.RunsRoot()}");
""", "setup"),
    ]
