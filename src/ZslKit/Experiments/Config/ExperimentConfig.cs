// ExperimentConfig.cs - the typed, JSON-serialisable description of one run: dataset, seed, device, dtype, optimiser,
// schedule, loss weights, training length and the model-selection rule. A run is fully described by its config.
using System.Text.Json.Serialization;

namespace ZslKit.Experiments.Config;

/// <summary>Which data a run uses: a real benchmark (read from shared data) or a generated synthetic one of a given size.</summary>
/// <param name="Name">Benchmark name ("nus-wide", "open-images", "cub", ...) or a synthetic generator name.</param>
/// <param name="Synthetic">True for generated stand-in data (reports then show no Δ against the paper).</param>
/// <param name="Size">Number of training examples to generate (synthetic) or to use (real; 0 = all).</param>
public sealed record DatasetConfig(string Name = "synthetic-linear", bool Synthetic = true, int Size = 512, int Features = 16, int Labels = 8);

/// <summary>The optimiser (torch.optim names: "sgd", "rmsprop", "rmsprop-tf", "adam", "adamw") and its hyperparameters.</summary>
public sealed record OptimizerConfig(string Name = "sgd", double Lr = 0.1, double Momentum = 0.0, double WeightDecay = 0.0,
    double Alpha = 0.99, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8)
{
    /// <summary>The optimiser names <see cref="ZslKit.Experiments.Training.Optimizers.Create"/> knows (matched case-insensitively).</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "rmsprop", "rmsprop-tf", "adam", "adamw"];
}

/// <summary>How the learning rate changes between epochs.</summary>
/// <param name="Kind">"constant"; "step" (× Factor every StepEpochs); "moving-average" (× Factor when the mean of the
/// validation metric over the last Window epochs is worse than over the Window epochs before); "lesa" (the LESA
/// reference rule: × Factor when an exponential moving average with SignalStrength drops, then wait Patience epochs,
/// and only while lr ≥ initial lr · LimitScale).</param>
/// <param name="MinLr">The learning rate never goes below this.</param>
public sealed record ScheduleConfig(string Kind = "constant", double Factor = 0.8, int StepEpochs = 10, int Window = 3, double MinLr = 0.0,
    double SignalStrength = 0.3, int Patience = 2, double LimitScale = 1e-3);

/// <summary>Training length, validation hold-out and model selection.</summary>
/// <param name="ValidationFraction">Part of the <em>training</em> examples held out for validation (never the test set).</param>
/// <param name="SelectionMetric">Validation metric used for model selection, early stopping and the moving-average schedule.</param>
/// <param name="Maximize">True when a larger selection metric is better.</param>
/// <param name="Patience">Stop after this many epochs without a better selection metric (0 = never stop early).</param>
/// <param name="ClipGradNorm">Rescale gradients so that their global L2 norm is at most this (null = no clipping).</param>
/// <param name="Bf16Autocast">Mixed precision: forward, loss and evaluation in a bf16 autocast scope on the run's device (meant for CUDA; allowed on CPU for testing; refused with float64).</param>
/// <param name="CheckpointEvery">Write a resumable checkpoint every this many epochs (0 = only at the end).</param>
/// <param name="CudaGraph">Replay each full-size training step as one captured CUDA graph (CUDA only; the task must be an
/// <see cref="Training.IGraphableTask{TBatch}"/>; see Training/GraphSteps.cs). LESA runs also score full-size evaluation
/// batches by replaying one captured scoring (Lesa/LesaScorer.cs; not under bf16 autocast).</param>
/// <param name="Tf32">Float32 matmuls on TF32 tensor cores (torch.set_float32_matmul_precision("high"), i.e.
/// torch.backends.cuda.matmul.allow_tf32) while the run trains and evaluates; the previous precision is restored after.
/// Speeds up CUDA matmuls on Ampere and later at TF32's 10-bit mantissa; changes nothing on the CPU.</param>
public sealed record TrainingConfig(int Epochs = 10, int BatchSize = 32, double ValidationFraction = 0.2,
    string SelectionMetric = "loss", bool Maximize = false, int Patience = 0, double? ClipGradNorm = null,
    bool Bf16Autocast = false, int CheckpointEvery = 1, bool CudaGraph = false, bool Tf32 = false);

/// <summary>A complete run description.</summary>
/// <param name="Paper">Paper key ("lesa", "sgma", "ml2p", "li-wang"): results go under artifacts/runs/&lt;paper&gt;/.</param>
/// <param name="Experiment">Experiment key within the paper (e.g. "table1-nus").</param>
/// <param name="Method">Method key the trainer looks up (e.g. "lesa").</param>
/// <param name="Device">"cpu", "cuda" or "cuda:N".</param>
/// <param name="DType">Parameter dtype: "float32" or "float64".</param>
/// <param name="LossWeights">Named loss weights (e.g. λ of each loss term).</param>
/// <param name="Options">Method-specific numeric options (e.g. number of attention modules "M").</param>
public sealed record ExperimentConfig(
    string Paper = "demo",
    string Experiment = "demo",
    string Method = "linear",
    DatasetConfig? Dataset = null,
    int Seed = 0,
    string Device = "cpu",
    string DType = "float32",
    OptimizerConfig? Optimizer = null,
    ScheduleConfig? Schedule = null,
    SortedDictionary<string, double>? LossWeights = null,
    TrainingConfig? Training = null,
    SortedDictionary<string, double>? Options = null)
{
    [JsonIgnore] public DatasetConfig DatasetOrDefault => Dataset ?? new DatasetConfig();
    [JsonIgnore] public OptimizerConfig OptimizerOrDefault => Optimizer ?? new OptimizerConfig();
    [JsonIgnore] public ScheduleConfig ScheduleOrDefault => Schedule ?? new ScheduleConfig();
    [JsonIgnore] public TrainingConfig TrainingOrDefault => Training ?? new TrainingConfig();

    /// <summary>The config with every section filled in with its defaults (what gets hashed and written).</summary>
    public ExperimentConfig Normalized() => this with
    {
        Dataset = DatasetOrDefault,
        Optimizer = OptimizerOrDefault,
        Schedule = ScheduleOrDefault,
        Training = TrainingOrDefault,
        LossWeights = LossWeights ?? new SortedDictionary<string, double>(StringComparer.Ordinal),
        Options = Options ?? new SortedDictionary<string, double>(StringComparer.Ordinal),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public ExperimentConfig Validate()
    {
        var c = Normalized();
        void Fail(string field, string why) => throw new ArgumentException($"config field '{field}': {why}", field);
        if (string.IsNullOrWhiteSpace(c.Paper)) Fail("paper", "must not be empty");
        if (string.IsNullOrWhiteSpace(c.Experiment)) Fail("experiment", "must not be empty");
        foreach (var (field, value) in new[] { ("paper", c.Paper), ("experiment", c.Experiment) })
            if (value.IndexOfAny(['/', '\\', ':']) >= 0 || value is "." or "..") Fail(field, $"'{value}' is not a folder name");
        if (string.IsNullOrWhiteSpace(c.Method)) Fail("method", "must not be empty");
        if (c.DType is not ("float32" or "float64")) Fail("dType", $"{Show(c.DType)} is not float32 or float64");
        try { _ = Torch.torch.device(c.Device); }
        catch (ArgumentException) { Fail("device", $"{Show(c.Device)} is not cpu, cuda or cuda:N (N = 0, 1, ...)"); }
        var t = c.Training!;
        if (t.Epochs < 1) Fail("training.epochs", $"{t.Epochs} must be >= 1");
        if (t.BatchSize < 1) Fail("training.batchSize", $"{t.BatchSize} must be >= 1");
        if (t.ValidationFraction is < 0 or >= 1) Fail("training.validationFraction", $"{t.ValidationFraction} must be in [0, 1)");
        if (t.Patience < 0) Fail("training.patience", $"{t.Patience} must be >= 0");
        if (t.ClipGradNorm is <= 0) Fail("training.clipGradNorm", $"{t.ClipGradNorm} must be > 0 (or null for no clipping)");
        if (t.CheckpointEvery < 0) Fail("training.checkpointEvery", $"{t.CheckpointEvery} must be >= 0");
        var o = c.Optimizer!;
        if (!OptimizerConfig.Names.Contains(o.Name?.ToLowerInvariant()))
            Fail("optimizer.name", $"{Show(o.Name)} is not {string.Join(", ", OptimizerConfig.Names.SkipLast(1))} or {OptimizerConfig.Names[^1]}");
        if (!(o.Lr > 0)) Fail("optimizer.lr", $"{o.Lr} must be > 0");
        var s = c.Schedule!;
        if (s.Kind is not ("constant" or "step" or "moving-average" or "lesa")) Fail("schedule.kind", $"{Show(s.Kind)} is not constant, step, moving-average or lesa");
        if (s.SignalStrength is <= 0 or > 1) Fail("schedule.signalStrength", $"{s.SignalStrength} must be in (0, 1]");
        if (s.Patience < 0) Fail("schedule.patience", $"{s.Patience} must be >= 0");
        if (!(s.Factor > 0)) Fail("schedule.factor", $"{s.Factor} must be > 0");
        if (s.StepEpochs < 1) Fail("schedule.stepEpochs", $"{s.StepEpochs} must be >= 1");
        if (s.Window < 1) Fail("schedule.window", $"{s.Window} must be >= 1");
        var d = c.Dataset!;
        if (d.Size < 0) Fail("dataset.size", $"{d.Size} must be >= 0");
        if (string.IsNullOrWhiteSpace(t.SelectionMetric)) Fail("training.selectionMetric", "must not be empty");
        return c;
    }

    /// <summary>A string field's value as messages show it: quoted, or null (a JSON null the deserializer let through).</summary>
    private static string Show(string? value) => value is null ? "null" : $"'{value}'";
}
