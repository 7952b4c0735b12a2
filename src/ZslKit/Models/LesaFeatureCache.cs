// LesaFeatureCache.cs - the region features of every image of a synthetic benchmark split, generated once and kept in
// memory so that epochs, validation and test passes (and several runs on one benchmark) do not regenerate them.
using ZslKit.Data.Synthetic;

namespace ZslKit.Models;

/// <summary>
/// Region features of every image of a benchmark split, generated once (in parallel) on first use and kept in memory
/// (N x R x D floats per split: 3,600 quick-mode training images at D = 128 take 361 MB).
/// </summary>
public sealed class LesaFeatureCache(MultiLabelBenchmark bench)
{
    private readonly Dictionary<MultiLabelSplit, float[]> _splits = new();
    private readonly Lock _lock = new();

    public MultiLabelBenchmark Benchmark { get; } = bench ?? throw new ArgumentNullException(nameof(bench));

    /// <summary>Copies the features of the given images into a new [indices.Length, R, D] array.</summary>
    public float[] Gather(MultiLabelSplit split, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        float[] all;
        lock (_lock)
        {
            if (!_splits.TryGetValue(split, out all!))
                _splits[split] = all = Benchmark.GetRegionBatch(split, Enumerable.Range(0, Benchmark.ImageCount(split)).ToArray());
        }
        int len = Benchmark.ImageLength;
        var dest = new float[(long)indices.Length * len];
        for (int b = 0; b < indices.Length; b++) all.AsSpan(indices[b] * len, len).CopyTo(dest.AsSpan(b * len, len));
        return dest;
    }
}
