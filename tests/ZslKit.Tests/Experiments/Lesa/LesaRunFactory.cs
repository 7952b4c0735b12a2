// LesaRunFactory.cs - hand-made finished LESA runs (config + final test metrics, no training) for the Table and Claims tests.
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;

namespace ZslKit.Tests.Experiments.Lesa;

internal static class LesaRunFactory
{
    public const string NoData = "/nonexistent-zslkit-data";
    public const string Experiment = "synthetic-quick";

    /// <summary>The quick preset's config of a Table 1 row (stand-in semantics), optionally changed by config overrides.</summary>
    public static ExperimentConfig Config(string row, int seed = 0, params string[] overrides)
    {
        var c = LesaExperiment.Config(LesaPresets.Quick, Experiment, row, seed, dataDir: NoData);
        return overrides.Length == 0 ? c : ConfigJson.ApplyOverrides(c, overrides);
    }

    /// <summary>A finished run whose test metric for every "zs/…" and "gzs/…" key is <paramref name="value"/>(key), and whose
    /// "final/…" metrics are <paramref name="final"/>(key) (default: the same).</summary>
    public static RunRecord Run(ExperimentConfig config, Func<string, double> value, Func<string, double>? final = null)
    {
        var test = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var s in new[] { "zs", "gzs" })
            foreach (var m in new[] { "map", "p@3", "r@3", "f1@3", "p@5", "r@5", "f1@5" })
            {
                var key = $"{s}/{m}";
                test[key] = value(key);
                test["final/" + key] = (final ?? value)(key);
            }
        var final_ = new FinalMetrics("completed", null, 4, 4, new Dictionary<string, double> { ["f1@5"] = 0.2 }, test, 1.0);
        return new RunRecord("/tmp/none/" + ConfigJson.Hash(config), ConfigJson.Hash(config), config, null, final_, []);
    }

    /// <summary>A run with the same value for every metric.</summary>
    public static RunRecord Run(ExperimentConfig config, double value) => Run(config, _ => value);

    /// <summary>The config of an ablation step (the quick preset's LESA M=10 with the step's overrides).</summary>
    public static ExperimentConfig Step(string label, int seed = 0)
    {
        var step = LesaTables.Table2Steps.Single(s => s.Label == label);
        return Config("lesa", seed, [.. step.Overrides]);
    }
}
