// Multi-label evaluation (LESA, (ML)²P, BiAM tables): per-label AP -> mAP variants, and P/R/F1@K, over a source read in
// row blocks. Memory stays bounded: one row block (≤ 64 MB) plus one chunk of label columns (≤ the budget) at a time;
// a chunk's columns are sorted in parallel (Parallel.For over labels, one Span.Sort of (-score, flags) keys per label,
// shared by the all-images AP and the images-with-positives AP).
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ZslKit.Metrics;

/// <summary>Options of a multi-label evaluation.</summary>
/// <param name="Ks">K values for P/R/F1@K (each between 1 and the label count).</param>
/// <param name="Variants">mAP variants to report besides the protocol's headline one (null: every known variant).</param>
/// <param name="MemoryBudgetBytes">Upper bound for the column-chunk buffers (scores + labels of a chunk of labels).</param>
public sealed record MultiLabelOptions(IReadOnlyList<int> Ks, MultiLabelProtocol Protocol, IReadOnlyList<MapVariant>? Variants = null,
    long MemoryBudgetBytes = 512L << 20, int MaxDegreeOfParallelism = -1)
{
    public static MultiLabelOptions Default { get; } = new([3, 5], MultiLabelProtocol.Nus);
}

/// <summary>Everything a multi-label table prints.</summary>
/// <param name="Map">The protocol's headline mAP.</param>
/// <param name="Variants">mAP per variant name.</param>
/// <param name="PerLabel">AP per label column over all images.</param>
/// <param name="PerLabelImagesWithPositives">AP per label over images with ≥1 positive (null when no variant needs it).</param>
public sealed record MultiLabelReport(string Protocol, int Images, int Labels, double Map, IReadOnlyDictionary<string, double> Variants,
    IReadOnlyList<PrfAtK> TopK, LabelAp[] PerLabel, LabelAp[]? PerLabelImagesWithPositives, int Passes);

/// <summary>Computes a <see cref="MultiLabelReport"/>; the one implementation used by the API, the CLI and experiments.</summary>
public static class MultiLabelEvaluator
{
    private const long RowBlockBytes = 64L << 20;

    /// <summary>Evaluates in-memory scores [N, L] and labels [N, L] (1 positive, -1 negative, 0 unannotated); unnamed
    /// matrices are called "scores" and "labels" in errors. Null options: <see cref="MultiLabelOptions.Default"/> (K = 3, 5).</summary>
    public static MultiLabelReport Evaluate(Matrix<float> scores, Matrix<sbyte> labels, MultiLabelOptions? options = null)
    {
        using var source = new ArrayMultiLabelSource(scores, labels);
        return Evaluate(source, options ?? MultiLabelOptions.Default);
    }

    /// <summary>Evaluates .npy files [N, L] without loading them whole.</summary>
    public static MultiLabelReport Evaluate(string scoresPath, string labelsPath, MultiLabelOptions? options = null)
    {
        using var source = new NpyMultiLabelSource(scoresPath, labelsPath);
        return Evaluate(source, options ?? MultiLabelOptions.Default);
    }

    /// <summary>Evaluates any source: one pass over rows for P/R/F1@K, then one pass per chunk of label columns for AP.</summary>
    public static MultiLabelReport Evaluate(IMultiLabelSource source, MultiLabelOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckOptions(options);
        int n = source.Rows, l = source.Cols;
        if (l == 0) throw new MetricInputException("scores", "no label columns");
        if (ReferenceEquals(options, MultiLabelOptions.Default) && options.Ks.Max() > l)   // no options given: say the default is the problem
            throw new MetricInputException("options.Ks", $"K = {options.Ks.Max()} must be between 1 and the label count {l} (the default " +
                $"MultiLabelOptions K = {string.Join(", ", options.Ks)} needs at least {options.Ks.Max()} labels; pass options with smaller Ks)");
        TopKCounter.CheckKs(options.Ks, l, "options.Ks");
        var variants = new List<MapVariant> { options.Protocol.Map };
        foreach (var v in options.Variants ?? MapVariant.Known) if (!variants.Contains(v)) variants.Add(v);
        bool needFiltered = variants.Any(v => v.DropImagesWithoutPositives);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };

        int blockRows = (int)Math.Clamp(RowBlockBytes / (5L * l), 1, Math.Max(1, n));
        var scoreBlock = new float[(long)blockRows * l];
        var labelBlock = new sbyte[(long)blockRows * l];

        // Pass over rows: validation, P/R/F1@K, and which images have a positive.
        var counter = new TopKCounter(options.Ks, l, options.Protocol.KeepImagesWithoutPositives);
        var hasPositive = new bool[n];
        for (int start = 0; start < n; start += blockRows)
        {
            int rows = Math.Min(blockRows, n - start);
            var s = scoreBlock.AsSpan(0, rows * l);
            var y = labelBlock.AsSpan(0, rows * l);
            source.ReadScores(start, s);
            source.ReadLabels(start, y);
            CountTopK(scoreBlock, labelBlock, rows, l, start, counter, hasPositive, options, parallel);
        }

        // Passes over label-column chunks: gather columns (column-major), then AP per label in parallel.
        // [chunk, n] buffers: at most the budget, and indexable by int (chunk · n ≤ Array.MaxLength)
        int chunk = (int)Math.Clamp(Math.Min(options.MemoryBudgetBytes / Math.Max(1, 5L * n), Array.MaxLength / Math.Max(1, n)), 1, l);
        var colScores = new float[(long)chunk * n];
        var colLabels = new sbyte[(long)chunk * n];
        var perLabel = new LabelAp[l];
        var perLabelFiltered = needFiltered ? new LabelAp[l] : null;
        var scratch = new ConcurrentBag<(float[] Keys, byte[] Flags)>();
        int passes = 1;
        for (int c0 = 0; c0 < l; c0 += chunk, passes++)
        {
            int width = Math.Min(chunk, l - c0);
            for (int start = 0; start < n; start += blockRows)
            {
                int rows = Math.Min(blockRows, n - start);
                source.ReadScores(start, scoreBlock.AsSpan(0, rows * l));
                source.ReadLabels(start, labelBlock.AsSpan(0, rows * l));
                // [rows, l] row block -> columns c0..c0+width of the [width, n] column-major chunk, in tiles of 64 rows
                // so each column receives a contiguous run; columns are split across threads.
                int blockStart = start;
                Parallel.For(0, (width + 63) / 64, parallel, ct =>
                {
                    int cEnd = Math.Min(width, ct * 64 + 64);
                    for (int r0 = 0; r0 < rows; r0 += 64)
                    {
                        int rEnd = Math.Min(rows, r0 + 64);
                        for (int c = ct * 64; c < cEnd; c++)
                        {
                            long dst = (long)c * n + blockStart;
                            for (int r = r0; r < rEnd; r++)
                            {
                                colScores[dst + r] = scoreBlock[r * l + c0 + c];
                                colLabels[dst + r] = labelBlock[r * l + c0 + c];
                            }
                        }
                    }
                });
            }
            Parallel.For(0, width, parallel, c =>
            {
                if (!scratch.TryTake(out var buf)) buf = (new float[n], new byte[n]);
                var s = new ReadOnlySpan<float>(colScores, c * n, n);
                var y = new ReadOnlySpan<sbyte>(colLabels, c * n, n);
                if (perLabelFiltered is null) perLabel[c0 + c] = AveragePrecision.Compute(s, y, buf.Keys, MemoryMarshal.Cast<byte, bool>(buf.Flags.AsSpan()));
                else (perLabel[c0 + c], perLabelFiltered[c0 + c]) = AveragePrecision.ComputeBoth(s, y, buf.Keys, buf.Flags, hasPositive);
                scratch.Add(buf);
            });
        }

        var values = new Dictionary<string, double>();
        foreach (var v in variants) values[v.Name] = v.Reduce(perLabel, perLabelFiltered);
        return new MultiLabelReport(options.Protocol.Name, n, l, values[options.Protocol.Map.Name], values, counter.Results(),
            perLabel, perLabelFiltered, passes);
    }

    /// <summary>Options without nulls: Ks, Protocol (and its Map) and every listed variant; a valid degree of parallelism.</summary>
    private static void CheckOptions(MultiLabelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Ks, "options.Ks");
        ArgumentNullException.ThrowIfNull(options.Protocol, "options.Protocol");
        ArgumentNullException.ThrowIfNull(options.Protocol.Map, "options.Protocol.Map");
        if (options.Variants is { } variants)
            for (int i = 0; i < variants.Count; i++)
                if (variants[i] is null) throw new ArgumentNullException("options.Variants", $"MultiLabelOptions.Variants[{i}] is null");
        if (options.MaxDegreeOfParallelism is 0 or < -1)
            throw new ArgumentOutOfRangeException("options.MaxDegreeOfParallelism", options.MaxDegreeOfParallelism, "must be -1 (no limit) or at least 1");
    }

    private static void CountTopK(float[] scores, sbyte[] labels, int rows, int l, int start, TopKCounter total, bool[] hasPositive,
        MultiLabelOptions options, ParallelOptions parallel)
    {
        var partials = new ConcurrentBag<TopKCounter>();
        Parallel.For(0, rows, parallel,
            () => new TopKCounter(options.Ks, l, options.Protocol.KeepImagesWithoutPositives),
            (r, _, local) =>
            {
                var y = new ReadOnlySpan<sbyte>(labels, r * l, l);
                local.AddRow(new ReadOnlySpan<float>(scores, r * l, l), y);
                hasPositive[start + r] = y.Contains((sbyte)1);
                return local;
            },
            partials.Add);
        foreach (var p in partials) total.Add(p);
    }
}
