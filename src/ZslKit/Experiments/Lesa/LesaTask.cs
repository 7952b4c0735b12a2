// LesaTask.cs - a LESA Table 1 model on a multi-label region dataset (synthetic benchmark or real feature stores) as the generic Trainer's task: batches of
// region features and seen labels, the model's own loss, validation F1@5 / mAP on the benchmark's validation images
// (a fixed hold-out: the synthetic benchmark's validation images, or the first 5,000 NUS-WIDE training images), and ZS / GZS test metrics of the selected
// model and of the model after the last epoch (Huynh & Elhamifar, CVPR 2020, Sec. 5.1), at the dataset's K (LesaProtocol:
// 3, 5 on NUS-WIDE; 10, 20 on Open Images). As an IGraphableTask its loss also runs from static buffers (training.cudaGraph),
// with the ranking loss's positives bound fixed to the most positives of any image of the fit split.
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Training;
using ZslKit.Metrics;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Experiments.Lesa;

/// <summary>Training indices 0..T-1 are the benchmark's training images, T..T+V-1 its validation images.</summary>
public sealed class LesaTask : IPrefetchableTask<LesaBatch>, IGraphableTask<LesaBatch>, ILossTermsTask<LesaBatch>, IFixedHoldOut, IDatasetFingerprint, IDisposable
{
    private readonly ILesaTrainable _model;
    private readonly IMultiLabelRegions _bench;
    private readonly LesaFeatureCache? _cache;
    private readonly int _batchSize;
    private readonly torch.Device _device;
    private readonly int _train, _validation;
    /// <summary>K of the validation F1 (the official NUS-WIDE selection metric, F1@5).</summary>
    public const int ValidationK = 5;

    private readonly IReadOnlyList<int> _ks;
    private readonly Tensor _vectors, _seenVectors;   // [L, dv], [S, dv]
    private Dictionary<string, Tensor>? _last;

    /// <param name="cache">Region features held in memory (synthetic benchmark); null reads every batch from the dataset.</param>
    /// <param name="ks">K of the test P/R/F1 metrics (default 3, 5: NUS-WIDE; Open Images uses 10, 20).</param>
    public LesaTask(ILesaTrainable model, IMultiLabelRegions bench, LesaFeatureCache? cache, int batchSize, string device = "cpu",
        IReadOnlyList<int>? ks = null)
    {
        _ks = ks ?? LesaProtocol.NusWide.Ks;
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _bench = bench ?? throw new ArgumentNullException(nameof(bench));
        LesaEvaluation.CheckKs(_ks, bench.UnseenCount, nameof(ks));   // the test metrics rank the unseen labels: fail now, not after training
        if (bench.SeenCount < ValidationK)   // validation ranks the seen labels (F1@5) after every epoch: fail now, not after the first
            throw new ArgumentException($"LesaTask: validation computes F1@{ValidationK} over the seen labels, but the benchmark has {bench.SeenCount}", nameof(bench));
        _cache = cache;
        if (cache is not null && !ReferenceEquals(cache.Benchmark, bench)) throw new ArgumentException("the feature cache holds another benchmark's features", nameof(cache));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _batchSize = batchSize;
        _device = ParseDevice(device);
        _train = bench.ImageCount(MultiLabelSplit.Train);
        _validation = bench.ImageCount(MultiLabelSplit.Validation);
        model.Module.to(_device);
        using (var cpuVectors = LesaBatches.LabelVectors(bench)) _vectors = cpuVectors.to(_device).DetachFromDisposeScope();
        _seenVectors = _vectors.narrow(0, 0, bench.SeenCount).DetachFromDisposeScope();
        Model = new ModuleModel(model.Module);
        HoldOut = new HoldOutSplit(Enumerable.Range(0, _train).ToArray(), Enumerable.Range(_train, _validation).ToArray());
    }

    public ITrainableModel Model { get; }

    public int TrainingExamples => _train + _validation;

    public HoldOutSplit HoldOut { get; }

    public IDatasetFingerprint Dataset => this;

    public string DatasetDescription => _bench.Description;

    public string Fingerprint => _bench.Fingerprint;

    /// <summary>Features [B, R, D] and seen labels [B, S] (+1/−1/0 as float) of training or validation images, and the most
    /// positives of one image (counted on the host, so the loss reads nothing back from the device).</summary>
    public LesaBatch MakeBatch(int[] indices) => MakeBatch(MakeHostBatch(indices));

    /// <summary>Region features [B·R·D] (float) and seen labels [B·S] (int8) of the images, from the feature cache or the
    /// dataset. Thread-safe: the synthetic benchmark and the feature cache are immutable once built (the cache fills under
    /// a lock), and feature stores are read through memory maps.</summary>
    public HostBatch MakeHostBatch(int[] indices)
    {
        var (split, local) = Locate(indices);
        var (feats, labels) = LesaBatches.HostArrays(_bench, split, local, _cache);
        return new HostBatch(indices, HostArray.Of(feats, local.Length, _bench.RegionCount, _bench.FeatureDim),
            HostArray.Of(labels, local.Length, _bench.LabelCount(split)));
    }

    /// <summary>Pass only the batch's annotated label columns (and their vectors) to a model whose loss allows it
    /// (<see cref="ILesaTrainable.SeparableLabelColumns"/>): the same loss and gradients, computed over K instead of S labels
    /// when a batch leaves columns unannotated (real Open Images: a few hundred of 7,186 per batch). Default true; it changes
    /// nothing where every column is annotated in every batch (NUS-WIDE, the synthetic benchmarks).</summary>
    public bool AnnotatedColumnsOnly { get; init; } = true;

    /// <summary>The batch on the task's device; the int8 labels cross to the device first and become float there, and
    /// their most positives per image are counted here, on the host. With <see cref="AnnotatedColumnsOnly"/> the labels
    /// keep only the columns annotated in some image of the batch (<see cref="LesaBatch.Columns"/>).</summary>
    public LesaBatch MakeBatch(HostBatch host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var labelArray = (HostArray<sbyte>)host.Arrays[1];
        int s = (int)labelArray.Shape[1];
        int maxPositives = Losses.MaxPositives.Of(labelArray.Data, s);
        var x = host.ToDevice(0, _device);                    // [B, R, D]
        if (AnnotatedColumnsOnly && _model.SeparableLabelColumns)
        {
            var kept = AnnotatedColumns.Of(labelArray.Data, s);
            if (kept.Length < s)
            {
                if (kept.Length == 0) kept = [0];             // nothing annotated: one all-zero column keeps the shapes non-empty
                long rows = labelArray.Shape[0];
                using var subset = torch.tensor<sbyte>(AnnotatedColumns.Select(labelArray.Data, s, kept).AsSpan(), [rows, kept.Length]);   // [B, K]
                using var columns = torch.tensor<long>(kept.Select(c => (long)c).ToArray().AsSpan(), [kept.Length]);                 // [K]
                return new LesaBatch(x, subset.to(_device).to(ScalarType.Float32), maxPositives, columns.to(_device));
            }
        }
        using var labels = host.ToDevice(1, _device);         // [B, S] int8
        return new LesaBatch(x, labels.to(ScalarType.Float32), maxPositives);
    }

    /// <summary>The seen-label vectors of the batch's label columns: all [S, dv], or its annotated ones [K, dv].</summary>
    private Tensor SeenVectors(LesaBatch batch) => batch.Columns is null ? _seenVectors : _seenVectors.index_select(0, batch.Columns);

    public Tensor Loss(LesaBatch batch) => _model.Loss(batch.Features, batch.Labels, SeenVectors(batch), batch.MaxPositives);

    /// <summary>The loss with its unweighted terms (LESA: rank, rel, div, dist; the attention baselines: rank, rel; the
    /// global baselines: rank), logged per epoch in metrics.csv as loss_&lt;term&gt;.</summary>
    public Losses.LossBreakdown LossBreakdown(LesaBatch batch) =>
        _model.LossBreakdown(batch.Features, batch.Labels, SeenVectors(batch), batch.MaxPositives);

    /// <summary>Static features [B, R, D] and labels [B, S] on the task's device, with the positives bound of the whole fit
    /// split (a bound above an image's positive count leaves the ranking loss unchanged, so every batch can use it).</summary>
    public IStaticBatch<LesaBatch> CreateStaticBatch(int batchSize, int[] fitIndices)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return new StaticLesaBatch(this, batchSize, MaxPositivesOf(fitIndices));
    }

    /// <summary>The most positive labels of any of the given training-split images, counted on the host in chunks.</summary>
    public int MaxPositivesOf(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        const int chunk = 4096;
        int most = 0;
        for (int start = 0; start < indices.Length; start += chunk)
        {
            var (split, local) = Locate(indices[start..Math.Min(indices.Length, start + chunk)]);
            int l = _bench.LabelCount(split);
            var labels = new sbyte[(long)local.Length * l];
            _bench.GetLabelBatch(split, local, labels);
            most = Math.Max(most, Losses.MaxPositives.Of(labels, l));
        }
        return most;
    }

    /// <summary>LesaTask's static buffers: a batch is copied in place; the loss reads the buffers.</summary>
    public sealed class StaticLesaBatch : IStaticBatch<LesaBatch>
    {
        private readonly LesaTask _task;
        private readonly Tensor _features, _labels;   // [B, R, D], [B, S]

        internal StaticLesaBatch(LesaTask task, int batchSize, int maxPositives)
        {
            _task = task;
            MaxPositives = maxPositives;
            var b = task._bench;
            _features = torch.zeros([batchSize, b.RegionCount, b.FeatureDim], device: task._device).DetachFromDisposeScope();
            _labels = torch.zeros([batchSize, b.SeenCount], device: task._device).DetachFromDisposeScope();
        }

        /// <summary>The positives bound every loss from these buffers uses (the fit split's maximum).</summary>
        public int MaxPositives { get; }

        public void CopyFrom(LesaBatch batch)
        {
            if (batch.Columns is { } columns && batch.Labels.size(0) == _labels.size(0))
            {
                // Annotated columns only: the other columns are 0 in every image, so scatter the K columns back into zeros.
                using var scope = torch.NewDisposeScope();
                var index = columns.unsqueeze(0).expand(batch.Labels.size(0), columns.size(0));                                   // [B, K]
                batch = batch with { Labels = torch.zeros(_labels.shape, device: _task._device).scatter(1, index, batch.Labels), Columns = null };   // [B, S]
                CopyFrom(batch);
                return;
            }
            if (!batch.Features.shape.SequenceEqual(_features.shape) || !batch.Labels.shape.SequenceEqual(_labels.shape))
                throw new ArgumentException($"static LESA batch: features [{string.Join(", ", batch.Features.shape)}] and labels " +
                    $"[{string.Join(", ", batch.Labels.shape)}] do not match the buffers [{string.Join(", ", _features.shape)}] and " +
                    $"[{string.Join(", ", _labels.shape)}]", nameof(batch));
            if (batch.MaxPositives > MaxPositives)
                throw new ArgumentException($"static LESA batch: an image has {batch.MaxPositives} positives, above the split's bound {MaxPositives}", nameof(batch));
            using var noGrad = torch.no_grad();
            _features.copy_(batch.Features);
            _labels.copy_(batch.Labels);
        }

        public Tensor Loss() => _task._model.Loss(_features, _labels, _task._seenVectors, MaxPositives);

        public void Dispose()
        {
            _features.Dispose();
            _labels.Dispose();
        }
    }

    /// <summary>Validation F1@5 and mAP over the seen labels (both official scripts compute these; NUS selects on F1@5, Open
    /// Images on mAP). Called after every epoch, so the parameters at
    /// that moment are also kept as the "final" model for <see cref="EvaluateTest"/>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(int[] indices)
    {
        Dispose(_last);
        _last = Snapshot();
        var (split, local) = Locate(indices);
        int n = local.Length, s = _bench.SeenCount;
        var scores = Score(split, local, _seenVectors);
        var labels = new sbyte[(long)n * s];
        _bench.GetLabelBatch(split, local, labels);
        var report = MultiLabelEvaluator.Evaluate(Matrix.Create(scores, n, s, "validation scores"), Matrix.Create(labels, n, s, "validation labels"),
            new MultiLabelOptions([ValidationK], MultiLabelProtocol.Nus, Variants: []));
        return new Dictionary<string, double> { [$"f1@{ValidationK}"] = report.TopK[0].F1, ["map"] = report.Map };
    }

    /// <summary>Test metrics of the current (selected) model, then, prefixed "final/", of the parameters after the last epoch.</summary>
    public IReadOnlyDictionary<string, double> EvaluateTest()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (k, v) in Test()) result[k] = v;
        if (_last is not null)
        {
            var selected = Snapshot();
            try
            {
                _model.Module.load_state_dict(_last, strict: true);
                foreach (var (k, v) in Test()) result["final/" + k] = v;
            }
            finally
            {
                _model.Module.load_state_dict(selected, strict: true);
                Dispose(selected);
            }
        }
        return result;
    }

    private Dictionary<string, double> Test() =>
        LesaEvaluation.TestMetrics(_bench, Score(MultiLabelSplit.Test, null, _vectors), _ks);

    /// <summary>Scoring graphs for evaluation passes (LesaScorer): null scores eagerly; LesaExperiment sets CUDA graphs
    /// with training.cudaGraph.</summary>
    public IStepGraphBackend? ScoringGraphs { get; init; }

    /// <summary>What the latest evaluation pass's scorer did (null before the first pass).</summary>
    public LesaScoringCounts? LastScoring { get; private set; }

    /// <summary>Scores [n, C] (row-major) of the given images for the label vectors [C, dv], in batches.</summary>
    private float[] Score(MultiLabelSplit split, int[]? images, Tensor vectors)
    {
        using var scorer = new LesaScorer(_model, vectors, _batchSize, _bench.RegionCount, _bench.FeatureDim, _device, ScoringGraphs);
        var result = scorer.ScoreSplit(_bench, split, images, _cache);                               // [n, C]
        LastScoring = scorer.Counts;
        return result;
    }

    private (MultiLabelSplit Split, int[] Local) Locate(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length == 0) throw new ArgumentException("empty batch", nameof(indices));
        bool train = indices[0] < _train;
        foreach (var i in indices)
        {
            if (i < 0 || i >= TrainingExamples) throw new ArgumentOutOfRangeException(nameof(indices), i, $"not in [0, {TrainingExamples})");
            if ((i < _train) != train) throw new ArgumentException("a batch mixes training and validation images", nameof(indices));
        }
        return train ? (MultiLabelSplit.Train, indices) : (MultiLabelSplit.Validation, indices.Select(i => i - _train).ToArray());
    }

    /// <summary>A detached copy of the model's state_dict (parameters and buffers), owned by the caller.</summary>
    private Dictionary<string, Tensor> Snapshot()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var copy = _model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        foreach (var t in copy.Values) t.DetachFromDisposeScope();
        return copy;
    }

    /// <summary>Disposes every tensor of a snapshot (null: nothing).</summary>
    private static void Dispose(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }

    /// <summary>The constructor's device argument: "cpu", "cuda" or "cuda:N", reported in LesaTask's terms.</summary>
    private static torch.Device ParseDevice(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        try { return torch.device(device); }
        catch (ArgumentException) { throw new ArgumentException($"LesaTask: device '{device}' is not cpu, cuda or cuda:N (N = 0, 1, ...)", nameof(device)); }
    }

    public void Dispose()
    {
        Dispose(_last);
        _last = null;
        _seenVectors.Dispose();
        _vectors.Dispose();
        _model.Dispose();
    }
}
