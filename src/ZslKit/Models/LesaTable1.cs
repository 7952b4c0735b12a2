// LesaTable1.cs - the rows of Table 1 (NUS-WIDE) / Table 2 (Open Images) of Huynh & Elhamifar, CVPR 2020 as
// trainable models (trained by LesaExperiment through the generic Trainer).
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Models.Baselines;
using ZslKit.Torch;

namespace ZslKit.Models;

/// <summary>Builds the Table 1 rows.</summary>
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
        var seen = LesaBatches.LabelVectors(bench).narrow(0, 0, bench.SeenCount);   // [S, dv]
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
}
