#!/usr/bin/python3
"""Writes notebooks/01-lesa-table1.ipynb: LESA Table 1 (every row, ZS / GZS P/R/F1@3,5 and mAP) with its claims.

Run: /usr/bin/python3 notebooks/gen_01_table1.py (the notebook is committed without outputs).
"""
from lesa_nb import code, markdown, table_setup_cells, write

cells = [
    markdown("""
# LESA, Table 1: multi-label zero-shot and generalised zero-shot tagging

Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label Zero-Shot Learning", CVPR 2020, Table 1: every
row (CONSE, LabelEM, Fast0Tag, One Attention per Label, One Attention per Cluster, LESA (M=1), LESA (M=10)) on ZS (unseen
labels only) and GZS (all labels), precision / recall / F1 at K = 3 and 5 and mAP (NUS-WIDE); at K = 10 and 20 and mAP
with `dataset=synthetic-openimages` or `openimages` (Open Images v4: 7,186 seen / 400 unseen labels, selection and the lr
rule on validation mAP with patience 2).

* `quick=true`: the CI preset (`LesaPresets.Quick`: 7x7 regions, D 64, 4 epochs, seed 0) on the synthetic multi-label
  benchmark (real NUS-WIDE GloVe label vectors when `../shared/data` has them), a few minutes on 2 CPU cores.
* `quick=false`: the full synthetic preset (14x14 regions, D 128, 10 epochs, seeds 0, 1, 2).
* `dataset=synthetic-openimages`: the synthetic benchmark in Open Images' label space (the real OI label names with
  stand-in vectors: no OI word vectors exist here), `LesaPresets.OpenImagesQuick` / `OpenImagesFull`; still synthetic.
* Runs are folders under `artifacts/runs/lesa/synthetic-<preset>/` (or `$ZSLKIT_RUNS`): a configuration already trained
  by another notebook (LESA M=10 is shared with Table 2 and the figures) is reused, not retrained.

Synthetic numbers test the *pipeline and the paper's qualitative claims*, not the paper's values: no Δ is shown.
""", "intro"),
    *table_setup_cells(),
    markdown("""
## Runs

One run per (row, seed); each prints one progress line per epoch, or `cached` when a finished run is reused.
""", "runs-md"),
    code("""
var started = DateTime.UtcNow;
var runs = new List<RunRecord>();
foreach (var (row, label) in LesaTables.Table1Rows)
{
    Console.WriteLine($"== {label} ({row})");
    runs.AddRange(LesaNotebook.Run(preset, row, seedList, device));
}
Console.WriteLine($"{runs.Count} runs ready in {(DateTime.UtcNow - started).TotalSeconds:F0} s");
""", "runs"),
    markdown("""
## Table 1 (selected model)

Percent, mean ± sample std over the seeds, for the model selected by validation F1@5 (NUS-WIDE) or validation mAP (Open
Images), as the official scripts do. Only the chosen label space's columns are evaluated (K = 3, 5 for NUS-WIDE; K = 10,
20 for Open Images).
""", "table-md"),
    code("""
var table = LesaTables.Table1(runs);
table
""", "table"),
    code("""
var k = LesaNotebook.Protocol.Ks[0];
table.ToBarChart($"Table 1 ({(LesaNotebook.Synthetic ? "synthetic" : LesaNotebook.Dataset)}, selected model)",
    [LesaTables.Column("ZS", $"F1@{k}"), LesaTables.Column("ZS", "mAP"), LesaTables.Column("GZS", $"F1@{k}"), LesaTables.Column("GZS", "mAP")])
""", "chart"),
    markdown("""
The same runs with the model after the last epoch (no selection):
""", "final-md"),
    code("""
LesaTables.Table1(runs, LesaModelView.Final)
""", "final"),
    markdown("""
## Reported | Ours

The paper's numbers come from `results/papers/lesa/table1.csv` when it has been transcribed from a source that was opened
(results/papers/README.md); Δ is shown only for runs on real features.
""", "paper-md"),
    code("""
var paper = LesaTables.Reported("table1");
if (paper is null) Console.WriteLine(LesaTables.NotTranscribed);
var provenance = LesaTables.ProvenanceOf(runs, preset.Name);
table.Compare(paper, LesaNotebook.OpenImages ? "Open Images" : "NUS-WIDE", provenance)
""", "paper"),
    markdown("""
The official repository's released LESA (M=10) checkpoint (hbdat/cvpr20_LESA; `results/papers/lesa/release-nus-wide.csv`
when present) is a second reference for the LESA (M=10) row: **not** the paper's Table 1, and only ZS P/R/F1 and ZS / GZS mAP.
""", "release-md"),
    code("""
var release = LesaTables.Reported("release-nus-wide");
if (LesaNotebook.OpenImages) Console.WriteLine("official release numbers exist for NUS-WIDE only");
else if (release is null) Console.WriteLine("official release numbers: results/papers/lesa/release-nus-wide.csv is not present");
else display(table.Compare(release, "NUS-WIDE", provenance, "LESA official release (not the paper)", reportedOnly: true));
""", "release"),
    markdown("""
## The paper's Table 1 claims

Each claim compares means over seeds (strictly greater) on the selected model: LESA (M=10) beats every other row in ZS
and in GZS on both F1 at the smaller K (F1@3; F1@10 on Open Images) and mAP. Held / not held / not evaluated, with the numbers.
The evidence sets each margin against the seeds' spread: "within seed noise" below 2 standard errors of the
difference of the means (one seed: no estimate); such a verdict is no evidence either way.
""", "claims-md"),
    code("""
var claims = ClaimReport.Evaluate(LesaClaims.Table1(protocol: LesaNotebook.Protocol), runs);
Console.WriteLine(ClaimReport.ToMarkdown(claims));
Console.WriteLine(ClaimReport.Summary(claims));
""", "claims"),
]

write("01-lesa-table1.ipynb", cells)
