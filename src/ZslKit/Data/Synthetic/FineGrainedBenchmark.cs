// Synthetic single-label fine-grained benchmark (stand-in for CUB / AwA2 with a GBU-style class split, for SGMA, Li & Wang
// and embedding baselines). Each image shows one object made of four parts (head, body, tail, limb) at a random position,
// scale and facing, over a cluttered background. A part's colours and stripe texture are a fixed hidden function of the
// class attributes that describe that part (plus per-image attribute jitter), so attributes localise to parts and unseen
// classes are predictable from their attributes. A feature-level variant gives 7x7xC maps with the same layouts.
// Everything is generated on demand from (seed, split, index). Generative model: docs/synthetic.md.
namespace ZslKit.Data.Synthetic;

/// <summary>GBU-style splits: training images of seen classes, held-out images of seen classes, images of unseen classes.</summary>
public enum FineGrainedSplit { Train, TestSeen, TestUnseen }

/// <summary>Ground truth of one image: its class, whether the object faces right, its size L in pixels and the part boxes in pixels.</summary>
public sealed record FineGrainedLayout(int Class, bool FacingRight, double ObjectSize, IReadOnlyList<GridBox> PartBoxes);

/// <summary>
/// The synthetic fine-grained benchmark. Images are [3, ImageSize, ImageSize] (CHW, RGB in [0, 1]); features are
/// [FeatureGrid², FeatureDim] (cell r = row·FeatureGrid + col). Within a split images are ordered class by class (in the
/// order of <see cref="Classes"/>), <c>ImagesPerClass</c> each. Thread-safe and deterministic.
/// </summary>
public sealed class FineGrainedBenchmark
{
    private const int AppearanceParams = 8; // base RGB, stripe RGB, stripe frequency, stripe orientation
    private static readonly int[] PaintOrder = [ClassAttributes.Body, ClassAttributes.Limb, ClassAttributes.Tail, ClassAttributes.Head];

    private readonly int[][] _partAttributes;      // [part][attribute indices]
    private readonly double[] _attributeMean;       // [A] mean over all classes
    private readonly double[] _attributeScale;      // [A] 1 / (standard deviation over classes + 0.05)
    private readonly double[][] _imageMap;          // [part] linear map [8, n_p] row-major
    private readonly double[][] _imageMapNonLinear; // [part] [8, n_p]
    private readonly double[][] _featureMap;        // [part] [C, n_p]
    private readonly double[][] _featureMapNonLinear;

    private readonly record struct Ellipse(double Cx, double Cy, double Rx, double Ry)
    {
        public bool Contains(double x, double y) { double u = (x - Cx) / Rx, v = (y - Cy) / Ry; return u * u + v * v <= 1; }
    }

    public FineGrainedBenchmark(FineGrainedBenchmarkConfig config, ClassAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(attributes);
        config.Validate();
        Config = config;
        Attributes = attributes;
        int parts = ClassAttributes.PartNames.Count;
        _partAttributes = new int[parts][];
        for (int p = 0; p < parts; p++)
        {
            var own = Enumerable.Range(0, attributes.AttributeCount).Where(j => attributes.AttributePart[j] == p).ToArray();
            _partAttributes[p] = own.Length > 0 ? own : Enumerable.Range(0, attributes.AttributeCount).ToArray();
        }
        int count = attributes.AttributeCount;
        _attributeMean = new double[count];
        _attributeScale = new double[count];
        for (int j = 0; j < count; j++)
        {
            double sum = 0, sq = 0;
            for (int c = 0; c < attributes.ClassCount; c++) { double v = attributes.Row(c)[j]; sum += v; sq += v * v; }
            double mean = sum / attributes.ClassCount;
            _attributeMean[j] = mean;
            _attributeScale[j] = 1.0 / (Math.Sqrt(Math.Max(0, sq / attributes.ClassCount - mean * mean)) + 0.05);
        }
        _imageMap = new double[parts][]; _imageMapNonLinear = new double[parts][];
        _featureMap = new double[parts][]; _featureMapNonLinear = new double[parts][];
        for (int p = 0; p < parts; p++)
        {
            int n = _partAttributes[p].Length;
            _imageMap[p] = GaussianMatrix(config.Seed, 4 * (ulong)p, AppearanceParams * n, 1.2 / Math.Sqrt(n));
            _imageMapNonLinear[p] = GaussianMatrix(config.Seed, 4 * (ulong)p + 1, AppearanceParams * n, 1.2 / Math.Sqrt(n));
            _featureMap[p] = GaussianMatrix(config.Seed, 4 * (ulong)p + 2, config.FeatureDim * n, 1.0 / Math.Sqrt(n));
            _featureMapNonLinear[p] = GaussianMatrix(config.Seed, 4 * (ulong)p + 3, config.FeatureDim * n, 1.0 / Math.Sqrt(n));
        }
        using var fp = new BenchmarkFingerprint();
        fp.Add("ZslKit.FineGrainedBenchmark/v1").AddRecord(config);
        foreach (var name in attributes.ClassNames.Concat(attributes.AttributeNames)) fp.Add(name);
        foreach (var c in attributes.SeenClasses.Concat(attributes.UnseenClasses).Concat(attributes.AttributePart)) fp.Add(c);
        Fingerprint = fp.Add(attributes.Values).Finish();
    }

    /// <summary>Builds the benchmark on AwA2 (<paramref name="cub"/> false) or CUB attributes from <paramref name="dataDir"/>, else a stand-in.</summary>
    public static FineGrainedBenchmark Create(FineGrainedBenchmarkConfig config, string? dataDir, bool cub = false) =>
        new(config, cub ? ClassAttributes.CubOrStandIn(dataDir, config.Seed) : ClassAttributes.Awa2OrStandIn(dataDir, config.Seed));

    public FineGrainedBenchmarkConfig Config { get; }
    public ClassAttributes Attributes { get; }
    /// <summary>SHA-256 (hex) of the generator version, the configuration and the class attributes, names and split.</summary>
    public string Fingerprint { get; }
    /// <summary>Floats per image: 3 x ImageSize x ImageSize.</summary>
    public int ImageLength => 3 * Config.ImageSize * Config.ImageSize;
    /// <summary>Floats per feature map: FeatureGrid² x FeatureDim.</summary>
    public int FeatureLength => Config.CellCount * Config.FeatureDim;

    /// <summary>The classes of a split: seen classes for Train and TestSeen, unseen classes for TestUnseen.</summary>
    public IReadOnlyList<int> Classes(FineGrainedSplit split) => split == FineGrainedSplit.TestUnseen ? Attributes.UnseenClasses : Attributes.SeenClasses;

    public int ImagesPerClass(FineGrainedSplit split) => split switch
    {
        FineGrainedSplit.Train => Config.TrainImagesPerClass,
        FineGrainedSplit.TestSeen => Config.TestSeenImagesPerClass,
        FineGrainedSplit.TestUnseen => Config.TestUnseenImagesPerClass,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split"),
    };

    public int ImageCount(FineGrainedSplit split) => Classes(split).Count * ImagesPerClass(split);

    /// <summary>The class (index into <see cref="ClassAttributes"/>) of image <paramref name="index"/>.</summary>
    public int ClassOf(FineGrainedSplit split, int index)
    {
        CheckIndex(split, index);
        return Classes(split)[index / ImagesPerClass(split)];
    }

    /// <summary>The class of every image of a split, in index order.</summary>
    public int[] ClassLabels(FineGrainedSplit split)
    {
        var classes = Classes(split);
        int per = ImagesPerClass(split);
        var labels = new int[classes.Count * per];
        for (int i = 0; i < labels.Length; i++) labels[i] = classes[i / per];
        return labels;
    }

    /// <summary>Class, pose and part boxes (pixels, indexed like <see cref="ClassAttributes.PartNames"/>) of one image.</summary>
    public FineGrainedLayout Layout(FineGrainedSplit split, int index)
    {
        var parts = Geometry(split, index, out bool right, out double size);
        int s = Config.ImageSize;
        var boxes = parts.Select(e =>
        {
            int top = Math.Max(0, (int)Math.Floor(e.Cy - e.Ry)), left = Math.Max(0, (int)Math.Floor(e.Cx - e.Rx));
            int bottom = Math.Min(s, (int)Math.Ceiling(e.Cy + e.Ry)), rightEdge = Math.Min(s, (int)Math.Ceiling(e.Cx + e.Rx));
            return new GridBox(top, left, bottom - top, rightEdge - left);
        }).ToArray();
        return new FineGrainedLayout(ClassOf(split, index), right, size, boxes);
    }

    /// <summary>Renders image <paramref name="index"/> into <paramref name="dest"/> as [3, ImageSize, ImageSize] RGB in [0, 1].</summary>
    public void GetImage(FineGrainedSplit split, int index, Span<float> dest)
    {
        if (dest.Length != ImageLength)
            throw new ArgumentException($"destination holds {dest.Length} floats, one image needs 3 x {Config.ImageSize} x {Config.ImageSize} = {ImageLength}", nameof(dest));
        var parts = Geometry(split, index, out _, out double size);
        var attributes = ImageAttributes(split, index);
        var looks = new double[parts.Length][];
        for (int p = 0; p < parts.Length; p++) looks[p] = Appearance(p, attributes);
        int s = Config.ImageSize, plane = s * s;
        ulong seed = Config.Seed, sp = (ulong)split, ix = (ulong)index;

        // Background colour and clutter blobs.
        var rng = new CounterRng(seed, StreamIds.Clutter, sp, ix);
        double br = rng.NextDouble(), bg = rng.NextDouble(), bb = rng.NextDouble();
        int blobs = Config.ClutterBlobs;
        var blob = new double[blobs * 6]; // cx, cy, 1/(2r²), r, g, b
        for (int k = 0; k < blobs; k++)
        {
            blob[6 * k] = rng.NextDouble() * s; blob[6 * k + 1] = rng.NextDouble() * s;
            double radius = (0.05 + 0.15 * rng.NextDouble()) * s;
            blob[6 * k + 2] = 1.0 / (2 * radius * radius);
            blob[6 * k + 3] = rng.NextDouble(); blob[6 * k + 4] = rng.NextDouble(); blob[6 * k + 5] = rng.NextDouble();
        }
        var noise = new CounterRng(seed, StreamIds.PixelNoise, sp, ix);
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                double px = x + 0.5, py = y + 0.5;
                double r = br, g = bg, b = bb;
                for (int k = 0; k < blobs; k++)
                {
                    double dx = px - blob[6 * k], dy = py - blob[6 * k + 1];
                    double w = Config.ClutterContrast * DeterministicMath.Exp(-(dx * dx + dy * dy) * blob[6 * k + 2]);
                    r += w * (blob[6 * k + 3] - r); g += w * (blob[6 * k + 4] - g); b += w * (blob[6 * k + 5] - b);
                }
                int top = TopPart(parts, px, py);
                if (top >= 0)
                {
                    // Stripes: t = f·(u·cosθ + v·sinθ) with (u, v) the offset from the part centre in object units.
                    var look = looks[top];
                    var e = parts[top];
                    DeterministicMath.SinCosTurns(look[7], out double sinT, out double cosT);
                    double t = look[6] * ((px - e.Cx) * cosT + (py - e.Cy) * sinT) / size;
                    DeterministicMath.SinCosTurns(t - Math.Floor(t), out double wave, out _);
                    double m = Config.StripeStrength * (0.5 + 0.5 * wave);
                    r = look[0] + m * (look[3] - look[0]); g = look[1] + m * (look[4] - look[1]); b = look[2] + m * (look[5] - look[2]);
                }
                double sigma = Config.PixelNoise;
                int at = y * s + x;
                dest[at] = (float)Math.Clamp(r + sigma * noise.NextGaussian(), 0, 1);
                dest[plane + at] = (float)Math.Clamp(g + sigma * noise.NextGaussian(), 0, 1);
                dest[2 * plane + at] = (float)Math.Clamp(b + sigma * noise.NextGaussian(), 0, 1);
            }
    }

    /// <summary>
    /// Writes the [FeatureGrid², FeatureDim] feature map of image <paramref name="index"/>: x_r = σ·ε_r + b + Σ_p cov_p(r)·s_p,
    /// with cov_p(r) the visible fraction of cell r covered by part p (4x4 samples per cell).
    /// </summary>
    public void GetFeatures(FineGrainedSplit split, int index, Span<float> dest)
    {
        if (dest.Length != FeatureLength)
            throw new ArgumentException($"destination holds {dest.Length} floats, one feature map needs {Config.CellCount} x {Config.FeatureDim} = {FeatureLength}", nameof(dest));
        var parts = Geometry(split, index, out _, out _);
        var attributes = ImageAttributes(split, index);
        int d = Config.FeatureDim, g = Config.FeatureGrid, partCount = parts.Length;
        var signatures = new float[partCount][];
        for (int p = 0; p < partCount; p++) signatures[p] = FeatureSignature(p, attributes);
        ulong seed = Config.Seed, sp = (ulong)split, ix = (ulong)index;
        Span<float> background = d <= 2048 ? stackalloc float[d] : new float[d];
        new CounterRng(seed, StreamIds.Background, sp, ix).FillGaussian(background, Config.FeatureBackgroundScale);
        double cell = (double)Config.ImageSize / g;
        Span<int> hits = stackalloc int[partCount];
        for (int r = 0; r < g * g; r++)
        {
            var x = dest.Slice(r * d, d);
            new CounterRng(seed, StreamIds.CellNoise, sp, ix, (ulong)r).FillGaussian(x, Config.FeatureNoiseSigma);
            for (int j = 0; j < d; j++) x[j] += background[j];
            hits.Clear();
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++)
                {
                    int top = TopPart(parts, (r % g + (sx + 0.5) / 4) * cell, (r / g + (sy + 0.5) / 4) * cell);
                    if (top >= 0) hits[top]++;
                }
            for (int p = 0; p < partCount; p++)
            {
                if (hits[p] == 0) continue;
                float cover = hits[p] / 16f;
                var sig = signatures[p];
                for (int j = 0; j < d; j++) x[j] += cover * sig[j];
            }
        }
    }

    /// <summary>Images of several indices into one [indices.Length, 3, S, S] buffer.</summary>
    public void GetImageBatch(FineGrainedSplit split, ReadOnlySpan<int> indices, Span<float> dest)
    {
        CheckBatch(indices.Length, ImageLength, dest.Length);
        for (int b = 0; b < indices.Length; b++) GetImage(split, indices[b], dest.Slice(b * ImageLength, ImageLength));
    }

    /// <summary>Feature maps of several indices into one [indices.Length, FeatureGrid², FeatureDim] buffer.</summary>
    public void GetFeatureBatch(FineGrainedSplit split, ReadOnlySpan<int> indices, Span<float> dest)
    {
        CheckBatch(indices.Length, FeatureLength, dest.Length);
        for (int b = 0; b < indices.Length; b++) GetFeatures(split, indices[b], dest.Slice(b * FeatureLength, FeatureLength));
    }

    /// <summary>Feature maps of several indices as a new array, generated in parallel.</summary>
    public float[] GetFeatureBatch(FineGrainedSplit split, IReadOnlyList<int> indices)
    {
        var dest = new float[checked(indices.Count * FeatureLength)];
        Parallel.For(0, indices.Count, b => GetFeatures(split, indices[b], dest.AsSpan(b * FeatureLength, FeatureLength)));
        return dest;
    }

    // ---------------------------------------------------------------- generative pieces

    /// <summary>Per-image attributes clamp(a_y + τ·ε, 0, 1).</summary>
    private double[] ImageAttributes(FineGrainedSplit split, int index)
    {
        var row = Attributes.Row(ClassOf(split, index));
        var rng = new CounterRng(Config.Seed, StreamIds.PartAppearance, (ulong)split, (ulong)index);
        var a = new double[row.Length];
        for (int j = 0; j < a.Length; j++) a[j] = Math.Clamp(row[j] + Config.AttributeJitter * rng.NextGaussian(), 0, 1);
        return a;
    }

    /// <summary>h = G_p·z_p + a·φ(3·H_p·z_p) ∈ R^8 → colours ½ + 0.45·φ(h_0..5), stripe frequency and orientation.</summary>
    private double[] Appearance(int part, double[] attributes)
    {
        var h = Project(part, attributes, _imageMap[part], _imageMapNonLinear[part], AppearanceParams);
        var look = new double[AppearanceParams];
        for (int k = 0; k < 6; k++) look[k] = 0.5 + 0.45 * DeterministicMath.Squash(h[k]);
        look[6] = 1.5 + 2.5 * (0.5 + 0.5 * DeterministicMath.Squash(h[6])); // stripe cycles per object size, [1.5, 4]
        look[7] = 0.25 * (1 + DeterministicMath.Squash(h[7]));              // stripe orientation in turns, [0, 0.5)
        return look;
    }

    /// <summary>s_p = A·√C·normalise(M_p·z_p + a·φ(3·N_p·z_p)).</summary>
    private float[] FeatureSignature(int part, double[] attributes)
    {
        int d = Config.FeatureDim;
        var h = Project(part, attributes, _featureMap[part], _featureMapNonLinear[part], d);
        double norm = Math.Sqrt(h.Sum(v => v * v));
        double f = norm > 0 ? Config.FeatureSignalAmplitude * Math.Sqrt(d) / norm : 0;
        var s = new float[d];
        for (int j = 0; j < d; j++) s[j] = (float)(f * h[j]);
        return s;
    }

    /// <summary>
    /// [rows, n_p] @ [n_p] (linear) + a·φ(3·[rows, n_p] @ [n_p]) on the part's standardised attributes
    /// z_j = (a_j − mean_j) / (std_j + 0.05), mean and std over all classes.
    /// </summary>
    private double[] Project(int part, double[] attributes, double[] linear, double[] nonLinear, int rows)
    {
        var idx = _partAttributes[part];
        int n = idx.Length;
        var h = new double[rows];
        for (int k = 0; k < rows; k++)
        {
            double l = 0, q = 0;
            for (int j = 0; j < n; j++) { double a = (attributes[idx[j]] - _attributeMean[idx[j]]) * _attributeScale[idx[j]]; l += linear[k * n + j] * a; q += nonLinear[k * n + j] * a; }
            h[k] = l + Config.NonLinearity * DeterministicMath.Squash(3.0 * q);
        }
        return h;
    }

    /// <summary>
    /// Part ellipses in pixels for object size L, facing f = ±1, centre (cx, cy): body (cx, cy; 0.28L, 0.17L), head
    /// (cx + 0.36fL, cy − 0.14L + δ_h; 0.12L), tail (cx − 0.38fL, cy − 0.04L + δ_t; 0.14L, 0.06L), limb
    /// (cx + 0.05fL, cy + 0.25L; 0.06L, 0.12L), δ ~ U(−0.04L, 0.04L); the centre keeps the whole object inside the image.
    /// </summary>
    private Ellipse[] Geometry(FineGrainedSplit split, int index, out bool facingRight, out double size)
    {
        CheckIndex(split, index);
        var rng = new CounterRng(Config.Seed, StreamIds.ImageLayout, (ulong)split, (ulong)index);
        int s = Config.ImageSize;
        size = (Config.MinObjectScale + (Config.MaxObjectScale - Config.MinObjectScale) * rng.NextDouble()) * s;
        facingRight = rng.NextBool(0.5);
        double f = facingRight ? 1 : -1, l = size;
        double cx = 0.52 * l + (s - 1.04 * l) * rng.NextDouble();
        double cy = 0.32 * l + (s - 0.71 * l) * rng.NextDouble();
        double dh = (rng.NextDouble() - 0.5) * 0.08 * l, dt = (rng.NextDouble() - 0.5) * 0.08 * l;
        var e = new Ellipse[4];
        e[ClassAttributes.Body] = new(cx, cy, 0.28 * l, 0.17 * l);
        e[ClassAttributes.Head] = new(cx + 0.36 * f * l, cy - 0.14 * l + dh, 0.12 * l, 0.12 * l);
        e[ClassAttributes.Tail] = new(cx - 0.38 * f * l, cy - 0.04 * l + dt, 0.14 * l, 0.06 * l);
        e[ClassAttributes.Limb] = new(cx + 0.05 * f * l, cy + 0.25 * l, 0.06 * l, 0.12 * l);
        return e;
    }

    /// <summary>The visible part at a point (painted body, limb, tail, head: later parts cover earlier ones), or −1.</summary>
    private static int TopPart(Ellipse[] parts, double x, double y)
    {
        int top = -1;
        foreach (int p in PaintOrder) if (parts[p].Contains(x, y)) top = p;
        return top;
    }

    private static double[] GaussianMatrix(ulong seed, ulong id, int count, double scale)
    {
        var rng = new CounterRng(seed, StreamIds.HiddenMap, 100 + id);
        var m = new double[count];
        for (int i = 0; i < count; i++) m[i] = scale * rng.NextGaussian();
        return m;
    }

    private void CheckIndex(FineGrainedSplit split, int index)
    {
        int count = ImageCount(split);
        if ((uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the {split} split has {count} images");
    }

    private static void CheckBatch(int images, int perImage, int destLength)
    {
        if ((long)images * perImage != destLength)
            throw new ArgumentException($"destination holds {destLength} values, {images} images need {images} x {perImage} = {(long)images * perImage}", "dest");
    }
}
