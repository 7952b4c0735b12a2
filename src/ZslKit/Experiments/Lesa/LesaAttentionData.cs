// LesaAttentionData.cs - the data of the LESA attention notebooks (04: Figure 4, 05: Table 3 + Figure 5 of Huynh &
// Elhamifar, CVPR 2020): the synthetic multi-label benchmark of a preset (planted boxes are the localisation ground truth),
// the same instance and feature cache the LesaExperiment runs of notebook 01 train on, or a clear refusal for real datasets,
// whose region features and boxes these notebooks cannot read yet.
using ZslKit.Data.Synthetic;
using ZslKit.Models;

namespace ZslKit.Experiments.Lesa;

public static class LesaAttentionData
{
    /// <summary>Dataset names the notebooks' <c>dataset</c> parameter accepts (those of every LESA notebook).</summary>
    public static IReadOnlyList<string> Datasets => LesaNotebook.Datasets;

    /// <summary>
    /// The benchmark of <paramref name="preset"/> and its feature cache for <paramref name="dataset"/> = "synthetic": those of
    /// the preset's LesaExperiment configs (<see cref="LesaExperiment.Benchmark"/> of <see cref="LesaNotebook.Config"/>; NUS-WIDE
    /// GloVe semantics from the shared data folder when present, else the stand-in vocabulary), so the models
    /// <see cref="LesaExperiment.LoadModel"/> rebuilds score the same instance. "synthetic-openimages", "nus-wide" and
    /// "openimages" throw a
    /// <see cref="NotSupportedException"/> that says what is missing; anything else an <see cref="ArgumentException"/>.
    /// </summary>
    public static (MultiLabelBenchmark Bench, LesaFeatureCache Cache) Benchmark(string dataset, LesaPreset preset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(preset);
        return dataset switch
        {
            "synthetic" => LesaExperiment.Benchmark(LesaExperiment.Config(preset, LesaNotebook.Experiment(preset), "lesa", 0)),
            "synthetic-openimages" => throw new NotSupportedException(
                "dataset 'synthetic-openimages' (7,586 labels) is wired for the Table 1 / Table 2 notebooks only; the attention and " +
                "localisation notebooks run on the NUS-WIDE-shaped synthetic benchmark (dataset=\"synthetic\"), nothing was run."),
            "nus-wide" or "openimages" => throw new NotSupportedException(
                $"dataset '{dataset}' needs real VGG-19 region features [N, 196, 512] of the {(dataset == "openimages" ? "Open Images" : "NUS-WIDE")} images (download with data-scripts/fetch.py, " +
                "extract with `zsl extract` into a feature store) and, for localisation, " +
                (dataset == "openimages" ? "the Open Images box files" : "boxes, which NUS-WIDE does not have (the paper localises on Open Images only)") +
                ". Training LESA from a feature store is not wired into these notebooks yet, so nothing was run. Use dataset=\"synthetic\"."),
            _ => throw new ArgumentException($"unknown dataset '{dataset}'; expected one of: {string.Join(", ", Datasets)}", nameof(dataset)),
        };
    }
}
