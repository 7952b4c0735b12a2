// Label semantics for the synthetic multi-label benchmark: one L2-normalised vector per label, seen labels first.
// Real NUS-WIDE GloVe vectors (925 seen tags = TagList1k minus the 75 tags that are also concepts, 81 unseen concepts)
// when the shared data folder holds them, otherwise a generated stand-in with the same sizes and cluster structure.
// Open Images v4 (7,186 seen / 400 unseen): the real label names with generated stand-in vectors (no OI word vectors
// exist in the shared data), or a plain stand-in of the same sizes.
using ZslKit.Data.Datasets;

namespace ZslKit.Data.Synthetic;

/// <summary>
/// Semantic vectors of a label set. <see cref="Vectors"/> is row-major [Count, Dim], rows L2-normalised; labels
/// [0, SeenCount) are seen, [SeenCount, Count) unseen.
/// </summary>
public sealed record LabelSemantics
{
    public LabelSemantics(string[] names, float[] vectors, int dim, int seenCount, string source)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(vectors);
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dimension must be positive");
        if (vectors.Length != (long)names.Length * dim)
            throw new ArgumentException($"vectors hold {vectors.Length} values, expected names ({names.Length}) x dim ({dim})", nameof(vectors));
        if (seenCount <= 0 || seenCount >= names.Length)
            throw new ArgumentOutOfRangeException(nameof(seenCount), seenCount, $"need 0 < seen < {names.Length} labels");
        Names = names; Vectors = vectors; Dim = dim; SeenCount = seenCount; Source = source;
        Normalise(vectors, dim, source);
    }

    public string[] Names { get; }
    /// <summary>[Count, Dim] row-major, each row of unit length.</summary>
    public float[] Vectors { get; }
    public int Dim { get; }
    public int SeenCount { get; }
    /// <summary>Where the vectors come from ("nus-wide-glove300:&lt;folder&gt;" or "stand-in:seed=...").</summary>
    public string Source { get; }
    public int Count => Names.Length;
    public int UnseenCount => Count - SeenCount;
    public bool IsStandIn => Source.StartsWith("stand-in", StringComparison.Ordinal);

    /// <summary>The vector of label <paramref name="label"/> (length Dim).</summary>
    public ReadOnlySpan<float> Row(int label) => Vectors.AsSpan(label * Dim, Dim);

    /// <summary>
    /// Loads NUS-WIDE semantics from <paramref name="dataDir"/>/nus-wide (TagList1k.txt, Concepts81.txt,
    /// tags1k_glove300.npy, concepts81_glove300.npy): seen = the tags not among the concepts (925), unseen = the 81 concepts.
    /// </summary>
    public static LabelSemantics LoadNusWide(string dataDir)
    {
        var dir = Path.Combine(dataDir, "nus-wide");
        var labels = NusWideLabels.Load(dir);
        var (seen, unseen, dim) = labels.LoadGloVe(dir);
        return new LabelSemantics([.. labels.SeenLabels, .. labels.UnseenLabels], [.. seen, .. unseen], dim,
            labels.SeenTagRows.Length, "nus-wide-glove300:" + Path.GetFullPath(dir));
    }

    /// <summary>True when <paramref name="dataDir"/> holds the four NUS-WIDE semantic files.</summary>
    public static bool HasNusWide(string? dataDir) =>
        dataDir is not null &&
        new[] { "TagList1k.txt", "Concepts81.txt", "tags1k_glove300.npy", "concepts81_glove300.npy" }
            .All(f => File.Exists(Path.Combine(dataDir, "nus-wide", f)));

    /// <summary>Real NUS-WIDE semantics when <paramref name="dataDir"/> holds them, else <see cref="StandIn"/>.</summary>
    public static LabelSemantics NusWideOrStandIn(string? dataDir, ulong seed) =>
        HasNusWide(dataDir) ? LoadNusWide(dataDir!) : StandIn(seed);

    /// <summary>Open Images v4 label-space sizes of the LESA protocol: 7,186 trainable (seen) and 400 unseen labels.</summary>
    public const int OpenImagesSeen = 7186, OpenImagesUnseen = 400;

    /// <summary>True when <paramref name="dataDir"/>/openimages-v4 holds the four label-list files OpenImagesLabels reads.</summary>
    public static bool HasOpenImages(string? dataDir) =>
        dataDir is not null &&
        new[] { "classes-trainable.txt", "unseen_labels.txt", "top_400_unseen.csv", "class-descriptions.csv" }
            .All(f => File.Exists(Path.Combine(dataDir, "openimages-v4", f)));

    /// <summary>
    /// Open Images v4 label names (seen = classes-trainable.txt, unseen = the top-400 rows of unseen_labels.txt, named via
    /// class-descriptions.csv) with generated stand-in vectors of <see cref="StandIn"/> (no OI word vectors exist here).
    /// Source "openimages-names+stand-in-vectors:&lt;folder&gt;;stand-in:seed=...".
    /// </summary>
    public static LabelSemantics LoadOpenImagesNames(string dataDir, ulong seed, int dim = 300)
    {
        var dir = Path.Combine(dataDir, "openimages-v4");
        var labels = OpenImagesLabels.Load(dir);
        int seen = labels.SeenIds.Length, unseen = labels.UnseenIds.Length;
        var standIn = StandIn(seed, seen, unseen, dim, clusters: 64);
        return new LabelSemantics([.. labels.SeenNames, .. labels.UnseenNames], standIn.Vectors, dim, seen,
            "openimages-names+stand-in-vectors:" + Path.GetFullPath(dir) + ";" + standIn.Source);
    }

    /// <summary>File names of optional real Open Images word vectors in &lt;data&gt;/openimages-v4: the official release's
    /// init_w2v pair saved as .npy, [7,186, d] in classes-trainable.txt order and [2,594, d] in unseen_labels.txt order.</summary>
    public const string OpenImagesSeenVectorsFile = "w2v_seen.npy", OpenImagesUnseenVectorsFile = "w2v_unseen.npy";

    /// <summary>True when <paramref name="dataDir"/>/openimages-v4 holds the label lists and both word-vector files.</summary>
    public static bool HasOpenImagesVectors(string? dataDir) =>
        HasOpenImages(dataDir) && File.Exists(Path.Combine(dataDir!, "openimages-v4", OpenImagesSeenVectorsFile)) &&
        File.Exists(Path.Combine(dataDir!, "openimages-v4", OpenImagesUnseenVectorsFile));

    /// <summary>
    /// Real Open Images semantics: the label names and the word vectors of <see cref="OpenImagesSeenVectorsFile"/> (all seen
    /// rows) and <see cref="OpenImagesUnseenVectorsFile"/> (the top-400 rows picked by top_400_unseen.csv). Source
    /// "openimages-w2v:&lt;folder&gt;". Wrong shapes throw naming the file.
    /// </summary>
    public static LabelSemantics LoadOpenImages(string dataDir)
    {
        var dir = Path.Combine(dataDir, "openimages-v4");
        var labels = OpenImagesLabels.Load(dir);
        var seenPath = Path.Combine(dir, OpenImagesSeenVectorsFile);
        var unseenPath = Path.Combine(dir, OpenImagesUnseenVectorsFile);
        var seen = Formats.Npy.Read(seenPath);
        var unseen = Formats.Npy.Read(unseenPath);
        int candidates = File.ReadLines(Path.Combine(dir, "unseen_labels.txt")).Count(l => l.Trim().Length > 0);
        if (seen.Shape.Length != 2 || seen.Shape[0] != labels.SeenIds.Length)
            throw new DataFormatException(seenPath, seen.Header.DataOffset,
                $"expected a [{labels.SeenIds.Length}, dim] matrix (one row per line of classes-trainable.txt), found shape ({string.Join(", ", seen.Shape)})");
        if (unseen.Shape.Length != 2 || unseen.Shape[0] != candidates || unseen.Shape[1] != seen.Shape[1])
            throw new DataFormatException(unseenPath, unseen.Header.DataOffset,
                $"expected a [{candidates}, {seen.Shape[1]}] matrix (one row per line of unseen_labels.txt), found shape ({string.Join(", ", unseen.Shape)})");
        int dim = (int)seen.Shape[1];
        var unseenAll = unseen.ToFloat32();
        var picked = Datasets.LabelSemantics.SelectRows(unseenAll, dim, labels.UnseenRows);   // [2594, d] -> [400, d]
        return new LabelSemantics([.. labels.SeenNames, .. labels.UnseenNames], [.. seen.ToFloat32(), .. picked], dim,
            labels.SeenIds.Length, "openimages-w2v:" + Path.GetFullPath(dir));
    }

    /// <summary>Open Images names with stand-in vectors when <paramref name="dataDir"/> holds the label lists, else a plain
    /// stand-in of the same sizes (7,186 seen / 400 unseen, 300-d, 64 clusters).</summary>
    public static LabelSemantics OpenImagesOrStandIn(string? dataDir, ulong seed) =>
        HasOpenImages(dataDir) ? LoadOpenImagesNames(dataDir!, seed) : StandIn(seed, OpenImagesSeen, OpenImagesUnseen, 300, clusters: 64);

    /// <summary>
    /// A generated label set with cluster structure: <paramref name="clusters"/> random unit centres μ_k ∈ R^dim, a shared
    /// offset m (GloVe rows share a common direction), and v_c = normalise(0.3·m + μ_k(c) + spread·u_c) with u_c a random unit
    /// vector; the cluster k(c) of each label is uniform at random. Names are "label000", ...
    /// </summary>
    public static LabelSemantics StandIn(ulong seed, int seen = 925, int unseen = 81, int dim = 300, int clusters = 24, double spread = 0.9)
    {
        if (seen <= 0) throw new ArgumentOutOfRangeException(nameof(seen), seen, "need at least one seen label");
        if (unseen <= 0) throw new ArgumentOutOfRangeException(nameof(unseen), unseen, "need at least one unseen label");
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dimension must be positive");
        if (clusters <= 0) throw new ArgumentOutOfRangeException(nameof(clusters), clusters, "need at least one cluster");
        int count = seen + unseen;
        var rng = new CounterRng(seed, StreamIds.StandInSemantics);
        var common = UnitGaussian(ref rng, dim);
        var centres = new double[clusters][];
        for (int k = 0; k < clusters; k++) centres[k] = UnitGaussian(ref rng, dim);
        var vectors = new float[count * dim];
        for (int c = 0; c < count; c++)
        {
            var mu = centres[rng.NextInt(clusters)];
            var noise = UnitGaussian(ref rng, dim);
            for (int j = 0; j < dim; j++) vectors[c * dim + j] = (float)(0.3 * common[j] + mu[j] + spread * noise[j]);
        }
        var names = Enumerable.Range(0, count).Select(i => $"label{i:D3}").ToArray();   // "label7585" past 999
        return new LabelSemantics(names, vectors, dim, seen,
            $"stand-in:seed={seed},seen={seen},unseen={unseen},dim={dim},clusters={clusters},spread={spread:R}");
    }

    private static double[] UnitGaussian(ref CounterRng rng, int dim)
    {
        var v = new double[dim];
        double n = 0;
        for (int j = 0; j < dim; j++) { v[j] = rng.NextGaussian(); n += v[j] * v[j]; }
        n = Math.Sqrt(n);
        for (int j = 0; j < dim; j++) v[j] /= n;
        return v;
    }

    private static void Normalise(float[] vectors, int dim, string source)
    {
        for (int r = 0; r < vectors.Length / dim; r++)
        {
            var row = vectors.AsSpan(r * dim, dim);
            double n = 0;
            foreach (var x in row) n += (double)x * x;
            if (!(n > 0) || double.IsInfinity(n))
                throw new ArgumentException($"{source}: vector of label {r} has norm {Math.Sqrt(n)} and cannot be normalised");
            double inv = 1.0 / Math.Sqrt(n);
            for (int j = 0; j < dim; j++) row[j] = (float)(row[j] * inv);
        }
    }
}
