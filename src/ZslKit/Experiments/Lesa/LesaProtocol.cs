// LesaProtocol.cs - the evaluation and selection protocol of LESA's two datasets (Huynh & Elhamifar, CVPR 2020, Sec. 5.1 and
// the official scripts hbdat/cvpr20_LESA): NUS-WIDE reports P/R/F1 at K = 3, 5 and selects on validation F1@5 with lr-rule
// patience 5; Open Images v4 reports K = 10, 20 and selects (and drives the ×0.8 lr rule) on validation mAP with patience 2.
namespace ZslKit.Experiments.Lesa;

/// <summary>Top-K values of the test metrics, the validation selection metric and the lr rule's patience of one dataset.</summary>
/// <param name="Name">"nus-wide" or "open-images".</param>
/// <param name="Ks">K of the test P/R/F1 columns.</param>
/// <param name="SelectionMetric">Validation metric key of LesaTask.Evaluate used for selection and the lr rule.</param>
/// <param name="Patience">Epochs the lr rule waits after a decay.</param>
public sealed record LesaProtocol(string Name, IReadOnlyList<int> Ks, string SelectionMetric, int Patience)
{
    /// <summary>NUS-WIDE: K = 3, 5; selection on validation F1@5; patience 5.</summary>
    public static LesaProtocol NusWide { get; } = new("nus-wide", [3, 5], "f1@5", 5);

    /// <summary>Open Images v4: K = 10, 20; selection on validation mAP; patience 2.</summary>
    public static LesaProtocol OpenImages { get; } = new("open-images", [10, 20], "map", 2);

    /// <summary>The protocol of a LESA config's dataset name.</summary>
    public static LesaProtocol For(string dataset) =>
        dataset is LesaExperiment.SyntheticOpenImages or LesaExperiment.SyntheticOpenImagesStandIn or LesaExperiment.OpenImages
            ? OpenImages : NusWide;

    /// <summary>The test metrics Figure 3 plots as improvements over Fast0Tag: ZS and GZS F1 at the smallest K, and mAP
    /// (NUS-WIDE: zs/f1@3, zs/map, gzs/f1@3, gzs/map; Open Images: F1@10).</summary>
    public IReadOnlyList<string> SweepMetrics => [$"zs/f1@{Ks[0]}", "zs/map", $"gzs/f1@{Ks[0]}", "gzs/map"];

    /// <summary>Test-metric keys of one setting ("zs" or "gzs"): map, then p@K, r@K, f1@K for each K.</summary>
    public IReadOnlyList<string> TestKeys(string setting) =>
        [$"{setting}/map", .. Ks.SelectMany(k => new[] { $"{setting}/p@{k}", $"{setting}/r@{k}", $"{setting}/f1@{k}" })];
}
