// LesaExperiment.cs - the rows of Table 1 of Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label
// Zero-Shot Learning" (CVPR 2020) as runs described by an ExperimentConfig: the config names the row, the synthetic
// benchmark's size, the optimiser (TF-style RMSprop), the LESA lr rule, the loss weights (λ_rel, λ_div, λ_dist) and the
// widths; ExperimentRunner trains it with the generic Trainer (checkpoints, resume, NaN stop, progress) into
// artifacts/runs/lesa/<experiment>/<config hash>/, and a finished run is reused instead of retrained.
using System.Globalization;
using ZslKit.Data;
using ZslKit.Data.Datasets;
using LabelSemantics = ZslKit.Data.Synthetic.LabelSemantics;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Checkpoints;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Experiments.Lesa;

public static class LesaExperiment
{
    public const string Paper = "lesa";

    /// <summary>The synthetic multi-label benchmark on the real NUS-WIDE GloVe label vectors (from ../shared/data).</summary>
    public const string SyntheticNusWide = "synthetic-nus-wide";

    /// <summary>The same benchmark on generated stand-in label vectors (925 seen / 81 unseen, 300-d), used when the real
    /// GloVe file is absent.</summary>
    public const string SyntheticStandIn = "synthetic-standin";

    /// <summary>Real NUS-WIDE region features (VGG-19 conv5_4) in two feature stores, <see cref="NusWideFeaturesDir"/>/train and
    /// /test, with the real GloVe semantics; the first 5,000 training images are the validation split.</summary>
    public const string NusWide = "nus-wide";

    /// <summary>Overrides where the NUS-WIDE feature stores are looked for.</summary>
    public const string NusWideFeaturesVariable = "ZSLKIT_NUS_FEATURES";

    /// <summary>$ZSLKIT_NUS_FEATURES, else &lt;data&gt;/nus-wide/features with &lt;data&gt; = <paramref name="dataDir"/> or
    /// <see cref="SharedData.Find"/> (null when neither is set).</summary>
    public static string? NusWideFeaturesDir(string? dataDir = null)
    {
        var env = Environment.GetEnvironmentVariable(NusWideFeaturesVariable);
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        var root = dataDir ?? SharedData.Find();
        return root is null ? null : Path.Combine(root, "nus-wide", "features");
    }

    /// <summary>True when the NUS-WIDE feature stores and GloVe semantics are present.</summary>
    public static bool HasNusWideFeatures(string? dataDir = null) =>
        NusWideFeaturesDir(dataDir) is { } dir && Directory.Exists(Path.Combine(dir, "train")) && Directory.Exists(Path.Combine(dir, "test")) &&
        LabelSemantics.HasNusWide(dataDir ?? SharedData.Find());

    /// <summary>
    /// Revision of the LESA model, losses and protocol code, written into every config as <c>options.revision</c> so that a
    /// run cached by older code (another config hash) is never reused. Bump it whenever a change alters what a config trains.
    /// 2: L_rank over every label column (the official "subset labels"), 2026-11-28.
    /// </summary>
    public const int Revision = 2;

    /// <summary>Keys of <see cref="ExperimentConfig.Options"/> a LESA config uses (anything else is rejected).</summary>
    public static IReadOnlyList<string> OptionKeys { get; } =
        ["M", "hidden", "gridHeight", "gridWidth", "maxBlob", "testImages", "noise", "dataSeed", "revision"];

    /// <summary>Option keys of a real-data config (the data fixes the rest).</summary>
    public static IReadOnlyList<string> RealOptionKeys { get; } = ["M", "hidden", "validationImages", "revision"];

    /// <summary>Keys of <see cref="ExperimentConfig.LossWeights"/>: λ_rel, λ_div, λ_dist (L_rank always has weight 1).</summary>
    public static IReadOnlyList<string> LossWeightKeys { get; } = ["rel", "div", "dist"];

    /// <summary>
    /// The config of one Table 1 row under a preset: the preset's benchmark, widths and protocol, the paper's loss weights
    /// (λ_rel 0.001, λ_div 0.01, λ_dist 0.1), validation F1@5 as the selection metric. The dataset is
    /// <see cref="SyntheticNusWide"/> when the real GloVe vectors are found (<paramref name="dataDir"/>, default
    /// <see cref="SharedData.Find"/>), else <see cref="SyntheticStandIn"/>.
    /// </summary>
    public static ExperimentConfig Config(LesaPreset preset, string experiment, string row, int seed, string device = "cpu",
        string? dataDir = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        if (!LesaTable1.Rows.Contains(row))
            throw new ArgumentException($"unknown Table 1 row '{row}'; known: {string.Join(", ", LesaTable1.Rows)}", nameof(row));
        var b = preset.Benchmark;
        var t = preset.Training;
        var paper = new LesaConfig();
        bool real = LabelSemantics.HasNusWide(dataDir ?? SharedData.Find());
        return new ExperimentConfig(
            Paper: Paper, Experiment: experiment, Method: row,
            Dataset: new DatasetConfig(real ? SyntheticNusWide : SyntheticStandIn, Synthetic: true, Size: b.TrainImages,
                Features: b.FeatureDim, Labels: 0),
            Seed: seed, Device: device, DType: "float32",
            Optimizer: new OptimizerConfig("rmsprop-tf", Lr: t.LearningRate, Momentum: t.RmsMomentum, Alpha: t.RmsDecay, Eps: t.RmsEpsilon),
            Schedule: new ScheduleConfig("lesa", Factor: t.DecayRate, SignalStrength: t.SignalStrength, Patience: t.Patience),
            LossWeights: new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["rel"] = paper.LambdaRel, ["div"] = paper.LambdaDiv, ["dist"] = paper.LambdaDist,
            },
            Training: new TrainingConfig(Epochs: t.Epochs, BatchSize: t.BatchSize, ValidationFraction: b.ValidationFraction,
                SelectionMetric: "f1@5", Maximize: true, Patience: 0, CheckpointEvery: 1),
            Options: new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["M"] = preset.Modules, ["hidden"] = preset.Hidden, ["gridHeight"] = b.GridHeight, ["gridWidth"] = b.GridWidth,
                ["maxBlob"] = b.MaxBlobSize, ["testImages"] = b.TestImages, ["noise"] = b.NoiseSigma, ["dataSeed"] = b.Seed,
                ["revision"] = Revision,
            });
    }

    /// <summary>
    /// The config of a Table 1 row on real NUS-WIDE region features with the official protocol: M = 10, H = 512, TF-style
    /// RMSprop (lr 1e-3, decay 0.9, momentum 0.9, eps 1.0), batch 32, the lr rule with patience 5, selection on validation F1@5,
    /// the paper's loss weights. <paramref name="epochs"/> is our choice (the official script's epoch count was not checked).
    /// </summary>
    public static ExperimentConfig RealConfig(string experiment, string row, int seed, string device = "cpu", int epochs = 20)
    {
        var paper = new LesaConfig();
        var t = new LesaTrainingOptions();
        return new ExperimentConfig(
            Paper: Paper, Experiment: experiment, Method: row,
            Dataset: new DatasetConfig(NusWide, Synthetic: false, Size: 0, Features: paper.FeatureDim, Labels: 0),
            Seed: seed, Device: device, DType: "float32",
            Optimizer: new OptimizerConfig("rmsprop-tf", Lr: t.LearningRate, Momentum: t.RmsMomentum, Alpha: t.RmsDecay, Eps: t.RmsEpsilon),
            Schedule: new ScheduleConfig("lesa", Factor: t.DecayRate, SignalStrength: t.SignalStrength, Patience: t.Patience),
            LossWeights: new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["rel"] = paper.LambdaRel, ["div"] = paper.LambdaDiv, ["dist"] = paper.LambdaDist,
            },
            Training: new TrainingConfig(Epochs: epochs, BatchSize: t.BatchSize, ValidationFraction: 0,
                SelectionMetric: "f1@5", Maximize: true, Patience: 0, CheckpointEvery: 1),
            Options: new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["M"] = paper.Modules, ["hidden"] = paper.AttentionHidden, ["validationImages"] = FeatureStoreRegions.NusWideValidationImages,
                ["revision"] = Revision,
            });
    }

    /// <summary>The benchmark configuration a LESA config describes (the knobs it does not name keep the
    /// <see cref="MultiLabelBenchmarkConfig"/> defaults); training.validationFraction is the benchmark's validation share.</summary>
    public static MultiLabelBenchmarkConfig BenchmarkConfig(ExperimentConfig config) => BuildBenchmarkConfig(Check(config));

    /// <summary>The config's benchmark (the last one built is kept, with its region features, for the next run).</summary>
    public static (MultiLabelBenchmark Bench, LesaFeatureCache Cache) Benchmark(ExperimentConfig config, string? dataDir = null)
    {
        var c = Check(config);
        if (c.DatasetOrDefault.Name == NusWide)
            throw new InvalidOperationException($"config dataset '{NusWide}' is real data, not the synthetic benchmark: use LesaExperiment.Data");
        var bc = BenchmarkConfig(c);
        string? dir = null;
        if (c.DatasetOrDefault.Name == SyntheticNusWide)
        {
            dir = dataDir ?? SharedData.Find();
            if (!LabelSemantics.HasNusWide(dir))
                throw new InvalidOperationException($"dataset '{SyntheticNusWide}' needs the NUS-WIDE GloVe vectors of ../shared/data " +
                    $"(or ${SharedData.EnvironmentVariable}), which were not found; configs built without them name '{SyntheticStandIn}'");
        }
        lock (s_lock)
        {
            if (s_last is { } last && last.Config == bc && last.DataDir == dir) return (last.Bench, last.Cache);
            var bench = MultiLabelBenchmark.Create(bc, dir);
            s_last = (bc, dir, bench, new LesaFeatureCache(bench));
            return (s_last.Value.Bench, s_last.Value.Cache);
        }
    }

    /// <summary>The config's data: the synthetic benchmark with its in-memory features, or the real NUS-WIDE feature stores
    /// (read batch by batch; no cache). The last one opened is kept for the next run.</summary>
    public static (IMultiLabelRegions Data, LesaFeatureCache? Cache) Data(ExperimentConfig config, string? dataDir = null)
    {
        var c = Check(config);
        if (c.DatasetOrDefault.Name != NusWide)
        {
            var (bench, cache) = Benchmark(c, dataDir);
            return (bench, cache);
        }
        var root = dataDir ?? SharedData.Find();
        var dir = NusWideFeaturesDir(root);
        if (dir is null || root is null || !LabelSemantics.HasNusWide(root))
            throw new InvalidOperationException($"dataset '{NusWide}' needs the NUS-WIDE GloVe vectors and region feature stores " +
                $"(<data>/nus-wide/features/train and /test, or ${NusWideFeaturesVariable}); data folder: {root ?? "not found"} (docs/lesa.md, 'Real data')");
        lock (s_lock)
        {
            int validation = Int(c, "validationImages");
            if (s_real is { } r && r.Dir == dir && r.Validation == validation) return (r.Data, null);
            s_real?.Data.Dispose();
            var labels = NusWideLabels.Load(Path.Combine(root, "nus-wide"));
            var data = FeatureStoreRegions.OpenNusWide(dir, LabelSemantics.LoadNusWide(root), labels.SeenTagRows, validation);
            s_real = (dir, validation, data);
            return (data, null);
        }
    }

    private static (string Dir, int Validation, FeatureStoreRegions Data)? s_real;
    private static readonly Lock s_lock = new();
    private static (MultiLabelBenchmarkConfig Config, string? DataDir, MultiLabelBenchmark Bench, LesaFeatureCache Cache)? s_last;

    /// <summary>A freshly initialised model for the config's row (parameters drawn after torch.manual_seed(seed)), with the
    /// config's M, hidden width and loss weights.</summary>
    public static ILesaTrainable CreateModel(ExperimentConfig config, IMultiLabelRegions bench)
    {
        var c = Check(config);
        var w = c.LossWeights!;
        return LesaTable1.Create(c.Method, bench, Int(c, "hidden"), c.Seed, Int(c, "M"),
            lc => lc with { LambdaRel = w["rel"], LambdaDiv = w["div"], LambdaDist = w["dist"] });
    }

    /// <summary>Trains the config into its run folder (or returns the finished run already there) and returns the record.
    /// Test metrics (NUS protocol; percentages as fractions): "zs/…" over the unseen labels and "gzs/…" over all labels, for
    /// the selected model (best validation F1@5) and, prefixed "final/", for the model after the last epoch; each has
    /// map, p@3, r@3, f1@3, p@5, r@5, f1@5.</summary>
    public static RunRecord Run(ExperimentConfig config, RunOptions options) =>
        ExperimentRunner.Run(Check(config), options, c =>
        {
            var (bench, cache) = Data(c);
            var model = CreateModel(c, bench);
            var task = new LesaTask(model, bench, cache, c.TrainingOrDefault.BatchSize, c.Device);
            var opt = Optimizers.Create(c.OptimizerOrDefault, model.Module.parameters());
            return new TrainingSetup<(Tensor X, Tensor Y)>(task, opt, () => { opt.Dispose(); task.Dispose(); });
        });

    /// <summary>Runs every seed of the preset (or <paramref name="seeds"/>) for the config.</summary>
    public static IReadOnlyList<RunRecord> RunSeeds(ExperimentConfig config, IEnumerable<int> seeds, RunOptions options) =>
        seeds.Select(s => Run(config with { Seed = s }, options)).ToList();

    /// <summary>Rebuilds a finished run's model with its selected weights (the newest checkpoint's best state, else its last
    /// state), on the CPU, in eval mode. The caller disposes it.</summary>
    public static ILesaTrainable LoadModel(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var c = Check(run.Config);
        var folder = Path.Combine(run.Folder, RunRecord.CheckpointFolder);
        var ckpt = Checkpoint.LoadLatest(folder)
                   ?? throw new InvalidOperationException($"run {run.Folder} has no complete checkpoint in {folder}; rerun it with --force");
        var (bench, _) = Data(c);
        var model = CreateModel(c, bench);
        try
        {
            var best = ckpt.Section(Checkpoint.BestPrefix);
            var state = best.Count > 0 ? best : ckpt.Section(Checkpoint.ModelPrefix);
            var parameters = new ModuleModel(model.Module).NamedParameters();
            Trainer<object>.LoadParameters(parameters, state, $"run {run.RunId}");
            model.Module.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Registers every Table 1 row with <see cref="MethodRegistry"/> (`zsl train lesa --set options.M=5`), with the
    /// quick preset's config as defaults.</summary>
    public static void Register()
    {
        foreach (var row in LesaTable1.Rows)
            MethodRegistry.Register(new MethodEntry(row, $"LESA Table 1 row '{row}' on the synthetic multi-label benchmark (quick preset)",
                Config(LesaPresets.Quick, "train", row, 0), Run));
    }

    /// <summary>Validates the config and its LESA-specific fields; names the first bad one.</summary>
    public static ExperimentConfig Check(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = config.Validate();
        void Fail(string field, string why) => throw new ArgumentException($"config field '{field}': {why}", field);
        if (!LesaTable1.Rows.Contains(c.Method)) Fail("method", $"'{c.Method}' is not a LESA Table 1 row ({string.Join(", ", LesaTable1.Rows)})");
        var d = c.DatasetOrDefault;
        if (d.Name is not (SyntheticNusWide or SyntheticStandIn or NusWide))
            Fail("dataset.name", $"'{d.Name}' is not {SyntheticNusWide}, {SyntheticStandIn} or {NusWide} (Open Images region features are " +
                "not wired yet: docs/lesa.md, 'Real data')");
        bool real = d.Name == NusWide;
        if (d.Synthetic == real) Fail("dataset.synthetic", real ? $"must be false for '{NusWide}'" : "must be true for the synthetic benchmark");
        if (c.OptimizerOrDefault.Name != "rmsprop-tf" && c.OptimizerOrDefault.Name != "rmsprop" && c.OptimizerOrDefault.Name != "adam")
            Fail("optimizer.name", $"'{c.OptimizerOrDefault.Name}': LESA runs use rmsprop-tf (official), rmsprop or adam");
        var optionKeys = real ? RealOptionKeys : OptionKeys;
        foreach (var key in c.Options!.Keys)
            if (!optionKeys.Contains(key)) Fail($"options.{key}", $"unknown LESA option for this dataset (known: {string.Join(", ", optionKeys)})");
        foreach (var key in optionKeys)
            if (!c.Options.ContainsKey(key)) Fail($"options.{key}", "is missing");
        foreach (var key in c.LossWeights!.Keys)
            if (!LossWeightKeys.Contains(key)) Fail($"lossWeights.{key}", $"unknown LESA loss weight (known: {string.Join(", ", LossWeightKeys)})");
        foreach (var key in LossWeightKeys)
            if (!c.LossWeights.TryGetValue(key, out var w)) Fail($"lossWeights.{key}", "is missing");
            else if (!(w >= 0) || !double.IsFinite(w)) Fail($"lossWeights.{key}", $"{w} must be finite and >= 0");
        if (c.TrainingOrDefault.SelectionMetric is not ("f1@5" or "map" or "loss"))
            Fail("training.selectionMetric", $"'{c.TrainingOrDefault.SelectionMetric}' is not f1@5, map or loss");
        foreach (var key in real ? ["M", "hidden", "validationImages"] : new[] { "M", "hidden", "gridHeight", "gridWidth", "maxBlob", "testImages" })
        {
            var v = c.Options[key];
            if (v < 1 || v != Math.Floor(v)) Fail($"options.{key}", $"{v.ToString(CultureInfo.InvariantCulture)} must be a whole number >= 1");
        }
        if (c.Options["revision"] != Revision)
            Fail("options.revision", $"{c.Options["revision"].ToString(CultureInfo.InvariantCulture)} was written by other LESA code; this " +
                $"build is revision {Revision} (retrain: the config with the current revision is a new run)");
        if (!real) BuildBenchmarkConfig(c).Validate();
        return c;
    }

    private static MultiLabelBenchmarkConfig BuildBenchmarkConfig(ExperimentConfig c)
    {
        var d = c.DatasetOrDefault;
        return new MultiLabelBenchmarkConfig
        {
            TrainImages = d.Size, ValidationFraction = c.TrainingOrDefault.ValidationFraction, FeatureDim = d.Features,
            TestImages = Int(c, "testImages"), GridHeight = Int(c, "gridHeight"), GridWidth = Int(c, "gridWidth"),
            MaxBlobSize = Int(c, "maxBlob"), NoiseSigma = c.Options!["noise"], Seed = (ulong)Int(c, "dataSeed"),
        };
    }

    private static int Int(ExperimentConfig c, string key) => (int)c.Options![key];
}
