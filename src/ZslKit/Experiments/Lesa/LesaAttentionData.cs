// LesaAttentionData.cs - the data of the LESA attention notebooks (04: Figure 4, 05: Table 3 + Figure 5 of Huynh &
// Elhamifar, CVPR 2020): the synthetic multi-label benchmark of a preset, NUS-WIDE-shaped ("synthetic") or Open Images-shaped
// ("synthetic-openimages"; the paper localises on Open Images), whose planted boxes are the localisation ground truth: the
// same instance and feature cache the LesaExperiment runs of notebook 01 train on. Real Open Images is accepted by both
// notebooks (LocalisationPreset / LocalisationData) when its feature stores, test item ids, box file and (cropped features)
// image sizes exist (LesaOpenImagesLocalisation.Missing): notebook 04 then counts module usage on the real training store
// and draws its overlays over the real test boxes, notebook 05 localises against them. Preset / Benchmark are the synthetic
// benchmarks only; NUS-WIDE, which has no boxes, is refused by all of them.
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Models;

namespace ZslKit.Experiments.Lesa;

public static class LesaAttentionData
{
    /// <summary>Dataset names the notebooks' <c>dataset</c> parameter accepts (those of every LESA notebook).</summary>
    public static IReadOnlyList<string> Datasets => LesaNotebook.Datasets;

    /// <summary>The datasets these notebooks run on: the two synthetic benchmarks.</summary>
    public static IReadOnlyList<string> Runnable { get; } = ["synthetic", "synthetic-openimages"];

    /// <summary>
    /// Selects <paramref name="dataset"/> for the notebook (<see cref="LesaNotebook.SelectDataset"/>, so that
    /// <see cref="LesaNotebook.Config"/> names notebook 01's runs of that label space) and returns the preset of the
    /// <c>quick</c> parameter in its label space (<see cref="LesaPresets.OpenImagesQuick"/> / <c>OpenImagesFull</c> for
    /// "synthetic-openimages"). Real datasets throw the <see cref="NotSupportedException"/> of <see cref="Benchmark"/>.
    /// </summary>
    public static LesaPreset Preset(string dataset, bool quick)
    {
        Select(dataset);
        return LesaNotebook.Preset(quick);
    }

    /// <summary>
    /// The benchmark of <paramref name="preset"/> and its feature cache for <paramref name="dataset"/> = "synthetic" or
    /// "synthetic-openimages": those of the preset's LesaExperiment configs (<see cref="LesaExperiment.Benchmark"/> of
    /// <see cref="LesaNotebook.Config"/>; real NUS-WIDE GloVe vectors, or real Open Images label names with stand-in vectors,
    /// from the shared data folder when present, else the stand-in vocabulary of the same sizes), so the models
    /// <see cref="LesaExperiment.LoadModel"/> rebuilds score the same instance. Selects the dataset as <see cref="Preset"/>
    /// does; a preset of the other label space is an <see cref="ArgumentException"/>. "nus-wide" and "openimages" throw a
    /// <see cref="NotSupportedException"/> that says what is missing; anything else an <see cref="ArgumentException"/>.
    /// </summary>
    public static (MultiLabelBenchmark Bench, LesaFeatureCache Cache) Benchmark(string dataset, LesaPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        Select(dataset);
        return LesaExperiment.Benchmark(LesaNotebook.Config(preset, "lesa", 0));
    }

    /// <summary>The datasets notebooks 04 (Figure 4) and 05 (Table 3 / Figure 5) run on: the synthetic ones, and real Open Images when present.</summary>
    public static IReadOnlyList<string> LocalisationRunnable { get; } = ["synthetic", "synthetic-openimages", "openimages"];

    /// <summary>
    /// <see cref="Preset"/> for notebooks 04 and 05: also accepts "openimages" when <see cref="LesaOpenImagesLocalisation.Missing"/>
    /// is empty (feature stores, label lists, test item ids, box file, and image sizes when the features are cropped), else a
    /// <see cref="NotSupportedException"/> listing what is missing. The preset's label space is Open Images'.
    /// </summary>
    public static LesaPreset LocalisationPreset(string dataset, bool quick)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset != "openimages") return Preset(dataset, quick);
        SelectRealOpenImages();
        return LesaNotebook.Preset(quick);
    }

    /// <summary>
    /// The data notebooks 04 and 05 read: <see cref="Benchmark"/>'s synthetic benchmark and cache, or for "openimages" the real
    /// feature stores (<see cref="LesaExperiment.Data"/> of <see cref="LesaNotebook.Config"/>; no cache) after the checks of
    /// <see cref="LocalisationPreset"/>.
    /// </summary>
    public static (IMultiLabelRegions Data, LesaFeatureCache? Cache) LocalisationData(string dataset, LesaPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset != "openimages") return Benchmark(dataset, preset);
        SelectRealOpenImages();
        return LesaExperiment.Data(LesaNotebook.Config(preset, "lesa", 0));
    }

    private static void SelectRealOpenImages()
    {
        var missing = LesaOpenImagesLocalisation.Missing();
        if (missing.Count > 0)
            throw new NotSupportedException("dataset 'openimages' (Figure 4 overlays and Table 3 localisation on real Open Images) needs: " + string.Join("; ", missing) +
                ". Nothing was run. Use dataset=\"synthetic-openimages\" for the Open Images-shaped synthetic benchmark (docs/lesa.md, \"Table 3 on real Open Images\").");
        LesaNotebook.SelectDataset("openimages");
    }

    /// <summary>Refuses real and unknown datasets; selects a synthetic one.</summary>
    private static void Select(string dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        switch (dataset)
        {
            case "synthetic" or "synthetic-openimages":
                LesaNotebook.SelectDataset(dataset);
                return;
            case "nus-wide" or "openimages":
                bool oi = dataset == "openimages";
                throw new NotSupportedException(
                    $"dataset '{dataset}' needs real VGG-19 region features [N, 196, 512] of the {(oi ? "Open Images" : "NUS-WIDE")} images (download " +
                    "with data-scripts/fetch.py, extract with `zsl extract`, build the split stores with `zsl data lesa-stores`) and, for localisation, " +
                    (oi ? "the Open Images box files (test-annotations-bbox.csv); real Open Images goes through LocalisationPreset / LocalisationData " +
                          "(notebooks 04 and 05), which check for them; Preset / Benchmark serve the synthetic benchmarks only"
                        : "boxes, which NUS-WIDE does not have (the paper localises on Open Images only)") +
                    ", so nothing was run. " +
                    $"Use dataset=\"{(oi ? "synthetic-openimages" : "synthetic")}\" for the {(oi ? "Open Images" : "NUS-WIDE")}-shaped synthetic benchmark.");
            default:
                throw new ArgumentException($"unknown dataset '{dataset}'; expected one of: {string.Join(", ", Datasets)} " +
                    $"(these notebooks run on {string.Join(" and ", Runnable)})", nameof(dataset));
        }
    }
}
