// LesaTables.cs - Table 1 (Table 1 rows: ZS / GZS P, R, F1 at K = 3, 5 and mAP on NUS-WIDE, K = 10, 20 on Open Images) and the loss ablation (rank; +rel;
// +rel+div; +rel+div+dist: ZS / GZS F1@3, F1@5, mAP) of Huynh & Elhamifar, "A Shared Multi-Attention Framework for
// Multi-Label Zero-Shot Learning" (CVPR 2020, Sec. 5), built from finished runs: mean ± sample std over seeds in percent
// with one decimal as the paper prints, for the selected model (best validation F1@5) or the final model, rendered as
// Markdown / HTML, a long ResultTable, a "Reported | Ours" comparison and a Plotly grouped bar chart.
using System.Globalization;
using System.Text;
using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Papers;
using ZslKit.Experiments.Runs;
using ZslKit.Models;
using ZslKit.Reporting;

namespace ZslKit.Experiments.Lesa;

/// <summary>Which trained model a table shows: the one selected by validation F1@5 (mAP on Open Images), or the one after the last epoch.</summary>
public enum LesaModelView { Selected, Final }

/// <summary>A column: setting ("ZS", "GZS"), metric as the paper names it ("F1@3", "mAP") and our test-metric key.</summary>
public sealed record LesaColumn(string Setting, string Metric, string Key);

/// <summary>A row: its label as printed, the selector of its runs, and the summaries of the matched runs (null: not run).</summary>
public sealed record LesaTableRow(string Label, RunSelector Selector, IReadOnlyList<int> Seeds,
    IReadOnlyDictionary<string, MetricSummary>? Test);

/// <summary>One LESA table built from runs (values are fractions; shown in percent).</summary>
[TypeFormatterSource(typeof(LesaTableFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class LesaTable(string title, LesaModelView view, IReadOnlyList<LesaColumn> columns, IReadOnlyList<LesaTableRow> rows,
    IReadOnlyList<string> notes, string? extraColumn = null, string? extraCell = null, string selection = "F1@5")
{
    /// <summary>The validation metric the selected model was chosen on ("F1@5"; "mAP" on Open Images).</summary>
    public string Selection { get; } = selection;

    public string Title { get; } = title;
    public LesaModelView View { get; } = view;
    public IReadOnlyList<LesaColumn> Columns { get; } = columns;
    public IReadOnlyList<LesaTableRow> Rows { get; } = rows;

    /// <summary>Lines under the table (data, seeds, what is not evaluated).</summary>
    public IReadOnlyList<string> Notes { get; } = notes;

    /// <summary>A column shown with the same text in every row (e.g. the Open Images columns, "not evaluated ...").</summary>
    public string? ExtraColumn { get; } = extraColumn;
    public string? ExtraCell { get; } = extraCell;

    /// <summary>The summary behind a cell (null when the row was not run or lacks the metric).</summary>
    public MetricSummary? Summary(LesaTableRow row, LesaColumn column)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(column);
        return row.Test is { } t && t.TryGetValue(LesaTables.Key(column, View), out var s) ? s : null;
    }

    /// <summary>"31.6 ± 0.4" (percent, one decimal; no ± for one seed), "not run" or "–" (metric missing).</summary>
    public string Cell(LesaTableRow row, LesaColumn column)
    {
        if (row?.Test is null) return "not run";
        return Summary(row, column) is { } s ? LesaTables.Percent(s) : TableText.Missing;
    }

    private static string SeedText(LesaTableRow r) => r.Test is null ? "–" : string.Join(",", r.Seeds);

    public string ToMarkdown()
    {
        var sb = new StringBuilder("| Method | seeds |");
        foreach (var c in Columns) sb.Append(' ').Append(TableText.Markdown($"{c.Setting} {c.Metric}")).Append(" |");
        if (ExtraColumn is not null) sb.Append(' ').Append(TableText.Markdown(ExtraColumn)).Append(" |");
        sb.Append("\n|---|---|").Append(string.Concat(Columns.Select(_ => "---:|"))).Append(ExtraColumn is null ? "" : "---|").Append('\n');
        foreach (var r in Rows)
        {
            sb.Append("| ").Append(TableText.Markdown(r.Label)).Append(" | ").Append(SeedText(r)).Append(" |");
            foreach (var c in Columns) sb.Append(' ').Append(Cell(r, c)).Append(" |");
            if (ExtraColumn is not null) sb.Append(' ').Append(TableText.Markdown(ExtraCell ?? "")).Append(" |");
            sb.Append('\n');
        }
        sb.Append('\n').Append(TableText.Markdown(Caption)).Append('\n');
        foreach (var n in Notes) sb.Append('\n').Append(n).Append('\n');
        return sb.ToString();
    }

    /// <summary>The caption: title, model view, units.</summary>
    public string Caption =>
        $"{Title}: {(View == LesaModelView.Selected ? $"selected model (best validation {Selection})" : "final model (after the last epoch)")}; " +
        "percent, mean ± sample std over seeds";

    public string ToHtml()
    {
        var sb = new StringBuilder(TableText.Style).Append("<table class=\"zsl-table synthetic\"><caption>")
            .Append(TableText.Html(Caption)).Append("</caption><thead><tr><th rowspan=\"2\">Method</th><th rowspan=\"2\">seeds</th>");
        foreach (var g in Columns.GroupBy(c => c.Setting))
            sb.Append(CultureInfo.InvariantCulture, $"<th colspan=\"{g.Count()}\">{TableText.Html(g.Key)}</th>");
        if (ExtraColumn is not null) sb.Append("<th rowspan=\"2\">").Append(TableText.Html(ExtraColumn)).Append("</th>");
        sb.Append("</tr><tr>");
        foreach (var c in Columns) sb.Append("<th>").Append(TableText.Html(c.Metric)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var r in Rows)
        {
            sb.Append("<tr><th>").Append(TableText.Html(r.Label)).Append("</th><td>").Append(TableText.Html(SeedText(r))).Append("</td>");
            foreach (var c in Columns) sb.Append("<td class=\"num\">").Append(TableText.Html(Cell(r, c))).Append("</td>");
            if (ExtraColumn is not null) sb.Append("<td>").Append(TableText.Html(ExtraCell ?? "")).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        foreach (var n in Notes) sb.Append("<p style=\"font:12px sans-serif;color:#555\">").Append(TableText.Html(n)).Append("</p>");
        return sb.ToString();
    }

    /// <summary>The means in percent as a long ResultTable (method, setting, metric, value), rows that ran only.</summary>
    public ResultTable ToResultTable()
    {
        var t = new ResultTable(Caption, decimals: 1);
        foreach (var r in Rows)
            foreach (var c in Columns)
                if (Summary(r, c) is { } s) t.Add(r.Label, c.Setting, c.Metric, 100 * s.Mean);
        return t;
    }

    /// <summary>Grouped bars: one series per row over the "setting metric" columns (percent, error bars = std).</summary>
    public PlotlyFigure ToBarChart(string? title = null, IReadOnlyList<LesaColumn>? columns = null)
    {
        var cols = columns ?? Columns;
        foreach (var c in cols)
        {
            if (c is null) throw new ArgumentException("ToBarChart: columns holds null", nameof(columns));
            LesaTables.CheckColumn("ToBarChart", c.Setting, c.Metric, nameof(columns));
        }
        var cats = cols.Select(c => $"{c.Setting} {c.Metric}").ToList();
        var fig = new PlotlyFigure(title ?? Title + (View == LesaModelView.Final ? " (final model)" : " (selected model)"), width: 900);
        foreach (var r in Rows.Where(r => r.Test is not null))
        {
            var s = cols.Select(c => Summary(r, c)).ToList();
            fig.Bar(r.Label, cats, s.Select(x => x is null ? double.NaN : 100 * x.Mean).ToList(),
                s.Select(x => x is null ? 0 : 100 * x.Std).ToList());
        }
        return fig.BarMode("group").Axes(null, "percent");
    }

    /// <summary>"Reported | Ours" for every row and column: the reported number from <paramref name="paper"/> (null: "not
    /// transcribed") next to our mean; Δ only on real data (PaperComparison's rule). <paramref name="title"/> names the
    /// source (default: the paper); <paramref name="reportedOnly"/> keeps only the cells that have a reported number (e.g.
    /// the official release's LESA (M=10) row).</summary>
    public PaperComparison Compare(PaperTable? paper, string paperDataset, Provenance provenance, string? title = null,
        bool reportedOnly = false)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        var cmp = new PaperComparison(title ?? LesaTables.PaperTitle, provenance);
        foreach (var r in Rows)
            foreach (var c in Columns)
            {
                var reported = paper?.Rows.FirstOrDefault(p => p.Method == r.Label && p.Dataset == paperDataset &&
                    string.Equals(p.Setting, c.Setting, StringComparison.OrdinalIgnoreCase) &&
                    string.Equals(p.Metric, c.Metric, StringComparison.OrdinalIgnoreCase))?.Value;
                if (reportedOnly && reported is null) continue;
                double? ours = Summary(r, c) is { } s ? 100 * s.Mean : null;
                cmp.Add(r.Label, c.Setting, c.Metric, reported, ours);
            }
        return cmp;
    }

    public override string ToString() => ToMarkdown();
}

/// <summary>A step of the loss ablation: its label and the loss weights it zeroes (config overrides).</summary>
public sealed record LesaAblationStep(string Label, IReadOnlyList<string> Overrides);

public static class LesaTables
{
    public const string PaperTitle = "Huynh & Elhamifar, CVPR 2020 (LESA)";

    /// <summary>What the Open Images columns (K = 10, 20) show on the synthetic benchmark.</summary>
    public const string OpenImagesNotEvaluated = "not evaluated (synthetic benchmark has NUS-WIDE's label space)";

    /// <summary>What the NUS-WIDE columns (K = 3, 5) show for runs in Open Images' label space.</summary>
    public const string NusWideNotEvaluated = "not evaluated (these runs have Open Images' label space)";

    /// <summary>What a notebook prints when the paper's table has not been transcribed.</summary>
    public const string NotTranscribed = "Reported: not transcribed (source not reachable); results/papers/README.md says why.";

    /// <summary>The transcribed paper table results/papers/lesa/&lt;name&gt;.csv ("table1", "table2") under
    /// <paramref name="papersRoot"/> (default: results/papers of the repository), or null when it does not exist.</summary>
    public static PaperTable? Reported(string name, string? papersRoot = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = System.IO.Path.Combine(papersRoot ?? System.IO.Path.Combine(LesaNotebook.RepoRoot(), "results", "papers"),
            LesaExperiment.Paper, name + ".csv");
        return File.Exists(path) ? PaperTable.Load(path) : null;
    }

    /// <summary>The provenance of a notebook's runs for "Reported | Ours": dataset (synthetic or real), the preset and seeds,
    /// the first seed and the runs' commit ("+dirty" when a run recorded uncommitted changes, "several" when they differ).</summary>
    public static Provenance ProvenanceOf(IReadOnlyList<RunRecord> runs, string preset)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("no runs", nameof(runs));
        var seeds = runs.Select(r => r.Config.Seed).Distinct().Order().ToList();
        var commit = Provenance.RunsCommit(runs.Select(r => (r.Provenance?.GitCommit, r.Provenance?.GitDirty)));
        var datasets = runs.Select(r => r.Config.DatasetOrDefault.Name).Distinct(StringComparer.Ordinal).ToList();
        return new Provenance(string.Join("+", datasets), runs.Any(r => r.Synthetic) ? DatasetKind.Synthetic : DatasetKind.Real,
            $"{preset} (seeds {string.Join(",", seeds)})", seeds[0], commit,
            Provenance.Agreed(runs.Select(r => r.Provenance?.Device)),
            Provenance.Agreed(runs.Select(r => r.Provenance is { } p ? $"libtorch {p.LibTorch}" : null)));
    }

    /// <summary>Table 1 rows in the paper's order: (row key of <see cref="LesaTable1"/>, label as printed).</summary>
    public static IReadOnlyList<(string Row, string Label)> Table1Rows { get; } =
    [
        ("conse", "CONSE"), ("labelem", "LabelEM"), ("fast0tag", "Fast0Tag"),
        ("attention-per-label", "One Attention per Label"), ("attention-per-cluster", "One Attention per Cluster"),
        ("lesa-m1", "LESA (M=1)"), ("lesa", "LESA (M=10)"),
    ];

    /// <summary>The loss ablation in the paper's order; the last step is Table 1's LESA (M=10) config (reused).</summary>
    public static IReadOnlyList<LesaAblationStep> Table2Steps { get; } =
    [
        new("rank", ["lossWeights.rel=0", "lossWeights.div=0", "lossWeights.dist=0"]),
        new("+rel", ["lossWeights.div=0", "lossWeights.dist=0"]),
        new("+rel+div", ["lossWeights.dist=0"]),
        new("+rel+div+dist", []),
    ];

    /// <summary>Table 1 columns: ZS then GZS, each P/R/F1 at K = 3, 5 and mAP (NUS-WIDE).</summary>
    public static IReadOnlyList<LesaColumn> Table1Columns { get; } =
        (from s in new[] { "ZS", "GZS" }
         from m in new[] { "P@3", "R@3", "F1@3", "P@5", "R@5", "F1@5", "mAP" }
         select Column(s, m)).ToList();

    /// <summary>Table 1 columns of a protocol: ZS then GZS, each P/R/F1 at its K values and mAP.</summary>
    public static IReadOnlyList<LesaColumn> Table1ColumnsFor(LesaProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return (from s in new[] { "ZS", "GZS" }
                from m in protocol.Ks.SelectMany(k => new[] { $"P@{k}", $"R@{k}", $"F1@{k}" }).Append("mAP")
                select Column(s, m)).ToList();
    }

    /// <summary>Table 2 columns of a protocol: ZS then GZS, each F1 at its K values and mAP.</summary>
    public static IReadOnlyList<LesaColumn> Table2ColumnsFor(LesaProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return (from s in new[] { "ZS", "GZS" } from m in protocol.Ks.Select(k => $"F1@{k}").Append("mAP") select Column(s, m)).ToList();
    }

    /// <summary>The protocol of a set of runs: Open Images when the runs are on an Open Images dataset (mixing is an error).</summary>
    public static LesaProtocol ProtocolOf(IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var oi = runs.Select(r => LesaExperiment.IsOpenImages(r.Config.DatasetOrDefault.Name)).Distinct().ToList();
        if (oi.Count > 1) throw new ArgumentException("the runs mix the NUS-WIDE and Open Images label spaces; pass one notebook's runs", nameof(runs));
        return oi is [true] ? LesaProtocol.OpenImages : LesaProtocol.NusWide;
    }

    /// <summary>Table 2 columns: ZS then GZS, each F1@3, F1@5, mAP.</summary>
    public static IReadOnlyList<LesaColumn> Table2Columns { get; } =
        (from s in new[] { "ZS", "GZS" } from m in new[] { "F1@3", "F1@5", "mAP" } select Column(s, m)).ToList();

    /// <summary>The column of a setting and metric ("ZS", "F1@3" → key "zs/f1@3"). The setting is "ZS" or "GZS", the metric
    /// "mAP" or P/R/F1 at a K of the protocols ("P@3", "R@5", "F1@10", "F1@20"; case is ignored).</summary>
    public static LesaColumn Column(string setting, string metric)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(metric);
        CheckColumn("LesaTables.Column", setting, metric);
        return new(setting, metric, $"{setting.ToLowerInvariant()}/{metric.ToLowerInvariant()}");
    }

    /// <summary>Refuses a setting other than ZS/GZS or a metric that no LESA run records (its cells would all be missing).</summary>
    internal static void CheckColumn(string method, string setting, string metric, string? paramName = null)
    {
        string[] settings = ["ZS", "GZS"];
        if (!settings.Contains(setting, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"{method}: setting '{setting}' is not a LESA setting; known: {string.Join(", ", settings)}", paramName ?? nameof(setting));
        var ks = LesaProtocol.NusWide.Ks.Concat(LesaProtocol.OpenImages.Ks).Distinct().ToList();
        var metrics = ks.SelectMany(k => new[] { $"P@{k}", $"R@{k}", $"F1@{k}" }).Prepend("mAP");
        if (!metrics.Contains(metric, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"{method}: metric '{metric}' is not a LESA test metric; known: mAP and P@K, R@K, F1@K for K = " +
                $"{string.Join(", ", LesaProtocol.NusWide.Ks)} (NUS-WIDE) or {string.Join(", ", LesaProtocol.OpenImages.Ks)} (Open Images)", paramName ?? nameof(metric));
    }

    /// <summary>The test-metric key of a column for a model view ("zs/f1@3" or "final/zs/f1@3").</summary>
    public static string Key(LesaColumn column, LesaModelView view)
    {
        ArgumentNullException.ThrowIfNull(column);
        return view == LesaModelView.Final ? "final/" + column.Key : column.Key;
    }

    /// <summary>Percent with one decimal: "31.6 ± 0.4" over several seeds, "31.6" for one.</summary>
    public static string Percent(MetricSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var mean = TableText.Fixed(100 * s.Mean, 1);
        return s.Count > 1 ? $"{mean} ± {TableText.Fixed(100 * s.Std, 1)}" : mean;
    }

    private static (string, string)[] PaperWeights(params (string Key, bool On)[] on)
    {
        var paper = new LesaConfig();
        var w = new Dictionary<string, double> { ["rel"] = paper.LambdaRel, ["div"] = paper.LambdaDiv, ["dist"] = paper.LambdaDist };
        return on.Select(o => ($"lossWeights.{o.Key}", (o.On ? w[o.Key] : 0).ToString("R", CultureInfo.InvariantCulture))).ToArray();
    }

    /// <summary>The runs of a Table 1 row: method = the row key and the paper's loss weights (λ_rel 0.001, λ_div 0.01,
    /// λ_dist 0.1), so ablation runs of the same method never count as the row.</summary>
    public static RunSelector Table1Selector(string row, string? experiment = null)
    {
        var label = Table1Rows.FirstOrDefault(r => r.Row == row).Label
                    ?? throw new ArgumentException($"unknown Table 1 row '{row}'; known: {string.Join(", ", Table1Rows.Select(r => r.Row))}", nameof(row));
        return RunSelector.Where(label, experiment,
            [("method", row), .. PaperWeights(("rel", true), ("div", true), ("dist", true))]);
    }

    /// <summary>The runs of an ablation step: method lesa with the step's loss weights zeroed, the others at the paper's.</summary>
    public static RunSelector Table2Selector(LesaAblationStep step, string? experiment = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        bool Off(string k) => step.Overrides.Contains($"lossWeights.{k}=0");
        return RunSelector.Where(step.Label, experiment,
            [("method", "lesa"), .. PaperWeights(("rel", !Off("rel")), ("div", !Off("div")), ("dist", !Off("dist")))]);
    }

    /// <summary>The config change of an ablation step (null for the full objective), for <see cref="LesaNotebook.Run"/>.</summary>
    public static Func<ExperimentConfig, ExperimentConfig>? Adjust(LesaAblationStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Overrides.Count == 0 ? null : c => ConfigJson.ApplyOverrides(c, step.Overrides);
    }

    /// <summary>Table 1 from runs (typically the notebook's): one row per Table 1 row, "not run" where no run matches.</summary>
    public static LesaTable Table1(IReadOnlyList<RunRecord> runs, LesaModelView view = LesaModelView.Selected, string? experiment = null)
    {
        var rows = Table1Rows.Select(r => Row(Table1Selector(r.Row, experiment), runs)).ToList();
        var protocol = ProtocolOf(runs);
        if (protocol == LesaProtocol.OpenImages)
            return new LesaTable("LESA Table 1 (Open Images columns)", view, Table1ColumnsFor(protocol), rows, Notes(runs, rows),
                "NUS-WIDE (K=3, 5)", NusWideNotEvaluated, selection: "mAP");
        return new LesaTable("LESA Table 1 (NUS-WIDE columns)", view, Table1Columns, rows, Notes(runs, rows),
            "Open Images (K=10, 20)", OpenImagesNotEvaluated);
    }

    /// <summary>The loss ablation from runs: one row per step, "not run" where no run matches.</summary>
    public static LesaTable Table2(IReadOnlyList<RunRecord> runs, LesaModelView view = LesaModelView.Selected, string? experiment = null)
    {
        var rows = Table2Steps.Select(s => Row(Table2Selector(s, experiment), runs)).ToList();
        var protocol = ProtocolOf(runs);
        return protocol == LesaProtocol.OpenImages
            ? new LesaTable("LESA Table 2 (loss ablation, LESA M=10, Open Images columns)", view, Table2ColumnsFor(protocol), rows,
                Notes(runs, rows), selection: "mAP")
            : new LesaTable("LESA Table 2 (loss ablation, LESA M=10)", view, Table2Columns, rows, Notes(runs, rows));
    }

    /// <summary>The terms of LESA's objective (Eq. 14) as logged per epoch: name in metrics.csv (loss_&lt;name&gt;), label, and the
    /// key of its weight in <see cref="ExperimentConfig.LossWeights"/> (null: weight 1).</summary>
    public static IReadOnlyList<(string Term, string Label, string? Weight)> LossTerms { get; } =
        [("rank", "L_rank", null), ("rel", "L_rel", "rel"), ("div", "L_div", "div"), ("dist", "L_dist", "dist")];

    /// <summary>Task names of <see cref="LossShares"/>.</summary>
    public const string ShareTask = "% of objective", UnweightedTask = "unweighted";

    /// <summary>
    /// What each term weighs in the training objective of every ablation step: for the last epoch of each run, λ·L / total
    /// in percent and the unweighted L, mean over seeds. Runs whose metrics.csv has no loss_&lt;term&gt; columns (trained before
    /// the terms were logged, or whose last epoch replayed CUDA graphs) are left out; a step with none shows "–".
    /// </summary>
    public static ResultTable LossShares(IReadOnlyList<RunRecord> runs, string? experiment = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new ResultTable("LESA loss terms per ablation step (last training epoch; mean over seeds; – = not logged)", decimals: 2);
        foreach (var step in Table2Steps)
        {
            var selector = Table2Selector(step, experiment);
            var logged = runs.Where(selector.Matches).Where(r => r.Epochs.Count > 0 && r.Epochs[^1].LossTerms is not null).ToList();
            if (logged.Count == 0) continue;
            foreach (var (term, label, weight) in LossTerms)
            {
                var last = logged.Where(r => r.Epochs[^1].LossTerms!.ContainsKey(term)).ToList();
                if (last.Count == 0) continue;
                double W(RunRecord r) => weight is null ? 1.0 : r.Config.LossWeights!.GetValueOrDefault(weight);
                table.Add(step.Label, ShareTask, label, last.Average(r => 100 * W(r) * r.Epochs[^1].LossTerms![term] / r.Epochs[^1].TrainLoss));
                table.Add(step.Label, UnweightedTask, label, last.Average(r => r.Epochs[^1].LossTerms![term]));
            }
        }
        return table;
    }

    /// <summary>A row's runs summarised; several configurations matching one row is an error (pass one notebook's runs).</summary>
    private static LesaTableRow Row(RunSelector selector, IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var matched = runs.Where(selector.Matches).ToList();
        if (matched.Count == 0) return new LesaTableRow(selector.Label, selector, [], null);
        var groups = SeedAggregate.Aggregate(matched);
        if (groups.Count > 1)
            throw new ArgumentException($"row '{selector.Label}': the runs form {groups.Count} configurations (seeds aside: " +
                $"{string.Join(", ", groups.Select(g => g.GroupKey))}); pass the runs of one notebook preset", nameof(runs));
        return new LesaTableRow(selector.Label, selector, groups[0].Seeds, groups[0].Test);
    }

    private static List<string> Notes(IReadOnlyList<RunRecord> runs, IReadOnlyList<LesaTableRow> rows)
    {
        var notes = new List<string>();
        var ran = runs.Where(r => rows.Any(row => row.Selector.Matches(r))).ToList();
        if (ran.Count == 0) return ["No finished runs."];
        var datasets = ran.Select(r => r.Config.DatasetOrDefault.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        notes.Add($"Data: {string.Join(", ", datasets)}{(ran.Any(r => r.Synthetic) ? " (SYNTHETIC: not comparable with the paper's numbers)" : "")}; " +
                  $"experiment {string.Join(", ", ran.Select(r => r.Config.Experiment).Distinct(StringComparer.Ordinal))}.");
        var commits = ran.Select(r => r.Provenance?.GitCommit is { Length: > 0 } c ? c[..Math.Min(10, c.Length)] : "unknown")
            .Distinct(StringComparer.Ordinal).ToList();
        notes.Add($"Commit{(commits.Count > 1 ? "s" : "")}: {string.Join(", ", commits)}.");
        return notes;
    }
}

/// <summary>Notebook formatters of <see cref="LesaTable"/> (HTML, Markdown, plain text).</summary>
public sealed class LesaTableFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() =>
    [
        new ConventionFormatter(typeof(LesaTable), "text/html", v => ((LesaTable)v).ToHtml()),
        new ConventionFormatter(typeof(LesaTable), "text/markdown", v => ((LesaTable)v).ToMarkdown()),
        new ConventionFormatter(typeof(LesaTable), "text/plain", v => ((LesaTable)v).ToMarkdown()),
    ];
}
