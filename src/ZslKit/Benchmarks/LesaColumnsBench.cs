// LesaColumnsBench.cs - `zsl bench lesa-columns`: what training on a batch's annotated label columns only saves
// (LesaTask.AnnotatedColumnsOnly) with Open Images-like labels: each image annotates `annotated` of the `labels` seen
// labels (±1, a `positive-rate` share of them positive) and leaves the rest 0. One repetition = forward, loss and
// backward of a Table 1 row (`row`) on one batch over all S columns, alternating with the same over the K annotated
// columns and their label vectors (the same loss; the run checks it). No optimiser step (it does not depend on K).
using ZslKit.Data.Datasets;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Times a training step's forward + loss + backward over all label columns vs the annotated ones.</summary>
public sealed class LesaColumnsBench : IBenchTarget
{
    public string Name => "lesa-columns";
    public string Description => "Training step (forward, loss, backward) of a Table 1 row over all seen-label columns vs the batch's annotated ones (Open Images-like labels).";
    public bool HasTwin => false;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["row"] = "lesa", ["batch"] = "32", ["grid"] = "14", ["dim"] = "512", ["hidden"] = "512", ["modules"] = "10", ["labels"] = "7186",
        ["word-dim"] = "300", ["annotated"] = "10", ["positive-rate"] = "0.3", ["seed"] = "0",
    };

    /// <summary>The 'row' setting, one of the Table 1 rows (<see cref="LesaTable1.Rows"/>).</summary>
    private string Row(BenchSettings s)
    {
        var row = s.String("row");
        if (!LesaTable1.Rows.Contains(row))
            throw new ArgumentException($"{Name}: setting 'row' must be one of {string.Join(", ", LesaTable1.Rows)}, got '{row}'");
        return row;
    }

    public void Validate(BenchSettings settings, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Row(settings);
    }

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var row = Row(s);
        int batch = s.Int("batch"), labels = s.Int("labels"), annotated = s.Int("annotated"), seed = s.Int("seed", 0);
        if (annotated > labels) throw new ArgumentException($"{Name}: setting 'annotated' ({annotated}) must be <= 'labels' ({labels})");
        double positiveRate = s.Double("positive-rate");
        var cfg = LesaStepBench.Config(s);
        var dev = context.Device;
        // A one-item store only gives the dataset its shapes; the batch below is random.
        using var store = new SyntheticFeatureStore(1, cfg.RegionCount, cfg.FeatureDim, labels + 1, Data.FeatureStore.FeatureDType.Fp16, 0.5, seed);
        var semantics = Data.Synthetic.LabelSemantics.StandIn((ulong)seed, seen: labels, unseen: 1, dim: cfg.WordDim, clusters: 8);
        var data = new FeatureStoreRegions(store.Store, store.Store, semantics, [.. Enumerable.Range(0, labels)],
            [.. Enumerable.Range(0, labels + 1)], validationImages: 0, "bench shapes");
        using var model = LesaTable1.Create(row, data, cfg.AttentionHidden, seed, cfg.Modules);
        if (!model.SeparableLabelColumns) throw new ArgumentException($"{Name}: row '{row}' ({model.Name}) always trains on every column");
        model.Module.to(dev);
        model.Module.train();

        var random = new Random(seed);
        var host = new sbyte[batch * labels];                                                      // [B, S]: `annotated` ±1 per image, else 0
        for (int i = 0; i < batch; i++)
            foreach (var c in Enumerable.Range(0, labels).OrderBy(_ => random.Next()).Take(annotated))
                host[i * labels + c] = random.NextDouble() < positiveRate ? (sbyte)1 : (sbyte)-1;
        var kept = AnnotatedColumns.Of(host, labels);
        int maxPositives = Losses.MaxPositives.Of(host, labels);
        using var outer = torch.NewDisposeScope();
        var x = torch.randn([batch, cfg.RegionCount, cfg.FeatureDim], device: dev);              // [B, R, D]
        var all = torch.tensor<sbyte>(host.AsSpan(), [batch, labels]).to(ScalarType.Float32, dev); // [B, S]
        var some = torch.tensor<sbyte>(AnnotatedColumns.Select(host, labels, kept).AsSpan(), [batch, kept.Length]).to(ScalarType.Float32, dev);   // [B, K]
        var vectors = LesaBatches.LabelVectors(data).narrow(0, 0, labels).to(dev);               // [S, dv]
        var index = torch.tensor<long>(kept.Select(c => (long)c).ToArray().AsSpan(), [kept.Length]).to(dev);   // [K]
        Tensor Step(bool annotatedOnly)
        {
            foreach (var p in model.Module.parameters()) p.grad = null;
            using var scope = torch.NewDisposeScope();
            var loss = annotatedOnly ? model.Loss(x, some, vectors.index_select(0, index), maxPositives)   // [K] columns
                                     : model.Loss(x, all, vectors, maxPositives);                            // [S] columns
            loss.backward();
            return loss.detach().MoveToOuterDisposeScope();
        }
        double lossAll = Step(false).to(ScalarType.Float64).item<double>(), lossSome = Step(true).to(ScalarType.Float64).item<double>();
        if (!(Math.Abs(lossAll - lossSome) <= 1e-4 * (1 + Math.Abs(lossAll))))
            throw new InvalidOperationException($"{Name}: the loss over {kept.Length} annotated columns ({lossSome:R}) differs from the loss over all {labels} ({lossAll:R})");
        var clock = SystemBenchClock.Instance;
        BenchSample Annotated()
        {
            double w0 = clock.WallSeconds, c0 = clock.CpuSeconds;
            Step(true).Dispose();
            context.Sync();
            return new BenchSample(clock.WallSeconds - w0, clock.CpuSeconds - c0);
        }
        var (full, part) = BenchHarness.Measure(() => Step(false).Dispose(), context.Repetitions, context.Sync, Annotated, progress: context.Log);
        var a = new BenchMeasurement($"{model.Name}: forward + loss + backward over all {labels} columns", batch, "images", full, null);
        var b = new BenchMeasurement($"{model.Name}: the same over the {kept.Length} annotated columns", batch, "images", part!, null);
        var metrics = new Dictionary<string, double>
        {
            ["annotatedColumns"] = kept.Length,
            ["allOverAnnotatedWall"] = full.Wall.Median / part!.Wall.Median,
            ["lossAllColumns"] = lossAll,
            ["lossAnnotatedColumns"] = lossSome,
        };
        return new BenchTargetResult([a, b], metrics,
            [$"{annotated} annotated labels per image ({positiveRate:P0} positive) give K = {kept.Length} of {labels} columns in a batch of {batch}; " +
             "repetitions alternate all and annotated columns; the two losses agree (checked before timing)"]);
    }
}
