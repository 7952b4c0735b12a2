// LesaExperiment.cs - the rows of Table 1 of Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label
// Zero-Shot Learning" (CVPR 2020) as runs described by an ExperimentConfig: the config names the row, the synthetic
// benchmark's size, the optimiser (TF-style RMSprop), the LESA lr rule, the loss weights (λ_rel, λ_div, λ_dist) and the
// widths; ExperimentRunner trains it with the generic Trainer (checkpoints, resume, NaN stop, progress) into
// artifacts/runs/lesa/<experiment>/<config hash>/, and a finished run is reused instead of retrained. Two label spaces:
// NUS-WIDE (925 / 81; K 3, 5; selection on validation F1@5) and Open Images v4 (7,186 / 400; K 10, 20; selection on
// validation mAP, lr-rule patience 2), each as the synthetic benchmark or real region-feature stores.
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

    /// <summary>The synthetic benchmark in Open Images' label space: the real OI label names (7,186 seen / 400 unseen) with
    /// generated stand-in vectors (no OI word vectors exist in the shared data). Synthetic.</summary>
    public const string SyntheticOpenImages = "synthetic-openimages";

    /// <summary>The Open Images-shaped synthetic benchmark with stand-in names too (the OI label lists were not found).</summary>
    public const string SyntheticOpenImagesStandIn = "synthetic-openimages-standin";

    /// <summary>Real Open Images v4 region features in feature stores <see cref="OpenImagesFeaturesDir"/>/train, /test and
    /// (optional) /validation; the label semantics need word vectors, which the shared data lacks (docs/lesa.md).</summary>
    public const string OpenImages = "openimages";

    /// <summary>Overrides where the Open Images feature stores are looked for.</summary>
    public const string OpenImagesFeaturesVariable = "ZSLKIT_OI_FEATURES";

    /// <summary>Without a validation/ store, the first this many Open Images training items are the validation split (our
    /// choice; the official script reads a separate validation TFRecord).</summary>
    public const int OpenImagesValidationImages = 5000;

    /// <summary>$ZSLKIT_OI_FEATURES, else &lt;data&gt;/openimages-v4/features (null when no data folder is known).</summary>
    public static string? OpenImagesFeaturesDir(string? dataDir = null)
    {
        var env = Environment.GetEnvironmentVariable(OpenImagesFeaturesVariable);
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        var root = dataDir ?? SharedData.Find();
        return root is null ? null : Path.Combine(root, "openimages-v4", "features");
    }

    /// <summary>True when the Open Images train and test feature stores and the OI label lists are present.</summary>
    public static bool HasOpenImagesFeatures(string? dataDir = null) =>
        OpenImagesFeaturesDir(dataDir) is { } dir && Directory.Exists(Path.Combine(dir, "train")) && Directory.Exists(Path.Combine(dir, "test")) &&
        LabelSemantics.HasOpenImages(dataDir ?? SharedData.Find());

    /// <summary>True for the dataset names of the Open Images label space.</summary>
    public static bool IsOpenImages(string dataset) => dataset is SyntheticOpenImages or SyntheticOpenImagesStandIn or OpenImages;

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

    /// <summary>Option keys of an Open Images-shaped synthetic config: <see cref="OptionKeys"/> plus labels per image and topics.</summary>
    public static IReadOnlyList<string> OpenImagesOptionKeys { get; } = [.. OptionKeys, "minLabels", "maxLabels", "topics"];

    /// <summary>Keys of <see cref="ExperimentConfig.LossWeights"/>: λ_rel, λ_div, λ_dist (L_rank always has weight 1).</summary>
    public static IReadOnlyList<string> LossWeightKeys { get; } = ["rel", "div", "dist"];

    /// <summary>
    /// The config of one Table 1 row under a preset: the preset's benchmark, widths and protocol, the paper's loss weights
    /// (λ_rel 0.001, λ_div 0.01, λ_dist 0.1), the protocol's selection metric (validation F1@5; mAP for Open Images). The
    /// dataset is <see cref="SyntheticNusWide"/> when the real GloVe vectors are found (<paramref name="dataDir"/>, default
    /// <see cref="SharedData.Find"/>), else <see cref="SyntheticStandIn"/>; for an Open Images preset
    /// <see cref="SyntheticOpenImages"/> when the OI label lists are found, else <see cref="SyntheticOpenImagesStandIn"/>.
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
        var protocol = preset.ProtocolOrDefault;
        string dataset = preset.IsOpenImages
            ? LabelSemantics.HasOpenImages(dataDir ?? SharedData.Find()) ? SyntheticOpenImages : SyntheticOpenImagesStandIn
            : LabelSemantics.HasNusWide(dataDir ?? SharedData.Find()) ? SyntheticNusWide : SyntheticStandIn;
        var options = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["M"] = preset.Modules, ["hidden"] = preset.Hidden, ["gridHeight"] = b.GridHeight, ["gridWidth"] = b.GridWidth,
            ["maxBlob"] = b.MaxBlobSize, ["testImages"] = b.TestImages, ["noise"] = b.NoiseSigma, ["dataSeed"] = b.Seed,
            ["revision"] = Revision,
        };
        if (preset.IsOpenImages)
        {
            options["minLabels"] = b.MinLabelsPerImage;
            options["maxLabels"] = b.MaxLabelsPerImage;
            options["topics"] = b.TopicCount;
        }
        return new ExperimentConfig(
            Paper: Paper, Experiment: experiment, Method: row,
            Dataset: new DatasetConfig(dataset, Synthetic: true, Size: b.TrainImages,
                Features: b.FeatureDim, Labels: 0),
            Seed: seed, Device: device, DType: "float32",
            Optimizer: new OptimizerConfig("rmsprop-tf", Lr: t.LearningRate, Momentum: t.RmsMomentum, Alpha: t.RmsDecay, Eps: t.RmsEpsilon),
            Schedule: new ScheduleConfig("lesa", Factor: t.DecayRate, SignalStrength: t.SignalStrength, Patience: t.Patience),
            LossWeights: new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["rel"] = paper.LambdaRel, ["div"] = paper.LambdaDiv, ["dist"] = paper.LambdaDist,
            },
            Training: new TrainingConfig(Epochs: t.Epochs, BatchSize: t.BatchSize, ValidationFraction: b.ValidationFraction,
                SelectionMetric: protocol.SelectionMetric, Maximize: true, Patience: 0, ClipGradNorm: t.ClipGradNorm, CheckpointEvery: 1),
            Options: options);
    }

    /// <summary>
    /// The config of a Table 1 row on real NUS-WIDE region features with the official protocol: M = 10, H = 512, TF-style
    /// RMSprop (lr 1e-3, decay 0.9, momentum 0.9, eps 1.0), batch 32, the lr rule with patience 5, selection on validation F1@5,
    /// the paper's loss weights. <paramref name="epochs"/> is our choice (the official script's epoch count was not checked).
    /// <paramref name="dataset"/> <see cref="OpenImages"/> gives the Open Images protocol instead: lr rule on validation mAP
    /// with patience 2, selection on validation mAP (official OpenImage_rank_Visual_Word_Attention.py), test K = 10, 20.
    /// </summary>
    public static ExperimentConfig RealConfig(string experiment, string row, int seed, string device = "cpu", int epochs = 20,
        string dataset = NusWide)
    {
        if (dataset is not (NusWide or OpenImages))
            throw new ArgumentException($"real dataset '{dataset}' is not {NusWide} or {OpenImages}", nameof(dataset));
        var paper = new LesaConfig();
        var protocol = LesaProtocol.For(dataset);
        var t = new LesaTrainingOptions { Patience = protocol.Patience };
        return new ExperimentConfig(
            Paper: Paper, Experiment: experiment, Method: row,
            Dataset: new DatasetConfig(dataset, Synthetic: false, Size: 0, Features: paper.FeatureDim, Labels: 0),
            Seed: seed, Device: device, DType: "float32",
            Optimizer: new OptimizerConfig("rmsprop-tf", Lr: t.LearningRate, Momentum: t.RmsMomentum, Alpha: t.RmsDecay, Eps: t.RmsEpsilon),
            Schedule: new ScheduleConfig("lesa", Factor: t.DecayRate, SignalStrength: t.SignalStrength, Patience: t.Patience),
            LossWeights: new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["rel"] = paper.LambdaRel, ["div"] = paper.LambdaDiv, ["dist"] = paper.LambdaDist,
            },
            Training: new TrainingConfig(Epochs: epochs, BatchSize: t.BatchSize, ValidationFraction: 0,
                SelectionMetric: protocol.SelectionMetric, Maximize: true, Patience: 0, CheckpointEvery: 1),
            Options: new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["M"] = paper.Modules, ["hidden"] = paper.AttentionHidden,
                ["validationImages"] = dataset == OpenImages ? OpenImagesValidationImages : FeatureStoreRegions.NusWideValidationImages,
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
        var name = c.DatasetOrDefault.Name;
        if (name is NusWide or OpenImages)
            throw new InvalidOperationException($"config dataset '{name}' is real data, not the synthetic benchmark: use LesaExperiment.Data");
        var bc = BenchmarkConfig(c);
        string? dir = null;
        bool oi = IsOpenImages(name);
        if (name == SyntheticOpenImages)
        {
            dir = dataDir ?? SharedData.Find();
            if (!LabelSemantics.HasOpenImages(dir))
                throw new InvalidOperationException($"dataset '{SyntheticOpenImages}' needs the Open Images label lists of ../shared/data/openimages-v4 " +
                    $"(or ${SharedData.EnvironmentVariable}), which were not found; configs built without them name '{SyntheticOpenImagesStandIn}'");
        }
        if (name == SyntheticNusWide)
        {
            dir = dataDir ?? SharedData.Find();
            if (!LabelSemantics.HasNusWide(dir))
                throw new InvalidOperationException($"dataset '{SyntheticNusWide}' needs the NUS-WIDE GloVe vectors of ../shared/data " +
                    $"(or ${SharedData.EnvironmentVariable}), which were not found; configs built without them name '{SyntheticStandIn}'");
        }
        lock (s_lock)
        {
            if (s_last is { } last && last.Config == bc && last.DataDir == dir && last.OpenImages == oi) return (last.Bench, last.Cache);
            var bench = oi ? MultiLabelBenchmark.CreateOpenImages(bc, dir) : MultiLabelBenchmark.Create(bc, dir);
            s_last = (bc, dir, oi, bench, new LesaFeatureCache(bench));
            return (s_last.Value.Bench, s_last.Value.Cache);
        }
    }

    /// <summary>The config's data: the synthetic benchmark with its in-memory features, or the real NUS-WIDE / Open Images
    /// feature stores (read batch by batch; no cache). The last one opened is kept for the next run.</summary>
    public static (IMultiLabelRegions Data, LesaFeatureCache? Cache) Data(ExperimentConfig config, string? dataDir = null)
    {
        var c = Check(config);
        if (c.DatasetOrDefault.Name == OpenImages) return (OpenImagesData(c, dataDir), null);
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

    /// <summary>
    /// Real Open Images v4: the feature stores of <see cref="OpenImagesFeaturesDir"/> and the label lists. Semantics: the real
    /// word vectors when &lt;data&gt;/openimages-v4 holds w2v_seen.npy and w2v_unseen.npy (<see cref="LabelSemantics.LoadOpenImages"/>),
    /// else the real label names with stand-in vectors (data seed 0; the shared data has none): such a run is not the paper's
    /// protocol and is labelled with the semantics' source. Missing stores stop with the folder named.
    /// </summary>
    private static FeatureStoreRegions OpenImagesData(ExperimentConfig c, string? dataDir)
    {
        var root = dataDir ?? SharedData.Find();
        var dir = OpenImagesFeaturesDir(root);
        if (dir is null || root is null || !LabelSemantics.HasOpenImages(root) ||
            !Directory.Exists(Path.Combine(dir, "train")) || !Directory.Exists(Path.Combine(dir, "test")))
            throw new InvalidOperationException($"dataset '{OpenImages}' needs the Open Images label lists (<data>/openimages-v4) and region " +
                $"feature stores {(dir is null ? "<data>/openimages-v4/features" : dir)}/train and /test (optional /validation), or " +
                $"${OpenImagesFeaturesVariable}; data folder: {root ?? "not found"} (docs/lesa.md, 'Open Images')");
        lock (s_lock)
        {
            int validation = Int(c, "validationImages");
            if (s_realOi is { } r && r.Dir == dir && r.Validation == validation) return r.Data;
            s_realOi?.Data.Dispose();
            var labels = OpenImagesLabels.Load(Path.Combine(root, "openimages-v4"));
            var semantics = LabelSemantics.HasOpenImagesVectors(root) ? LabelSemantics.LoadOpenImages(root) : LabelSemantics.LoadOpenImagesNames(root, 0);
            var data = FeatureStoreRegions.OpenOpenImages(dir, semantics, labels.UnseenRows, validation);
            s_realOi = (dir, validation, data);
            return data;
        }
    }

    private static (string Dir, int Validation, FeatureStoreRegions Data)? s_real, s_realOi;
    private static readonly Lock s_lock = new();
    private static (MultiLabelBenchmarkConfig Config, string? DataDir, bool OpenImages, MultiLabelBenchmark Bench, LesaFeatureCache Cache)? s_last;

    /// <summary>A freshly initialised model for the config's row (parameters drawn after torch.manual_seed(seed)), with the
    /// config's M, hidden width and loss weights.</summary>
    public static ILesaTrainable CreateModel(ExperimentConfig config, IMultiLabelRegions bench)
    {
        var c = Check(config);
        ArgumentNullException.ThrowIfNull(bench);
        if (c.Method == "attention-per-cluster" && Int(c, "M") > bench.SeenCount)
            throw new ArgumentException($"config field 'options.M': {SeenLabelsMessage(Int(c, "M"), bench.SeenCount)}", nameof(config));
        var w = c.LossWeights!;
        return LesaTable1.Create(c.Method, bench, Int(c, "hidden"), c.Seed, Int(c, "M"),
            lc => lc with { LambdaRel = w["rel"], LambdaDiv = w["div"], LambdaDist = w["dist"] });
    }

    /// <summary>Trains the config into its run folder (or returns the finished run already there) and returns the record.
    /// Test metrics (percentages as fractions): "zs/…" over the unseen labels and "gzs/…" over all labels, for the selected
    /// model (best validation F1@5; mAP on Open Images) and, prefixed "final/", for the model after the last epoch; each has
    /// map and p@K, r@K, f1@K for K = 3, 5 (NUS-WIDE) or 10, 20 (Open Images).</summary>
    public static RunRecord Run(ExperimentConfig config, RunOptions options) =>
        ExperimentRunner.Run(Check(config), options, c =>
        {
            var (bench, cache) = Data(c);
            var model = CreateModel(c, bench);
            var task = new LesaTask(model, bench, cache, c.TrainingOrDefault.BatchSize, c.Device, LesaProtocol.For(c.DatasetOrDefault.Name).Ks)
            {
                ScoringGraphs = c.TrainingOrDefault.CudaGraph ? CudaStepGraphs.Instance : null,   // evaluation passes replay one captured scoring too
            };
            var opt = Optimizers.Create(c.OptimizerOrDefault, model.Module.parameters());
            return new TrainingSetup<LesaBatch>(task, opt, () => { opt.Dispose(); task.Dispose(); });
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
    /// quick preset's config as defaults and the notebooks' presets by name (<see cref="TrainPresets"/>).</summary>
    public static void Register()
    {
        foreach (var row in LesaTable1.Rows)
            MethodRegistry.Register(new MethodEntry(row, $"LESA Table 1 row '{row}' on the synthetic multi-label benchmark (quick preset)",
                Config(LesaPresets.Quick, "train", row, 0), Run, TrainPresets(row), Check));
    }

    /// <summary>The `zsl train --preset` names of a Table 1 row: the notebooks' synthetic presets (NUS-WIDE- and Open
    /// Images-shaped, quick and full) and the official protocol on real features (<see cref="RealConfig"/>).</summary>
    public static IReadOnlyList<MethodPreset> TrainPresets(string row) =>
    [
        new("quick", "synthetic, NUS-WIDE label space, 7x7 x 64, 4 epochs (the default)", () => Config(LesaPresets.Quick, "train", row, 0)),
        new("full", "synthetic, NUS-WIDE label space, 14x14 x 128, 10 epochs", () => Config(LesaPresets.Full, "train", row, 0)),
        new("openimages-quick", "synthetic, Open Images label space (7,186 + 400), 5x5 x 64, 3 epochs, K 10/20",
            () => Config(LesaPresets.OpenImagesQuick, "train", row, 0)),
        new("openimages-full", "synthetic, Open Images label space, 14x14 x 128, 10 epochs, K 10/20",
            () => Config(LesaPresets.OpenImagesFull, "train", row, 0)),
        new("nus-wide", "real NUS-WIDE features (data-scripts/), official protocol", () => RealConfig("train", row, 0, dataset: NusWide)),
        new("openimages", "real Open Images features (data-scripts/), official protocol", () => RealConfig("train", row, 0, dataset: OpenImages)),
    ];

    /// <summary>Validates the config and its LESA-specific fields; names the first bad one.</summary>
    public static ExperimentConfig Check(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = config.Validate();
        void Fail(string field, string why) => throw new ArgumentException($"config field '{field}': {why}", field);
        if (!LesaTable1.Rows.Contains(c.Method)) Fail("method", $"'{c.Method}' is not a LESA Table 1 row ({string.Join(", ", LesaTable1.Rows)})");
        var d = c.DatasetOrDefault;
        if (d.Name is not (SyntheticNusWide or SyntheticStandIn or NusWide or SyntheticOpenImages or SyntheticOpenImagesStandIn or OpenImages))
            Fail("dataset.name", $"'{d.Name}' is not {SyntheticNusWide}, {SyntheticStandIn}, {NusWide}, {SyntheticOpenImages}, " +
                $"{SyntheticOpenImagesStandIn} or {OpenImages}");
        bool real = d.Name is NusWide or OpenImages;
        if (d.Synthetic == real) Fail("dataset.synthetic", real ? $"must be false for '{d.Name}'" : "must be true for the synthetic benchmark");
        if (c.OptimizerOrDefault.Name != "rmsprop-tf" && c.OptimizerOrDefault.Name != "rmsprop" && c.OptimizerOrDefault.Name != "adam")
            Fail("optimizer.name", $"'{c.OptimizerOrDefault.Name}': LESA runs use rmsprop-tf (official), rmsprop or adam");
        var optionKeys = real ? RealOptionKeys : IsOpenImages(d.Name) ? OpenImagesOptionKeys : OptionKeys;
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
        // Whole-number options and their ranges (M and hidden as LesaConfig's), checked before any int cast.
        foreach (var key in optionKeys)
        {
            (int Min, int Max)? range = key switch
            {
                "M" => (1, LesaConfig.MaxModules),
                "hidden" => (1, LesaConfig.MaxWidth),
                "gridHeight" or "gridWidth" => (1, LesaConfig.MaxGridSide),
                "dataSeed" => (0, int.MaxValue),
                "maxBlob" or "testImages" or "validationImages" or "minLabels" or "maxLabels" or "topics" => (1, int.MaxValue),
                _ => null,
            };
            if (range is not { } r) continue;
            var v = c.Options[key];
            if (!(v >= r.Min && v <= r.Max) || v != Math.Floor(v))
                Fail($"options.{key}", string.Create(CultureInfo.InvariantCulture, $"{v} must be a whole number in [{r.Min}, {r.Max}]"));
        }
        // One Attention per Cluster makes one k-means cluster per module: M can be at most the seen labels (925 on NUS-WIDE;
        // Open Images' 7,186 exceed every allowed M).
        if (c.Method == "attention-per-cluster" && !IsOpenImages(d.Name) && c.Options["M"] > NusWideSeenLabels)
            Fail("options.M", SeenLabelsMessage((int)c.Options["M"], NusWideSeenLabels));
        if (c.Options["revision"] != Revision)
            Fail("options.revision", $"{c.Options["revision"].ToString(CultureInfo.InvariantCulture)} was written by other LESA code; this " +
                $"build is revision {Revision} (retrain: the config with the current revision is a new run)");
        if (!real) BuildBenchmarkConfig(c).Validate();
        return c;
    }

    private static MultiLabelBenchmarkConfig BuildBenchmarkConfig(ExperimentConfig c)
    {
        var d = c.DatasetOrDefault;
        var b = new MultiLabelBenchmarkConfig
        {
            TrainImages = d.Size, ValidationFraction = c.TrainingOrDefault.ValidationFraction, FeatureDim = d.Features,
            TestImages = Int(c, "testImages"), GridHeight = Int(c, "gridHeight"), GridWidth = Int(c, "gridWidth"),
            MaxBlobSize = Int(c, "maxBlob"), NoiseSigma = c.Options!["noise"], Seed = (ulong)Int(c, "dataSeed"),
        };
        if (!IsOpenImages(d.Name)) return b;
        return b with { MinLabelsPerImage = Int(c, "minLabels"), MaxLabelsPerImage = Int(c, "maxLabels"), TopicCount = Int(c, "topics") };
    }

    /// <summary>Seen labels of the NUS-WIDE label space (real and synthetic): 1,000 tags less the 75 that are concepts.</summary>
    private const int NusWideSeenLabels = 925;

    private static string SeenLabelsMessage(int modules, int seen) =>
        $"options.M = {modules} exceeds the {seen} seen labels (attention-per-cluster makes one cluster per module)";

    /// <summary>A whole-number option (its range is checked by <see cref="Check"/>).</summary>
    private static int Int(ExperimentConfig c, string key) => (int)c.Options![key];
}
