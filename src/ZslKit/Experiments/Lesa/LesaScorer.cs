// LesaScorer.cs - batched scoring of one label set by a LESA Table 1 model (evaluation passes: validation, test, the
// Open Images test bench), eagerly or, with a graph backend (training.cudaGraph on CUDA), with every full-size batch
// copied into a static input and scored by replaying one captured scoring (IStepGraph, as the Trainer's graph steps).
// Launch overhead is what the graph removes: LESA's eager inference on an H200 is launch-bound (docs/benchmarks.md).
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Experiments.Lesa;

/// <summary>What a <see cref="LesaScorer"/> did: batches replayed from the graph, batches scored eagerly (smaller last
/// batches, or every batch when no graph was used), and why no graph was used (null when one was, or none was asked for).</summary>
public sealed record LesaScoringCounts(int Replays, int EagerBatches, string? GraphSkipped);

/// <summary>
/// Scores region features [n, R, D] (host floats, n ≤ batch size) over a fixed label set into host floats [n, C], in eval
/// mode and without autograd. With <paramref name="graphs"/>: the first full-size batch warms up
/// <see cref="WarmupRuns"/> scorings where the capture runs, captures one, and from then on each full-size batch is one
/// replay; a smaller batch is scored eagerly. Under an autocast scope no graph is captured (the autocast weight cache
/// lives outside the graph's memory), and every batch is scored eagerly.
/// </summary>
public sealed class LesaScorer : IDisposable
{
    /// <summary>Eager scorings on the graph's stream before the capture.</summary>
    public const int WarmupRuns = 3;

    private readonly ILesaTrainable _model;
    private readonly int _batchSize, _regions, _dim, _labels;
    private readonly torch.Device _device;
    private readonly IStepGraphBackend? _graphs;
    private readonly Tensor _embedded;
    private Tensor? _input;        // [batch, R, D] on the device: the graph's static input
    private IStepGraph? _graph;
    private int _replays, _eager;
    private string? _skipped;

    /// <param name="labelVectors">Label vectors [C, dv] on <paramref name="device"/>; embedded once here.</param>
    public LesaScorer(ILesaTrainable model, Tensor labelVectors, int batchSize, int regions, int featureDim, torch.Device device,
        IStepGraphBackend? graphs = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(labelVectors);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(regions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureDim, 1);
        (_batchSize, _regions, _dim, _labels, _device, _graphs) = (batchSize, regions, featureDim, (int)labelVectors.size(0), device, graphs);
        model.Module.eval();
        using var noGrad = torch.no_grad();
        _embedded = model.EmbedLabels(labelVectors).DetachFromDisposeScope();
    }

    /// <summary>Labels scored per image (C).</summary>
    public int Labels => _labels;

    public LesaScoringCounts Counts => new(_replays, _eager, _skipped);

    /// <summary>Scores <paramref name="count"/> images: <paramref name="features"/> [count, R, D] → <paramref name="destination"/> [count, C].</summary>
    public void Score(ReadOnlySpan<float> features, int count, Span<float> destination)
    {
        if (count < 1 || count > _batchSize) throw new ArgumentOutOfRangeException(nameof(count), count, $"LesaScorer: a batch holds 1..{_batchSize} images");
        long per = (long)_regions * _dim;
        if (features.Length != count * per)
            throw new ArgumentException($"LesaScorer: {features.Length} feature values for {count} images of [{_regions}, {_dim}] (needs {count * per})", nameof(features));
        if (destination.Length != (long)count * _labels)
            throw new ArgumentException($"LesaScorer: room for {destination.Length} scores, {count} images x {_labels} labels need {(long)count * _labels}", nameof(destination));
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor<float>(features, [count, _regions, _dim]).to(_device);                 // [n, R, D]
        Tensor scores;
        if (count == _batchSize && Graph() is { } graph)
        {
            _input!.copy_(x);
            graph.Replay();
            scores = graph.Loss;                                                                     // [B, C], rewritten by every replay
            _replays++;
        }
        else
        {
            scores = _model.Scores(x, _embedded);                                                    // [n, C]
            _eager++;
        }
        scores.to(ScalarType.Float32).cpu().ToArray<float>().CopyTo(destination);                  // bf16 under autocast
    }

    /// <summary>Scores [items.Count, C] (row-major) of the given items in batches of the scorer's size;
    /// <paramref name="regions"/> returns the features [b, R, D] of one batch's items. <paramref name="progress"/> receives
    /// the number of items scored so far after each batch.</summary>
    public float[] ScoreAll(IReadOnlyList<int> items, Func<int[], float[]> regions, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(regions);
        if ((long)items.Count * _labels > Array.MaxLength)
            throw new ArgumentException($"LesaScorer: {items.Count} images x {_labels} labels exceed one score array ({Array.MaxLength} values)", nameof(items));
        var scores = new float[items.Count * _labels];
        for (int start = 0; start < items.Count; start += _batchSize)
        {
            int n = Math.Min(_batchSize, items.Count - start);
            var batch = new int[n];
            for (int i = 0; i < n; i++) batch[i] = items[start + i];
            Score(regions(batch), n, scores.AsSpan(start * _labels, n * _labels));
            progress?.Report(start + n);
        }
        return scores;
    }

    /// <summary>Scores [n, C] (row-major) of images of a benchmark split (all of them when <paramref name="images"/> is null),
    /// their features read from <paramref name="cache"/> when given, else from the benchmark.</summary>
    public float[] ScoreSplit(IMultiLabelRegions bench, MultiLabelSplit split, IReadOnlyList<int>? images = null, LesaFeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(bench);
        if (bench.RegionCount != _regions || bench.FeatureDim != _dim)
            throw new ArgumentException($"LesaScorer: the benchmark's features are [{bench.RegionCount}, {bench.FeatureDim}], the scorer takes [{_regions}, {_dim}]", nameof(bench));
        images ??= Enumerable.Range(0, bench.ImageCount(split)).ToArray();
        return ScoreAll(images, part => cache is null ? LesaBatches.Regions(bench, split, part) : cache.Gather(split, part));
    }

    /// <summary>The captured graph (captured at the first call), or null when scoring stays eager.</summary>
    private IStepGraph? Graph()
    {
        if (_graphs is null || _skipped is not null) return null;
        if (_graph is not null) return _graph;
        if (torch.autocast_depth() > 0)
        {
            _skipped = "an autocast scope is open: scoring stays eager";
            return null;
        }
        _input = torch.zeros([_batchSize, _regions, _dim], device: _device).DetachFromDisposeScope();
        var graph = _graphs.Create(_device);
        try
        {
            using (graph.WarmupScope())
                for (int i = 0; i < WarmupRuns; i++)
                {
                    using var scope = torch.NewDisposeScope();
                    _model.Scores(_input, _embedded);
                }
            graph.Capture(() => _model.Scores(_input, _embedded));                                  // [B, C] from the static input
        }
        catch
        {
            graph.Dispose();
            throw;
        }
        return _graph = graph;
    }

    public void Dispose()
    {
        _graph?.Dispose();
        _graph = null;
        _input?.Dispose();
        _embedded.Dispose();
    }
}
