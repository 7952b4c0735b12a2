// LesaTable1.cs - the rows of Table 1 (NUS-WIDE) / Table 2 (Open Images) of Huynh & Elhamifar, CVPR 2020 as
// trainable models, and a runner that trains each row with LesaTrainer for several seeds and prints a table.
using System.Globalization;
using System.Text;
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Models.Baselines;
using ZslKit.Torch;

namespace ZslKit.Models;

/// <summary>Builds and runs the Table 1 rows.</summary>
public static class LesaTable1
{
    /// <summary>Row keys, in the paper's order (baselines first).</summary>
    public static IReadOnlyList<string> Rows { get; } =
        ["conse", "labelem", "fast0tag", "attention-per-label", "attention-per-cluster", "lesa-m1", "lesa"];

    /// <summary>The LESA configuration for a benchmark: its grid, feature and word sizes; hidden width <paramref name="hidden"/>.</summary>
    public static LesaConfig ConfigFor(IMultiLabelRegions bench, int modules, int hidden)
    {
        ArgumentNullException.ThrowIfNull(bench);
        return new LesaConfig
        {
            Modules = modules, FeatureDim = bench.FeatureDim, AttentionHidden = hidden, WordDim = bench.Semantics.Dim,
            GridHeight = bench.GridHeight, GridWidth = bench.GridWidth,
        };
    }

    /// <summary>A freshly initialised model for a row key (parameters drawn after torch.manual_seed(seed)).
    /// <paramref name="configure"/> adjusts the <see cref="LesaConfig"/> of the rows built on it (lesa, lesa-m1,
    /// attention-per-cluster), e.g. the loss weights of an ablation; the other rows have no LesaConfig.</summary>
    public static ILesaTrainable Create(string row, IMultiLabelRegions bench, int hidden, int seed, int modules = 10,
        Func<LesaConfig, LesaConfig>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(bench);
        torch.manual_seed(seed);
        int d = bench.FeatureDim, dv = bench.Semantics.Dim;
        using var scope = torch.NewDisposeScope();
        var seen = LesaTrainer.LabelVectors(bench).narrow(0, 0, bench.SeenCount);   // [S, dv]
        LesaConfig Configure(LesaConfig c) => configure is null ? c : configure(c);
        return row switch
        {
            "lesa" => new LesaTrainable(Configure(ConfigFor(bench, modules, hidden))),
            "lesa-m1" => new LesaTrainable(Configure(ConfigFor(bench, 1, hidden))),
            "attention-per-cluster" => new OneAttentionPerCluster(Configure(ConfigFor(bench, modules, hidden)), seen, seed),
            "attention-per-label" => new OneAttentionPerLabel(d, dv, hidden),
            "fast0tag" => new Fast0Tag(d, dv, hidden),
            "labelem" => new LabelEm(d, dv),
            "conse" => new Conse(d, seen),
            _ => throw new ArgumentException($"unknown Table 1 row '{row}'; known: {string.Join(", ", Rows)}", nameof(row)),
        };
    }

    /// <summary>Trains every (row, seed) pair and returns the results in row order.</summary>
    public static List<LesaRunResult> Run(IMultiLabelRegions bench, LesaTrainingOptions options, IEnumerable<string> rows,
        IEnumerable<int> seeds, int hidden)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<LesaRunResult>();
        foreach (var row in rows)
            foreach (var seed in seeds)
            {
                using var model = Create(row, bench, hidden, seed);
                results.Add(LesaTrainer.Run(model, bench, options with { Seed = seed }));
            }
        return results;
    }

    /// <summary>Markdown table: mean ± std over seeds of ZS/GZS mAP and F1@3/5 (selected model), in percent.</summary>
    public static string Markdown(IEnumerable<LesaRunResult> results, bool selected = true)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        sb.AppendLine("| model | seeds | ZS F1@3 | ZS F1@5 | ZS mAP | GZS F1@3 | GZS F1@5 | GZS mAP |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var g in results.GroupBy(r => r.Model))
        {
            var t = g.Select(r => selected ? r.Selected : r.Final).ToList();
            string Cell(Func<LesaTestResult, double> f)
            {
                var v = t.Select(f).Select(x => 100 * x).ToArray();
                double mean = v.Average();
                double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
                return v.Length > 1 ? string.Create(CultureInfo.InvariantCulture, $"{mean:F1} ± {std:F1}") : string.Create(CultureInfo.InvariantCulture, $"{mean:F1}");
            }
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key} | {string.Join(",", g.Select(r => r.Seed))} | {Cell(x => x.ZslF1At3)} | {Cell(x => x.ZslF1At5)} | {Cell(x => x.ZslMap)} | {Cell(x => x.GzslF1At3)} | {Cell(x => x.GzslF1At5)} | {Cell(x => x.GzslMap)} |");
        }
        return sb.ToString();
    }
}
