// LesaLocalisationTable3.cs - trains the three models of Table 3 of Huynh & Elhamifar, "A Shared Multi-Attention Framework
// for Multi-Label Zero-Shot Learning", CVPR 2020 (Sec. 5.4): One Attention per Label, One Attention for All (our reading:
// LESA with a single shared attention, M = 1; docs/lesa.md) and LESA (M modules), each with LesaTrainer on the synthetic
// benchmark for every seed, and evaluates their zero-shot localisation against the planted boxes.
using ZslKit.Data.Synthetic;
using ZslKit.Models;

namespace ZslKit.Experiments.Lesa;

/// <summary>A Table 3 row: the LesaTable1 model key and the name printed in the table.</summary>
public sealed record Table3Row(string Key, string Name);

/// <summary>
/// One trained (row, seed): its training run (classification metrics), its localisation, and the chance level of that
/// localisation (the same scores with uniformly random peaks, <see cref="LocalisationOptions.RandomPeakSeed"/> = seed).
/// </summary>
public sealed record Table3Run(Table3Row Row, int Seed, LesaRunResult Training, LesaLocalisationResult Localisation, LesaLocalisationResult RandomPeaks);

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

    /// <summary>Trains every row for every seed with the preset's protocol and evaluates localisation on the test split.</summary>
    public static Table3Result Run(MultiLabelBenchmark bench, LesaPreset preset, IReadOnlyList<int> seeds, LesaFeatureCache? cache = null,
        LocalisationOptions? options = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is needed", nameof(seeds));
        var runs = new List<Table3Run>();
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
                using var model = LesaTable1.Create(row.Key, bench, preset.Hidden, seed, preset.Modules);
                var training = LesaTrainer.Run(model, bench, preset.Training with { Seed = seed, Cache = cache, Log = log });
                var loc = LesaLocalisation.Evaluate(model, bench, options, cache) with { Model = name };
                var random = LesaLocalisation.Evaluate(model, bench, options with { RandomPeakSeed = seed }, cache) with { Model = $"{name}, random peaks" };
                log?.Invoke($"{name} seed {seed}: localisation mAP seen {100 * loc.Report.MapSeen:F1}, unseen {100 * loc.Report.MapUnseen:F1}, H {100 * loc.Report.H:F1}; ZS mAP {100 * training.Selected.ZslMap:F1} ({training.Seconds:F0} s)");
                runs.Add(new Table3Run(row with { Name = name }, seed, training, loc, random));
                perSeed.Add(loc);
                randomPerSeed.Add(random);
            }
            means.Add(LesaLocalisation.Average(perSeed, name));
            chance.Add(LesaLocalisation.Average(randomPerSeed, $"{name}, random peaks"));
        }
        return new Table3Result(runs, means, chance);
    }
}
