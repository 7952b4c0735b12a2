// LesaLocalisationTable3.cs - the three models of Table 3 of Huynh & Elhamifar, "A Shared Multi-Attention Framework for
// Multi-Label Zero-Shot Learning", CVPR 2020 (Sec. 5.4): One Attention per Label, One Attention for All (our reading: LESA
// with a single shared attention, M = 1; docs/lesa.md) and LESA (M modules), for every seed taken from the LesaExperiment
// run of the notebook config (LesaNotebook.Config: the run notebook 01 trains or reuses), and their zero-shot localisation
// against the planted boxes of the synthetic benchmark, or on real Open Images against its box file (LesaOpenImagesLocalisation).
using ZslKit.Experiments.Runs;

namespace ZslKit.Experiments.Lesa;

/// <summary>A Table 3 row: the LesaTable1 model key and the name printed in the table.</summary>
public sealed record Table3Row(string Key, string Name);

/// <summary>
/// One trained (row, seed): its finished LesaExperiment run (classification metrics in <c>Training.Final.Test</c>: "zs/map",
/// "gzs/map", ... of the selected model), whether that run was already finished before (<paramref name="Reused"/>: a cache
/// hit, nothing trained), its localisation, and the chance level of that localisation (the same scores with uniformly random
/// peaks, <see cref="LocalisationOptions.RandomPeakSeed"/> = seed).
/// </summary>
public sealed record Table3Run(Table3Row Row, int Seed, RunRecord Training, bool Reused, LesaLocalisationResult Localisation,
    LesaLocalisationResult RandomPeaks);

/// <summary>
/// All runs and, per row, the mean localisation over seeds (rows in <see cref="LesaLocalisationTable3.Rows"/> order), and
/// per row the mean of its random-peak chance level.
/// </summary>
public sealed record Table3Result(IReadOnlyList<Table3Run> Runs, IReadOnlyList<LesaLocalisationResult> Mean, IReadOnlyList<LesaLocalisationResult> Chance);

public static class LesaLocalisationTable3
{
    /// <summary>The rows in the paper's order; LESA last (its M is the preset's).</summary>
    public static IReadOnlyList<Table3Row> Rows { get; } =
    [
        new("attention-per-label", "One Attention per Label"),
        new("lesa-m1", "One Attention for All (M=1)"),
        new("lesa", "LESA"),
    ];

    /// <summary>
    /// For every row and seed: runs (or reuses) the LesaExperiment config notebook 01 uses for that row, seed and preset
    /// (<see cref="LesaNotebook.Config"/>, in <paramref name="runs"/>, default <see cref="LesaNotebook.Options"/>: the
    /// repository's runs root), loads its selected model (<see cref="LesaExperiment.LoadModel"/>) and evaluates localisation
    /// on the test split of the config's data: the planted boxes of a synthetic benchmark, or for real "openimages" the box
    /// file through <see cref="LesaOpenImagesLocalisation.GroundTruth(ZslKit.Data.Datasets.IMultiLabelRegions, string?)"/>
    /// (refused, naming what is missing, before anything is trained). NUS-WIDE has no boxes and is refused.
    /// </summary>
    public static Table3Result Run(LesaPreset preset, IReadOnlyList<int> seeds, string device = "cpu", RunOptions? runs = null,
        LocalisationOptions? options = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is needed", nameof(seeds));
        bool realOpenImages = LesaNotebook.Dataset == LesaExperiment.OpenImages;
        if (!LesaNotebook.Synthetic && !realOpenImages)
            throw new NotSupportedException($"Table 3 localisation needs boxes: the planted boxes of a synthetic benchmark or the Open Images box file; " +
                $"the selected dataset is '{LesaNotebook.Dataset}' (NUS-WIDE has no boxes)");
        IReadOnlyDictionary<(int Image, int Label), IReadOnlyList<ZslKit.Metrics.Box>>? realBoxes = null;   // read once: same test split for every run
        if (realOpenImages && LesaOpenImagesLocalisation.Missing() is { Count: > 0 } missing)
            throw new NotSupportedException("Table 3 localisation on real Open Images needs: " + string.Join("; ", missing) + " (docs/lesa.md, \"Table 3 on real Open Images\")");
        runs ??= LesaNotebook.Options();
        var result = new List<Table3Run>();
        var means = new List<LesaLocalisationResult>();
        var chance = new List<LesaLocalisationResult>();
        options ??= new LocalisationOptions();
        foreach (var row in Rows)
        {
            var perSeed = new List<LesaLocalisationResult>();
            var randomPerSeed = new List<LesaLocalisationResult>();
            string name = row.Key == "lesa" ? $"{row.Name} (M={preset.Modules})" : row.Name;
            foreach (var seed in seeds)
            {
                var config = LesaNotebook.Config(preset, row.Key, seed, device);
                bool reused = !runs.Force && LesaNotebook.IsFinished(config, runs.RunsRoot);
                var training = LesaExperiment.Run(config, runs);
                // The config's data (synthetic benchmark + cache, or the real Open Images stores) and its boxes: the planted ones,
                // or the Open Images box file.
                var (data, cache) = LesaExperiment.Data(config);
                var boxes = data is Data.Synthetic.MultiLabelBenchmark synthetic
                    ? LesaLocalisation.GroundTruth(synthetic, options.IncludeAbstractLabels)
                    : realBoxes ??= LesaOpenImagesLocalisation.GroundTruth(data);
                using var model = LesaExperiment.LoadModel(training);
                var loc = LesaLocalisation.Evaluate(model, data, boxes, options, cache) with { Model = name };
                var random = LesaLocalisation.Evaluate(model, data, boxes, options with { RandomPeakSeed = seed }, cache) with { Model = $"{name}, random peaks" };
                log?.Invoke($"{name} seed {seed}: localisation mAP seen {100 * loc.Report.MapSeen:F1}, unseen {100 * loc.Report.MapUnseen:F1}, H {100 * loc.Report.H:F1}; " +
                    $"ZS mAP {100 * training.Final.Test.GetValueOrDefault("zs/map", double.NaN):F1} ({(reused ? "reused run" : "trained")} {training.RunId[..Math.Min(12, training.RunId.Length)]}, {training.Final.Seconds:F0} s of training)");
                result.Add(new Table3Run(row with { Name = name }, seed, training, reused, loc, random));
                perSeed.Add(loc);
                randomPerSeed.Add(random);
            }
            means.Add(LesaLocalisation.Average(perSeed, name));
            chance.Add(LesaLocalisation.Average(randomPerSeed, $"{name}, random peaks"));
        }
        return new Table3Result(result, means, chance);
    }
}
