// Synthetic multi-label region benchmark (stand-in for NUS-WIDE with VGG conv5_4 features, for LESA and (ML)²P).
// Each image is a GridHeight x GridWidth grid of D-dim region features: Gaussian noise, a per-image background offset,
// and the hidden visual signatures of a few present labels planted in blobs (or, for abstract labels, spread over random
// regions). Signatures come from a fixed hidden map of the label semantics, so unseen labels are predictable from their
// semantics. Images are generated on demand from (seed, split, index); only labels and boxes are kept in memory.
// Generative model: docs/synthetic.md.
using ZslKit.Data.Datasets;

namespace ZslKit.Data.Synthetic;

/// <summary>Splits of the multi-label benchmark: training (seen labels), validation (held-out training images), test.</summary>
public enum MultiLabelSplit { Train, Validation, Test }

/// <summary>
/// The synthetic multi-label benchmark. Labels are numbered as in <see cref="Semantics"/>: seen [0, S), unseen [S, L).
/// Region features of one image are [RegionCount, FeatureDim] row-major (region r = row·GridWidth + col); label vectors
/// are +1 (present) / −1 (absent) / 0 (unannotated) over the seen labels for Train/Validation and over all labels for Test.
/// Thread-safe; every value is a pure function of (config, semantics, split, index).
/// </summary>
public sealed class MultiLabelBenchmark : IMultiLabelRegions
{
    private const int TrainPool = 0, TestPool = 1;

    private readonly float[] _signatures;          // [L, D]
    private readonly bool[] _abstract;             // [L]
    private readonly double[][] _seenCdf;          // [K][S] cumulative topic weights over seen labels
    private readonly double[][] _unseenCdf;        // [K][U] cumulative topic weights over unseen labels
    private readonly ImageMeta[][] _meta;          // [pool][image]

    private sealed record ImageMeta(int Topic, PlantedLabel[] Planted, int[] Positives);

    public MultiLabelBenchmark(MultiLabelBenchmarkConfig config, LabelSemantics semantics)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(semantics);
        config.Validate();
        // Training images draw seen labels only, so no image could hold the minimum; a maximum above the seen label count
        // only caps nothing (an image stops drawing when its labels run out).
        if (config.MinLabelsPerImage > semantics.SeenCount)
            throw new ArgumentException($"MultiLabelBenchmarkConfig.MinLabelsPerImage = {config.MinLabelsPerImage}: exceeds the {semantics.SeenCount} seen labels of the semantics (training images hold seen labels only)", nameof(config));
        Config = config;
        Semantics = semantics;
        _signatures = BuildSignatures(config, semantics);
        _abstract = new bool[semantics.Count];
        var rng = new CounterRng(config.Seed, StreamIds.AbstractLabels);
        for (int c = 0; c < semantics.Count; c++) _abstract[c] = rng.NextBool(config.AbstractLabelFraction);
        (_seenCdf, _unseenCdf) = BuildTopics(config, semantics);
        _meta = [BuildMeta(TrainPool, config.TrainImages), BuildMeta(TestPool, config.TestImages)];
        using var fp = new BenchmarkFingerprint();
        fp.Add("ZslKit.MultiLabelBenchmark/v1").AddRecord(config).Add(semantics.Dim).Add(semantics.SeenCount);
        foreach (var name in semantics.Names) fp.Add(name);
        Fingerprint = fp.Add(semantics.Vectors).Finish();
    }

    /// <summary>Builds the benchmark on NUS-WIDE GloVe semantics from <paramref name="dataDir"/> when present, else the stand-in.</summary>
    public static MultiLabelBenchmark Create(MultiLabelBenchmarkConfig config, string? dataDir) =>
        new(config, LabelSemantics.NusWideOrStandIn(dataDir, config.Seed));

    /// <summary>Builds the Open Images-shaped benchmark (7,186 seen / 400 unseen labels): the real OI label names from
    /// <paramref name="dataDir"/>/openimages-v4 with stand-in vectors when present, else a plain stand-in of the same sizes.</summary>
    public static MultiLabelBenchmark CreateOpenImages(MultiLabelBenchmarkConfig config, string? dataDir) =>
        new(config, LabelSemantics.OpenImagesOrStandIn(dataDir, config.Seed));

    public MultiLabelBenchmarkConfig Config { get; }
    public LabelSemantics Semantics { get; }
    /// <summary>SHA-256 (hex) of the generator version, the configuration and the semantics (names and vectors).</summary>
    public string Fingerprint { get; }
    public int FeatureDim => Config.FeatureDim;
    public int RegionCount => Config.RegionCount;
    public int GridHeight => Config.GridHeight;
    public int GridWidth => Config.GridWidth;

    public string Description =>
        $"synthetic multi-label benchmark ({Semantics.Source}; {SeenCount} seen / {UnseenCount} unseen labels, " +
        $"{ImageCount(MultiLabelSplit.Train)} train + {ImageCount(MultiLabelSplit.Validation)} validation + " +
        $"{ImageCount(MultiLabelSplit.Test)} test images, {GridHeight}x{GridWidth}x{FeatureDim} regions, data seed {Config.Seed})";
    /// <summary>Floats per image: RegionCount x FeatureDim.</summary>
    public int ImageLength => Config.RegionCount * Config.FeatureDim;
    public int SeenCount => Semantics.SeenCount;
    public int UnseenCount => Semantics.UnseenCount;
    /// <summary>Whether label <paramref name="label"/> is abstract (spread over the image rather than planted in a blob).</summary>
    public bool IsAbstract(int label) => _abstract[CheckLabel(label)];
    /// <summary>The hidden visual signature of a label (length D); exposed for tests and diagnostics, not for models.</summary>
    public ReadOnlySpan<float> Signature(int label) => _signatures.AsSpan(CheckLabel(label) * FeatureDim, FeatureDim);

    public int ImageCount(MultiLabelSplit split) => split switch
    {
        MultiLabelSplit.Train => Config.TrainImages - Config.ValidationImages,
        MultiLabelSplit.Validation => Config.ValidationImages,
        MultiLabelSplit.Test => Config.TestImages,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split"),
    };

    /// <summary>Length of a label vector: the seen labels for Train/Validation, all labels (seen then unseen) for Test.</summary>
    public int LabelCount(MultiLabelSplit split) => split switch
    {
        MultiLabelSplit.Train or MultiLabelSplit.Validation => Semantics.SeenCount,
        MultiLabelSplit.Test => Semantics.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split (Train, Validation or Test)"),
    };

    /// <summary>Ground truth of image <paramref name="index"/>: the labels planted in it and their boxes.</summary>
    public IReadOnlyList<PlantedLabel> PlantedLabels(MultiLabelSplit split, int index) => Meta(split, index).Planted;

    /// <summary>The latent topic the image's labels were drawn from.</summary>
    public int Topic(MultiLabelSplit split, int index) => Meta(split, index).Topic;

    /// <summary>Writes the [RegionCount, FeatureDim] region features of one image into <paramref name="dest"/>.</summary>
    public void GetRegions(MultiLabelSplit split, int index, Span<float> dest)
    {
        if (dest.Length != ImageLength)
            throw new ArgumentException($"destination holds {dest.Length} floats, one image needs {RegionCount} x {FeatureDim} = {ImageLength}", nameof(dest));
        var (pool, poolIndex) = Resolve(split, index);
        var meta = _meta[pool][poolIndex];
        int d = FeatureDim, regions = RegionCount;
        ulong seed = Config.Seed;
        // x_r = σ·ε_r
        for (int r = 0; r < regions; r++)
        {
            var rng = new CounterRng(seed, StreamIds.RegionNoise, (ulong)pool, (ulong)poolIndex, (ulong)r);
            rng.FillGaussian(dest.Slice(r * d, d), Config.NoiseSigma);
        }
        // + b (one offset per image, shared by all regions)
        if (Config.BackgroundScale > 0)
        {
            Span<float> background = d <= 2048 ? stackalloc float[d] : new float[d];
            new CounterRng(seed, StreamIds.Background, (ulong)pool, (ulong)poolIndex).FillGaussian(background, Config.BackgroundScale);
            for (int r = 0; r < regions; r++) Add(dest.Slice(r * d, d), background, 1f);
        }
        // + Σ_k m_k(r)·s_{c_k}
        for (int k = 0; k < meta.Planted.Length; k++)
        {
            var p = meta.Planted[k];
            var signature = Signature(p.Label);
            if (p.IsAbstract)
            {
                var rng = new CounterRng(seed, StreamIds.AbstractMask, (ulong)pool, (ulong)poolIndex, (ulong)k);
                float amplitude = (float)Config.AbstractAmplitude;
                for (int r = 0; r < regions; r++)
                    if (rng.NextBool(Config.AbstractCoverage)) Add(dest.Slice(r * d, d), signature, amplitude);
            }
            else
            {
                for (int row = p.Box.Top; row < p.Box.Bottom; row++)
                    for (int col = p.Box.Left; col < p.Box.Right; col++)
                        Add(dest.Slice((row * Config.GridWidth + col) * d, d), signature, 1f);
            }
        }
    }

    /// <summary>Writes the label vector of one image (length <see cref="LabelCount"/>): +1 / −1 / 0 (unannotated).</summary>
    public void GetLabels(MultiLabelSplit split, int index, Span<sbyte> dest)
    {
        int count = LabelCount(split);
        if (dest.Length != count)
            throw new ArgumentException($"destination holds {dest.Length} entries, the {split} split has {count} labels", nameof(dest));
        var (pool, poolIndex) = Resolve(split, index);
        dest.Fill(-1);
        foreach (var c in _meta[pool][poolIndex].Positives) dest[c] = 1;
        bool clean = pool == TestPool && Config.CleanTestLabels;
        if (clean || Config.UnannotatedRate <= 0) return;
        var rng = new CounterRng(Config.Seed, StreamIds.Unannotated, (ulong)pool, (ulong)poolIndex);
        for (int c = 0; c < count; c++)
            if (rng.NextBool(Config.UnannotatedRate)) dest[c] = 0;
    }

    /// <summary>Region features of several images into one [indices.Length, RegionCount, FeatureDim] buffer.</summary>
    public void GetRegionBatch(MultiLabelSplit split, ReadOnlySpan<int> indices, Span<float> dest)
    {
        CheckBatch(indices.Length, ImageLength, dest.Length);
        for (int b = 0; b < indices.Length; b++) GetRegions(split, indices[b], dest.Slice(b * ImageLength, ImageLength));
    }

    /// <summary>Region features of several images as a new [indices.Count, RegionCount, FeatureDim] array, images generated in parallel.</summary>
    public float[] GetRegionBatch(MultiLabelSplit split, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        for (int b = 0; b < indices.Count; b++) Resolve(split, indices[b], nameof(indices));   // index errors here, not wrapped by Parallel.For
        var dest = new float[checked(indices.Count * ImageLength)];
        Parallel.For(0, indices.Count, b => GetRegions(split, indices[b], dest.AsSpan(b * ImageLength, ImageLength)));
        return dest;
    }

    /// <summary>Label vectors of several images into one [indices.Length, LabelCount(split)] buffer.</summary>
    public void GetLabelBatch(MultiLabelSplit split, ReadOnlySpan<int> indices, Span<sbyte> dest)
    {
        int count = LabelCount(split);
        CheckBatch(indices.Length, count, dest.Length);
        for (int b = 0; b < indices.Length; b++) GetLabels(split, indices[b], dest.Slice(b * count, count));
    }

    // ---------------------------------------------------------------- construction

    /// <summary>s_c = A·√D·normalise(v_c·P + a·φ(3·v_c·Q)), P, Q ∈ R^{d×D} with N(0, 1/d) entries, φ(x) = x/√(1+x²).</summary>
    private static float[] BuildSignatures(MultiLabelBenchmarkConfig config, LabelSemantics semantics)
    {
        int d = semantics.Dim, dv = config.FeatureDim, count = semantics.Count;
        var p = new double[d * dv];
        var q = new double[d * dv];
        double scale = 1.0 / Math.Sqrt(d);
        var rp = new CounterRng(config.Seed, StreamIds.HiddenMap, 0);
        var rq = new CounterRng(config.Seed, StreamIds.HiddenMap, 1);
        for (int i = 0; i < p.Length; i++) { p[i] = scale * rp.NextGaussian(); q[i] = scale * rq.NextGaussian(); }
        var signatures = new float[count * dv];
        Parallel.For(0, count, c =>
        {
            var v = semantics.Row(c);
            var lin = new double[dv];
            var non = new double[dv];
            for (int i = 0; i < d; i++) // [1, d] @ [d, D] -> [1, D]
            {
                double vi = v[i];
                for (int j = 0; j < dv; j++) { lin[j] += vi * p[i * dv + j]; non[j] += vi * q[i * dv + j]; }
            }
            double norm = 0;
            for (int j = 0; j < dv; j++) { lin[j] += config.NonLinearity * DeterministicMath.Squash(3.0 * non[j]); norm += lin[j] * lin[j]; }
            double f = norm > 0 ? config.SignalAmplitude * Math.Sqrt(dv) / Math.Sqrt(norm) : 0;
            for (int j = 0; j < dv; j++) signatures[c * dv + j] = (float)(f * lin[j]);
        });
        return signatures;
    }

    /// <summary>Topic k is anchored at a random seen label t_k; label weights w_kc = exp(κ·(cos(v_c, v_{t_k}) − 1)).</summary>
    private static (double[][] Seen, double[][] Unseen) BuildTopics(MultiLabelBenchmarkConfig config, LabelSemantics semantics)
    {
        int s = semantics.SeenCount, u = semantics.UnseenCount;
        var rng = new CounterRng(config.Seed, StreamIds.Topics);
        var seen = new double[config.TopicCount][];
        var unseen = new double[config.TopicCount][];
        for (int k = 0; k < config.TopicCount; k++)
        {
            int anchor = rng.NextInt(s);
            seen[k] = Cumulative(0, s);
            unseen[k] = Cumulative(s, u);

            double[] Cumulative(int first, int n)
            {
                var cdf = new double[n];
                double total = 0;
                for (int c = 0; c < n; c++)
                {
                    var v = semantics.Row(first + c);
                    var t = semantics.Row(anchor);
                    double cos = 0;
                    for (int j = 0; j < v.Length; j++) cos += (double)v[j] * t[j];
                    total += DeterministicMath.Exp(config.TopicConcentration * (cos - 1.0));
                    cdf[c] = total;
                }
                return cdf;
            }
        }
        return (seen, unseen);
    }

    private ImageMeta[] BuildMeta(int pool, int count)
    {
        var meta = new ImageMeta[count];
        Parallel.For(0, count, i => meta[i] = BuildImage(pool, i));
        return meta;
    }

    private ImageMeta BuildImage(int pool, int index)
    {
        var c = Config;
        var rng = new CounterRng(c.Seed, StreamIds.ImageLayout, (ulong)pool, (ulong)index);
        int topic = rng.NextInt(c.TopicCount);
        int wanted = rng.NextInt(c.MinLabelsPerImage, c.MaxLabelsPerImage);
        var labels = new List<int>(wanted);
        for (int tries = 0; labels.Count < wanted && tries < 20 * wanted; tries++)
        {
            bool unseen = pool == TestPool && rng.NextBool(c.TestUnseenDrawProbability);
            int label = unseen
                ? Semantics.SeenCount + Sample(_unseenCdf[topic], rng.NextDouble())
                : Sample(_seenCdf[topic], rng.NextDouble());
            if (!labels.Contains(label)) labels.Add(label);
        }
        var planted = new PlantedLabel[labels.Count];
        for (int k = 0; k < labels.Count; k++)
        {
            int h = rng.NextInt(c.MinBlobSize, c.MaxBlobSize), w = rng.NextInt(c.MinBlobSize, c.MaxBlobSize);
            int top = rng.NextInt(0, c.GridHeight - h), left = rng.NextInt(0, c.GridWidth - w);
            planted[k] = _abstract[labels[k]]
                ? new PlantedLabel(labels[k], new GridBox(0, 0, c.GridHeight, c.GridWidth), true)
                : new PlantedLabel(labels[k], new GridBox(top, left, h, w), false);
        }
        // Annotation: with probability ρ a planted label is recorded as a different random seen label (wrong tag).
        var positives = new List<int>(labels.Count);
        bool noisy = !(pool == TestPool && c.CleanTestLabels);
        foreach (var label in labels)
        {
            int recorded = label;
            if (noisy && rng.NextBool(c.AnnotationNoiseRate))
            {
                recorded = rng.NextInt(Semantics.SeenCount);
                if (labels.Contains(recorded) || positives.Contains(recorded)) recorded = -1;
            }
            if (recorded >= 0 && !positives.Contains(recorded)) positives.Add(recorded);
        }
        return new ImageMeta(topic, planted, [.. positives]);
    }

    /// <summary>Index of the first cumulative weight above u·total (inverse-CDF sampling).</summary>
    private static int Sample(double[] cdf, double u)
    {
        double target = u * cdf[^1];
        int lo = 0, hi = cdf.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (cdf[mid] > target) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    // ---------------------------------------------------------------- helpers

    private int CheckLabel(int label, [System.Runtime.CompilerServices.CallerMemberName] string member = "")
    {
        if ((uint)label >= (uint)Semantics.Count)
            throw new ArgumentOutOfRangeException(nameof(label), label, $"MultiLabelBenchmark.{member}: label {label} is outside [0, {Semantics.Count}) (seen then unseen labels)");
        return label;
    }

    private (int Pool, int Index) Resolve(MultiLabelSplit split, int index, string argument = "index")
    {
        int count = ImageCount(split);
        if ((uint)index >= (uint)count)
            throw new ArgumentOutOfRangeException(argument, index, $"image {index} is outside [0, {count}) (the {split} split's images)");
        return split switch
        {
            MultiLabelSplit.Train => (TrainPool, index),
            MultiLabelSplit.Validation => (TrainPool, ImageCount(MultiLabelSplit.Train) + index),
            _ => (TestPool, index),
        };
    }

    private ImageMeta Meta(MultiLabelSplit split, int index)
    {
        var (pool, i) = Resolve(split, index);
        return _meta[pool][i];
    }

    private static void Add(Span<float> dest, ReadOnlySpan<float> src, float scale)
    {
        for (int j = 0; j < dest.Length; j++) dest[j] += scale * src[j];
    }

    private static void CheckBatch(int images, int perImage, int destLength)
    {
        if ((long)images * perImage != destLength)
            throw new ArgumentException($"destination holds {destLength} values, {images} images need {images} x {perImage} = {(long)images * perImage}", "dest");
    }
}
