// LesaBatches.cs - the tensors LESA training and evaluation read from a multi-label region dataset (the synthetic
// benchmark or real feature stores): label vectors [L, dv], region-feature batches [B, R, D] with their +1/-1/0 labels,
// and a split's label matrix.
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Torch;

namespace ZslKit.Models;

/// <summary>One LESA training batch: region features [B, R, D], labels [B, L] (+1/−1/0 as float) and the most positives of
/// one image, counted on the host (the ranking loss's bound: no host sync). With <paramref name="Columns"/> (int64 [K] on the
/// device) the labels hold only those K seen-label columns, the ones annotated (±1) in some image of the batch; every other
/// column is 0 in every image (<see cref="AnnotatedColumns"/>).</summary>
public readonly record struct LesaBatch(Tensor Features, Tensor Labels, int MaxPositives, Tensor? Columns = null)
{
    /// <summary>Features, labels and positives bound (batches built with every column have no <see cref="Columns"/>).</summary>
    public void Deconstruct(out Tensor features, out Tensor labels, out int maxPositives) =>
        (features, labels, maxPositives) = (Features, Labels, MaxPositives);
}

/// <summary>The seen-label columns a batch's labels annotate: an exact shortcut for losses that ignore unannotated labels.</summary>
public static class AnnotatedColumns
{
    /// <summary>The columns of a host label matrix [rows, columns] (+1/−1/0) holding a ±1 in some row, ascending.</summary>
    public static int[] Of(ReadOnlySpan<sbyte> labels, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (labels.Length % columns != 0)
            throw new ArgumentException($"AnnotatedColumns: {labels.Length} labels are not whole rows of {columns} columns", nameof(labels));
        var any = new bool[columns];
        for (int start = 0; start < labels.Length; start += columns)
        {
            var row = labels.Slice(start, columns);
            for (int c = 0; c < columns; c++) if (row[c] != 0) any[c] = true;
        }
        var kept = new List<int>();
        for (int c = 0; c < columns; c++) if (any[c]) kept.Add(c);
        return [.. kept];
    }

    /// <summary>The label matrix [rows, kept.Length] of those columns.</summary>
    public static sbyte[] Select(ReadOnlySpan<sbyte> labels, int columns, int[] kept)
    {
        ArgumentNullException.ThrowIfNull(kept);
        int rows = labels.Length / columns;
        var result = new sbyte[rows * kept.Length];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < kept.Length; k++) result[r * kept.Length + k] = labels[r * columns + kept[k]];
        return result;
    }
}

/// <summary>Batches and label vectors of an <see cref="IMultiLabelRegions"/> dataset as tensors / arrays.</summary>
public static class LesaBatches
{
    /// <summary>All label vectors of the benchmark (seen first, then unseen) as a [L, dv] float tensor.</summary>
    public static Tensor LabelVectors(IMultiLabelRegions bench)
    {
        ArgumentNullException.ThrowIfNull(bench);
        var s = bench.Semantics;
        return torch.tensor<float>(s.Vectors.AsSpan(), [s.Count, s.Dim]);
    }

    /// <summary>Region features [B, R, D] and labels [B, L(split)] (float +1/−1/0) of the given images, and the most
    /// positives of one of them (counted on the host: the ranking loss's bound, so it needs no host sync).</summary>
    public static LesaBatch Batch(IMultiLabelRegions bench, MultiLabelSplit split, int[] indices, LesaFeatureCache? cache = null)
    {
        var (feats, labels) = HostArrays(bench, split, indices, cache);
        int l = bench.LabelCount(split);
        var x = torch.tensor<float>(feats.AsSpan(), [indices.Length, bench.RegionCount, bench.FeatureDim]);
        var y = torch.tensor<sbyte>(labels.AsSpan(), [indices.Length, l]).to(ScalarType.Float32);
        return new LesaBatch(x, y, Losses.MaxPositives.Of(labels, l));
    }

    /// <summary>The host side of <see cref="Batch"/>: region features [B·R·D] (from the cache when given) and labels [B·L(split)]
    /// (+1/−1/0), row-major, no tensors (safe on a prefetch worker thread).</summary>
    public static (float[] Features, sbyte[] Labels) HostArrays(IMultiLabelRegions bench, MultiLabelSplit split, int[] indices,
        LesaFeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(indices);
        var feats = cache is null ? Regions(bench, split, indices) : cache.Gather(split, indices);
        var labels = new sbyte[indices.Length * bench.LabelCount(split)];
        bench.GetLabelBatch(split, indices, labels);
        return (feats, labels);
    }

    /// <summary>Region features [indices.Length, R, D] of images of a split (the synthetic benchmark generates them in parallel).</summary>
    public static float[] Regions(IMultiLabelRegions bench, MultiLabelSplit split, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(bench);
        if (bench is MultiLabelBenchmark synthetic) return synthetic.GetRegionBatch(split, indices);
        var dest = new float[checked(indices.Length * bench.ImageLength)];
        bench.GetRegionBatch(split, indices, dest);
        return dest;
    }

    /// <summary>Labels [N, L(split)] of every image of a split.</summary>
    public static sbyte[] SplitLabels(IMultiLabelRegions bench, MultiLabelSplit split)
    {
        ArgumentNullException.ThrowIfNull(bench);
        int n = bench.ImageCount(split), l = bench.LabelCount(split);
        var labels = new sbyte[(long)n * l];
        bench.GetLabelBatch(split, Enumerable.Range(0, n).ToArray(), labels);
        return labels;
    }
}
