// LesaEpochBench.cs - `zsl bench lesa-epoch`: LESA training throughput (images/s) streaming a feature store of the real
// NUS-WIDE shapes ([196, 512] region features, 925 seen labels) from disk: shuffled prefetched batches -> tensors on the
// device -> training step. `images` is small by default (seconds on a CPU); raise it on a GPU. The projection to a
// 129K-image epoch is compared with the official BiAM log's ≈ 550 s per NUS-WIDE epoch (an outside anchor).
// With `--set prefetch-trainer=N` the epoch runs through the generic Trainer instead (LesaTask over the store as a
// FeatureStoreRegions dataset, TF-style RMSprop), timed with Trainer.PrefetchDepth N alternating with prefetch off; adding
// `--set graph=on` (CUDA) alternates graph training steps (training.cudaGraph) with eager steps instead, both at prefetch N.
using ZslKit.Data.Datasets;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Training;
using ZslKit.Losses;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Times LESA training epochs over a streamed feature store.</summary>
public sealed class LesaEpochBench : IBenchTarget
{
    private readonly IStepGraphBackend? _graphBackend;

    public LesaEpochBench() { }

    /// <summary>For tests: graph=on uses <paramref name="graphBackend"/> (e.g. the eager-replay backend, allowed on the CPU)
    /// instead of CUDA graphs.</summary>
    internal LesaEpochBench(IStepGraphBackend graphBackend) => _graphBackend = graphBackend;

    /// <summary>Images of the BiAM NUS-WIDE training epoch used as the outside anchor (≈ 550 s in its official log).</summary>
    public const int AnchorImages = 129_000;

    public string Name => "lesa-epoch";
    public string Description => "LESA training epoch streamed from a feature store of NUS-WIDE shapes (images/s; projection to a 129K-image epoch).";
    public bool HasTwin => false;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["images"] = "256", ["batch"] = "32", ["grid"] = "14", ["dim"] = "512", ["hidden"] = "512", ["modules"] = "10", ["labels"] = "925",
        ["word-dim"] = "300", ["dtype"] = "fp16", ["prefetch"] = "4", ["positive-rate"] = "0.01", ["seed"] = "0",
        ["prefetch-trainer"] = "off", ["graph"] = "off",
    };

    /// <summary>Unseen labels of the trainer mode's dataset (NUS-WIDE's 81; the store gets labels + 81 columns).</summary>
    private const int TrainerUnseen = 81;

    /// <summary>The mode of the settings: the Trainer's prefetch depth (null: the raw loop, prefetch-trainer=off) and whether
    /// graph=on; checks dtype too, so a bad value fails before any work.</summary>
    private (int? TrainerDepth, bool Graph) Mode(BenchSettings s, torch.Device dev)
    {
        SyntheticFeatureStore.ParseDType(s);
        // A test backend (eager replay) is allowed on any device; CUDA graphs need CUDA.
        bool graph = LesaStepBench.CudaGraph(s, Name, _graphBackend is null ? dev : torch.CUDA);
        var mode = s.String("prefetch-trainer");
        int? depth = string.Equals(mode, "off", StringComparison.OrdinalIgnoreCase) ? null
            : int.TryParse(mode.Replace("_", ""), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
            : throw new ArgumentException($"{Name}: setting 'prefetch-trainer' must be off or a positive integer, got '{mode}'");
        if (graph && depth is null)
            throw new ArgumentException($"{Name}: graph=on times Trainer epochs with training.cudaGraph; add --set prefetch-trainer=N (trainer mode)");
        return (depth, graph);
    }

    public void Validate(BenchSettings settings, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Mode(settings, device);
    }

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        int images = s.Int("images"), batch = s.Int("batch"), labels = s.Int("labels");
        var cfg = LesaStepBench.Config(s);
        var dev = context.Device;
        var (trainerDepth, graph) = Mode(s, dev);
        if (trainerDepth is { } depth) return RunTrainer(context, depth, graph ? _graphBackend ?? CudaStepGraphs.Instance : null);
        context.Log($"lesa-epoch: writing {images} items of [{cfg.RegionCount}, {cfg.FeatureDim}] {s.String("dtype")} to a temporary folder");
        using var store = new SyntheticFeatureStore(images, cfg.RegionCount, cfg.FeatureDim, labels, SyntheticFeatureStore.ParseDType(s),
            s.Double("positive-rate"), s.Int("seed", 0));
        var stream = store.Store.Batches(batch, seed: s.Int("seed", 0), prefetch: s.Int("prefetch"));
        using var outer = torch.NewDisposeScope();
        using var model = LesaStepBench.Model(s, cfg, dev);
        using var opt = LesaStepBench.Optimizer(model);
        var vecs = torch.randn([labels, cfg.WordDim], device: dev);                               // [C, dv]
        int epoch = 0;
        void Rep()
        {
            foreach (var b in stream.Epoch(epoch++))
                using (b)
                {
                    using var scope = torch.NewDisposeScope();
                    int n = b.Count;
                    var x = torch.tensor<float>(b.Features.AsSpan(0, n * cfg.RegionCount * cfg.FeatureDim), [n, cfg.RegionCount, cfg.FeatureDim]).to(dev); // [n, R, D]
                    var y = torch.tensor<sbyte>(b.Labels.AsSpan(0, n * labels), [n, labels]).to(ScalarType.Float32, dev);                            // [n, C]
                    opt.zero_grad();
                    var loss = LesaObjective.Compute(model.forward(x, vecs), y, cfg, maxPositives: MaxPositives.Of(b.Labels.AsSpan(0, n * labels), labels)).Total;
                    loss.backward();
                    opt.step();
                }
        }
        var metrics = new Dictionary<string, double>();
        bool peakArmed = context.ResetPeakMemory();
        var (ours, _) = BenchHarness.Measure(Rep, context.Repetitions, context.Sync, progress: context.Log);
        context.RecordPeakMemory(metrics, peakArmed);
        var m = new BenchMeasurement($"epoch of {images} images", images, "images", ours, null);
        metrics["epochSecondsAt129kImages"] = AnchorImages / m.Throughput;
        metrics["biamAnchorEpochSeconds"] = 550;
        metrics["storeWriteSeconds"] = store.WriteSeconds;
        return new BenchTargetResult([m], metrics, ["BiAM anchor: ≈ 550 s per NUS-WIDE training epoch of ≈ 129K images (official log; other model, other GPU)"],
            Cost: EpochCost(images, batch, labels, cfg));
    }

    /// <summary>The matmul FLOPs of one raw-loop epoch: a training step per batch of the store's batches (the last one
    /// possibly smaller), as LesaCost counts them (float32: the raw loop has no autocast or TF32 switch).</summary>
    internal static BenchCost EpochCost(int images, int batch, int labels, LesaConfig cfg)
    {
        double flops = 0;
        for (int done = 0; done < images; done += batch)
            flops += LesaShape.Of(cfg, Math.Min(batch, images - done), labels).StepFlops();
        return new BenchCost(flops, MatmulPrecision.Float32,
            $"matmul FLOPs of the epoch's {(images + batch - 1) / batch} training steps (LesaCost: forward and backward; element-wise work and the store reads left out)");
    }

    /// <summary>Trainer mode: one epoch = Trainer.Fit of a LesaTask over the store (1 epoch, no validation images), timed with
    /// PrefetchDepth <paramref name="depth"/>, each repetition followed by one with prefetch off (same model, optimiser and
    /// batch order), so both series see the same machine load. With <paramref name="graphs"/>: the first series runs graph
    /// training steps through it and the second eager steps, both with prefetch <paramref name="depth"/>.</summary>
    private static BenchTargetResult RunTrainer(BenchContext context, int depth, IStepGraphBackend? graphs)
    {
        var s = context.Settings;
        int images = s.Int("images"), batch = s.Int("batch"), labels = s.Int("labels"), grid = s.Int("grid"), seed = s.Int("seed", 0);
        var dev = context.Device;
        context.Log($"lesa-epoch (trainer, {(graphs is null ? $"prefetch {depth} vs off" : $"prefetch {depth}, graph steps vs eager")}): writing {images} items of [{grid * grid}, {s.Int("dim")}] {s.String("dtype")}");
        using var store = new SyntheticFeatureStore(images, grid * grid, s.Int("dim"), labels + TrainerUnseen,
            SyntheticFeatureStore.ParseDType(s), s.Double("positive-rate"), seed);
        var semantics = ZslKit.Data.Synthetic.LabelSemantics.StandIn((ulong)seed, seen: labels, unseen: TrainerUnseen, dim: s.Int("word-dim"), clusters: 8);
        // The one store serves as train and test split (the Trainer never reads the test split); it stays owned by `store`.
        var data = new FeatureStoreRegions(store.Store, store.Store, semantics, [.. Enumerable.Range(0, labels)],
            [.. Enumerable.Range(0, labels + TrainerUnseen)], validationImages: 0, "synthetic feature store");
        var model = LesaTable1.Create("lesa", data, s.Int("hidden"), seed, s.Int("modules"));
        using var task = new LesaTask(model, data, cache: null, batch, dev.ToString());
        var config = LesaExperiment.RealConfig("bench", "lesa", seed, dev.ToString(), epochs: 1);
        config = config with { Training = config.TrainingOrDefault with { BatchSize = batch, CheckpointEvery = 0 } };
        var opt = Optimizers.Create(config.OptimizerOrDefault, model.Module.parameters());
        try
        {
            var on = graphs is null ? new Trainer<LesaBatch>(task, opt, config) { PrefetchDepth = depth }
                : new Trainer<LesaBatch>(task, opt, config) { PrefetchDepth = depth, GraphBackend = graphs };
            var off = new Trainer<LesaBatch>(task, opt, config) { PrefetchDepth = graphs is null ? 0 : depth };
            var clock = SystemBenchClock.Instance;
            BenchSample Off()
            {
                double w0 = clock.WallSeconds, c0 = clock.CpuSeconds;
                off.Fit();
                context.Sync();
                return new BenchSample(clock.WallSeconds - w0, clock.CpuSeconds - c0);
            }
            var (withPrefetch, without) = BenchHarness.Measure(() => on.Fit(), context.Repetitions, context.Sync, Off, progress: context.Log);
            // The host side alone (feature-store reads + fp16 -> float, labels): the most prefetch can hide per epoch.
            var hostClock = System.Diagnostics.Stopwatch.StartNew();
            foreach (var indices in BatchPrefetcher.Slice([.. Enumerable.Range(0, images)], batch)) task.MakeHostBatch(indices);
            double hostSeconds = hostClock.Elapsed.TotalSeconds;
            var (onName, offName) = graphs is null ? ($"prefetch {depth}", "prefetch off") : ($"prefetch {depth}, graph on", $"prefetch {depth}, graph off");
            var a = new BenchMeasurement($"Trainer epoch of {images} images, {onName}", images, "images", withPrefetch, null);
            var b = new BenchMeasurement($"Trainer epoch of {images} images, {offName}", images, "images", without!, null);
            var metrics = new Dictionary<string, double>
            {
                ["prefetchDepth"] = depth,
                ["offOverOnWall"] = without!.Wall.Median / withPrefetch.Wall.Median,
                ["hostSecondsPerEpoch"] = hostSeconds,
                ["epochSecondsAt129kImages"] = AnchorImages / a.Throughput,
                ["storeWriteSeconds"] = store.WriteSeconds,
            };
            if (graphs is null)
                return new BenchTargetResult([a, b], metrics,
                    ["trainer mode: repetitions alternate prefetch on / off on one model; offOverOnWall > 1 means prefetch helped"]);
            var counts = on.GraphCounts!;   // of the last graph epoch: every Fit warms up and captures anew
            metrics["graph"] = 1;
            metrics["graphWarmupStepsPerEpoch"] = counts.WarmupSteps;
            metrics["graphCapturesPerEpoch"] = counts.Captures;
            metrics["graphReplaysPerEpoch"] = counts.Replays;
            metrics["eagerStepsPerEpoch"] = counts.EagerSteps;
            return new BenchTargetResult([a, b], metrics,
                [$"trainer mode: repetitions alternate graph steps ({graphs.Name}) / eager steps on one model, both with prefetch {depth}; " +
                 "offOverOnWall > 1 means graphs helped; each graph epoch runs its first 3 full batches eagerly and captures once"]);
        }
        finally { (opt as IDisposable)?.Dispose(); }
    }
}
