#!/usr/bin/python3
"""Writes notebooks/00-quickstart.ipynb (the starter notebook) in the VS Code Polyglot Notebooks format, without outputs.

Edit the cells here or in VS Code; either way commit the notebook without outputs (a test checks it).
"""
from polyglot import code, markdown, write


cells = [
    markdown("""
# ZslKit quick start

How every ZslKit notebook is laid out, and the rich output it can show. Run it in VS Code (Polyglot Notebooks, after `./zsl info`
has built `artifacts/bin/zsl/`) or headless: `./zsl notebooks run notebooks/00-quickstart.ipynb --param quick=true`.

1. The first cell references the built library (the same line works in VS Code and headless).
2. The cell tagged `parameters` holds the defaults; `--param name=value` overrides them (papermill convention).
""", "intro"),
    code("""
#r "../artifacts/bin/zsl/ZslKit.dll"
using ZslKit.Reporting;
""", "references"),
    code("""
// Parameters (defaults; `zsl notebooks run --param quick=true` or `zsl reproduce --quick` override them)
bool quick = false;
string dataset = "CUB";
int seed = 0;
string device = "cpu";
""", "parameters", tags=["parameters"]),
    markdown("""
## Layout demo: random numbers, not results

The charts and tables below are filled with **random demo numbers** (no dataset, no model, no engine), so this notebook runs
anywhere in a few seconds and shows every kind of output a paper notebook produces. Nothing here is a measurement of any method;
the paper notebooks fill the same layouts with real runs.
""", "synthetic-md"),
    code("""
var rng = new Random(seed);
int epochs = quick ? 5 : 40;
double[] x = Enumerable.Range(1, epochs).Select(e => (double)e).ToArray();
double[] loss = x.Select(e => 2.0 * Math.Exp(-e / (epochs / 3.0)) + 0.1 * rng.NextDouble()).ToArray();
double[] spread = loss.Select(l => 0.15 * l).ToArray();
Console.WriteLine($"dataset={dataset} seed={seed} device={device} quick={quick}: {epochs} demo epochs");

new PlotlyFigure("Loss curve layout (random demo numbers)")
    .Line("loss", x, loss, band: spread)
    .Axes("epoch", "loss")
""", "curve"),
    code("""
// An attention map over a 14x14 grid drawn on a 224x224 image, next to the per-part heatmap it came from.
var image = new byte[224, 224, 3];
for (int r = 0; r < 224; r++)
    for (int c = 0; c < 224; c++)
    {
        image[r, c, 0] = (byte)(80 + r / 3);
        image[r, c, 1] = (byte)(120 + c / 4);
        image[r, c, 2] = 160;
    }
var attention = new double[14, 14];   // [rows, columns]
for (int r = 0; r < 14; r++)
    for (int c = 0; c < 14; c++)
        attention[r, c] = Math.Exp(-((r - 5) * (r - 5) + (c - 8) * (c - 8)) / 8.0);

var parts = new double[3, 4] { { 0.9, 0.1, 0.0, 0.2 }, { 0.2, 0.7, 0.3, 0.1 }, { 0.0, 0.2, 0.8, 0.4 } };
display(new PlotlyFigure("Attention overlay layout (hand-made demo map)", width: 900, height: 420).Grid(1, 2)
    .Image(image, at: new Subplot(1, 1))
    .AttentionOverlay(attention, 224, 224, opacity: 0.45, at: new Subplot(1, 1))
    .Heatmap(parts, ["head", "wing", "tail", "leg"], ["map 1", "map 2", "map 3"], at: new Subplot(1, 2))
    .Annotate("peak", 8 * 16 + 8, 5 * 16 + 8, at: new Subplot(1, 1)));
""", "attention"),
    code("""
string[] splits = ["ZSL T1", "GZSL U", "GZSL S", "GZSL H"];
var methods = new[] { "demo A", "demo B" };
var results = new ResultTable($"random demo numbers, seed {seed}");
var bars = new PlotlyFigure("Grouped bars layout (random demo numbers)");
foreach (var m in methods)
{
    var values = splits.Select(_ => Math.Round(40 + 30 * rng.NextDouble(), 2)).ToArray();
    for (int i = 0; i < splits.Length; i++) results.Add(m, dataset, splits[i], values[i]);
    bars.Bar(m, splits, values);
}
display(bars.BarMode("group").Axes(null, "accuracy (%)"));
results
""", "results"),
    code("""
// Paper tables: reported numbers are filled in by the paper notebooks; on synthetic data no delta is shown.
var provenance = new Provenance("random demo numbers", DatasetKind.Synthetic, quick ? "quick" : "default", seed, Provenance.GitCommit());
var comparison = new PaperComparison("layout example", provenance);
foreach (var row in results.Rows.Where(r => r.Method == "demo A")) comparison.Add(row.Method, row.Task, row.Metric, null, row.Value);
comparison
""", "comparison"),
]

write("00-quickstart.ipynb", cells)
