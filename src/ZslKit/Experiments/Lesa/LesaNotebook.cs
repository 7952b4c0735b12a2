// LesaNotebook.cs - what every LESA notebook shares: its parameters (quick|full, dataset, seeds, device) turned into a preset
// and seeds, the run-folder root (artifacts/runs of the repository), one experiment name per preset so that a configuration
// asked for by several notebooks (e.g. LESA M=10 in Table 1, Table 2 and Figure 3) is trained once, and progress lines.
using System.Globalization;
using ZslKit.Data;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;

namespace ZslKit.Experiments.Lesa;

public static class LesaNotebook
{
    /// <summary>Datasets a LESA notebook's <c>dataset</c> parameter may name.</summary>
    public static IReadOnlyList<string> Datasets { get; } = ["synthetic", "synthetic-openimages", "nus-wide", "openimages"];

    /// <summary>The folder holding ZslKit.sln above the current directory (notebooks run in notebooks/) or this assembly.</summary>
    public static string RepoRoot() => SharedData.FindRepoRoot()
        ?? throw new InvalidOperationException($"ZslKit.sln not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}");

    /// <summary>artifacts/runs of the repository ($ZSLKIT_RUNS overrides it).</summary>
    public static string RunsRoot()
    {
        var env = Environment.GetEnvironmentVariable("ZSLKIT_RUNS");
        return !string.IsNullOrEmpty(env) ? Path.GetFullPath(env) : Path.Combine(RepoRoot(), "artifacts", "runs");
    }

    /// <summary>The experiment name of every notebook run under a preset and the selected dataset ("synthetic-quick",
    /// "nus-wide-full", ...).</summary>
    public static string Experiment(LesaPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return Dataset + "-" + preset.Name;
    }

    /// <summary>Seeds from a notebook parameter ("0,1,2"; empty = the preset's seeds). A list without seeds (" , ") or with a
    /// seed given twice is refused, as `zsl train --seeds` does.</summary>
    public static IReadOnlyList<int> Seeds(string? seeds, LesaPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        if (string.IsNullOrWhiteSpace(seeds)) return preset.Seeds;
        var parts = seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new ArgumentException($"seeds: no seeds in '{seeds}' (write e.g. \"0,1,2\", or leave it empty for the preset's)", nameof(seeds));
        var list = new List<int>();
        foreach (var part in parts)
        {
            int s = int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0
                ? parsed : throw new ArgumentException($"seeds: '{part}' is not a non-negative integer (write e.g. \"0,1,2\")", nameof(seeds));
            if (list.Contains(s)) throw new ArgumentException($"seeds: seed {s} is given twice", nameof(seeds));
            list.Add(s);
        }
        return list;
    }

    /// <summary>The dataset chosen by <see cref="SelectDataset"/> ("synthetic" until then).</summary>
    public static string Dataset { get; private set; } = "synthetic";

    /// <summary>
    /// Sets the notebook's dataset from its <c>dataset</c> parameter. "synthetic" (NUS-WIDE-shaped) and "synthetic-openimages"
    /// (Open Images-shaped: 7,186 / 400 labels) always work; "nus-wide" needs the real NUS-WIDE region feature stores and
    /// GloVe vectors (<see cref="LesaExperiment.HasNusWideFeatures"/>), "openimages" the Open Images feature stores and label
    /// lists (<see cref="LesaExperiment.HasOpenImagesFeatures"/>); otherwise they stop naming what is missing.
    /// </summary>
    public static void SelectDataset(string dataset)
    {
        if (!Datasets.Contains(dataset))
            throw new ArgumentException($"dataset '{dataset}' is not one of {string.Join(", ", Datasets)}", nameof(dataset));
        if (dataset == "nus-wide" && !LesaExperiment.HasNusWideFeatures())
            throw new NotSupportedException("dataset=nus-wide needs VGG-19 conv5_4 region features of the NUS-WIDE images in two " +
                $"feature stores, <data>/nus-wide/features/train and /test (or ${LesaExperiment.NusWideFeaturesVariable}), plus the " +
                "NUS-WIDE GloVe files: fetch with data-scripts/fetch.py, then convert the LESA TFRecords (TfRecordImport) or run " +
                "`zsl extract` and `zsl data lesa-stores --dataset nus-wide` (docs/lesa.md, 'Real data'). Use dataset=synthetic to run on the synthetic benchmark.");
        if (dataset == "openimages" && !LesaExperiment.HasOpenImagesFeatures())
            throw new NotSupportedException("dataset=openimages needs VGG-19 conv5_4 region features of the Open Images v4 images in " +
                $"feature stores {LesaExperiment.OpenImagesFeaturesDir() ?? "<data>/openimages-v4/features"}/train and /test (optional " +
                $"/validation; or ${LesaExperiment.OpenImagesFeaturesVariable}), which were not found, plus the Open Images label lists " +
                "in <data>/openimages-v4 (docs/lesa.md, 'Open Images'). Use dataset=synthetic-openimages for the Open Images-shaped " +
                "synthetic benchmark.");
        Dataset = dataset;
    }

    /// <summary>True when the selected dataset is generated (numbers are labelled synthetic and never compared as a Δ).</summary>
    public static bool Synthetic => Dataset is "synthetic" or "synthetic-openimages";

    /// <summary>True when the selected dataset has Open Images' label space (K 10/20, selection on validation mAP).</summary>
    public static bool OpenImages => Dataset is "synthetic-openimages" or "openimages";

    /// <summary>The protocol of the selected dataset.</summary>
    public static LesaProtocol Protocol => OpenImages ? LesaProtocol.OpenImages : LesaProtocol.NusWide;

    /// <summary>The preset of the <c>quick</c> parameter for the selected dataset's label space.</summary>
    public static LesaPreset Preset(bool quick) => LesaPresets.For(quick, OpenImages);

    /// <summary>The lines the attention notebooks (04, 05) print about their data: dataset, preset sizes and training
    /// protocol, label and image counts with the semantics' source and the benchmark fingerprint, device and runs folder.</summary>
    public static string DescribeSetup(string dataset, LesaPreset preset, Data.Datasets.IMultiLabelRegions bench, string device)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(bench);
        var t = preset.Training;
        var p = preset.ProtocolOrDefault;
        return string.Create(CultureInfo.InvariantCulture,
            $"dataset {dataset}, preset {preset.Name}: {bench.GridHeight}x{bench.GridWidth} regions, D {bench.FeatureDim}, H {preset.Hidden}, M {preset.Modules}, " +
            $"{t.Epochs} epochs at lr {t.LearningRate} (gradient norm clipped at {t.ClipGradNorm?.ToString(CultureInfo.InvariantCulture) ?? "none"}), " +
            $"batch {t.BatchSize}; protocol {p.Name} (K {string.Join("/", p.Ks)}, selection on validation {p.SelectionMetric})\n" +
            $"{bench.SeenCount} seen + {bench.UnseenCount} unseen labels ({bench.Semantics.Source}); " +
            $"{bench.ImageCount(Data.Synthetic.MultiLabelSplit.Train)} train / {bench.ImageCount(Data.Synthetic.MultiLabelSplit.Validation)} validation / " +
            $"{bench.ImageCount(Data.Synthetic.MultiLabelSplit.Test)} test images; fingerprint {bench.Fingerprint[..Math.Min(16, bench.Fingerprint.Length)]}\n" +
            $"device {device}; runs in {RunsRoot()} (experiment {Experiment(preset)}, shared with notebooks 01-03)");
    }

    /// <summary>True when the config's run folder under <paramref name="runsRoot"/> (default <see cref="RunsRoot"/>) already
    /// holds a finished run, so running the config reuses it (a cache hit) instead of training.</summary>
    public static bool IsFinished(ExperimentConfig config, string? runsRoot = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return RunRecord.TryLoad(RunRecord.FolderFor(runsRoot ?? RunsRoot(), config)) is not null;
    }

    /// <summary>Run options for notebooks: the repository's runs root, progress lines every 15 s.</summary>
    public static RunOptions Options(TextWriter? log = null) =>
        new(RunsRoot(), Progress: new PlainProgress(log ?? Console.Out, TimeSpan.FromSeconds(15)));

    /// <summary>The config of a Table 1 row under the preset and the selected dataset, in the shared experiment;
    /// <paramref name="adjust"/> changes it (e.g. <c>c =&gt; ConfigJson.ApplyOverrides(c, ["options.M=5"])</c>). On nus-wide and
    /// openimages the official protocol is used (<see cref="LesaExperiment.RealConfig"/>) with the preset's epoch count and M.</summary>
    public static ExperimentConfig Config(LesaPreset preset, string row, int seed, string device = "cpu",
        Func<ExperimentConfig, ExperimentConfig>? adjust = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        if (preset.IsOpenImages != OpenImages)
            throw new ArgumentException($"preset '{preset.Name}' has {(preset.IsOpenImages ? "Open Images'" : "NUS-WIDE's")} label space but the " +
                $"dataset is '{Dataset}': use LesaNotebook.Preset(quick)", nameof(preset));
        var c = Synthetic
            ? LesaExperiment.Config(preset, Experiment(preset), row, seed, device)
            : ConfigJson.ApplyOverrides(LesaExperiment.RealConfig(Experiment(preset), row, seed, device, preset.Training.Epochs,
                    OpenImages ? LesaExperiment.OpenImages : LesaExperiment.NusWide),
                [string.Create(CultureInfo.InvariantCulture, $"options.M={preset.Modules}")]);
        return adjust is null ? c : adjust(c);
    }

    /// <summary>Runs (or reuses) a row for every seed and returns the finished runs.</summary>
    public static IReadOnlyList<RunRecord> Run(LesaPreset preset, string row, IEnumerable<int> seeds, string device = "cpu",
        Func<ExperimentConfig, ExperimentConfig>? adjust = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var options = Options(log);
        return seeds.Select(s => LesaExperiment.Run(Config(preset, row, s, device, adjust), options)).ToList();
    }
}
