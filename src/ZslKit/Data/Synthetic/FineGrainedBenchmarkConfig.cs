// Knobs of the synthetic single-label fine-grained benchmark (docs/synthetic.md gives the generative model).
namespace ZslKit.Data.Synthetic;

/// <summary>
/// Configuration of <see cref="FineGrainedBenchmark"/>. <see cref="Quick"/> renders 64x64 images and 7x7x256 feature maps;
/// <see cref="Full"/> renders 128x128 images and 7x7x2048 maps (ResNet-101 layer4-like) with more images per class.
/// </summary>
public sealed record FineGrainedBenchmarkConfig
{
    public int TrainImagesPerClass { get; init; } = 30;
    public int TestSeenImagesPerClass { get; init; } = 8;
    public int TestUnseenImagesPerClass { get; init; } = 20;
    /// <summary>Side of the square RGB images in pixels.</summary>
    public int ImageSize { get; init; } = 64;
    /// <summary>Object size L (≈ its width) as a fraction of the image side, uniform in [Min, Max].</summary>
    public double MinObjectScale { get; init; } = 0.45;
    public double MaxObjectScale { get; init; } = 0.85;
    /// <summary>τ: per-image attribute values are clamp(a_y + τ·N(0, 1), 0, 1) (intra-class variation).</summary>
    public double AttributeJitter { get; init; } = 0.1;
    /// <summary>a, weight of the non-linear part of the hidden attribute→appearance maps.</summary>
    public double NonLinearity { get; init; } = 0.5;
    /// <summary>Blend weight of the stripe colour in part textures (0 = flat colours).</summary>
    public double StripeStrength { get; init; } = 0.5;
    /// <summary>Number of soft coloured blobs in the background.</summary>
    public int ClutterBlobs { get; init; } = 6;
    /// <summary>Peak blend weight of a clutter blob over the background colour.</summary>
    public double ClutterContrast { get; init; } = 0.6;
    /// <summary>Standard deviation of the per-pixel Gaussian noise (images are clamped to [0, 1]).</summary>
    public double PixelNoise { get; init; } = 0.03;
    /// <summary>Side of the feature-map grid of the feature-level variant.</summary>
    public int FeatureGrid { get; init; } = 7;
    public int FeatureDim { get; init; } = 256;
    /// <summary>σ of the i.i.d. Gaussian noise of every feature element.</summary>
    public double FeatureNoiseSigma { get; init; } = 1.0;
    /// <summary>β of the per-image offset shared by all cells.</summary>
    public double FeatureBackgroundScale { get; init; } = 0.25;
    /// <summary>RMS per element of a part's signature in a cell it fully covers.</summary>
    public double FeatureSignalAmplitude { get; init; } = 1.5;
    public ulong Seed { get; init; }

    public static FineGrainedBenchmarkConfig Quick { get; } = new();

    public static FineGrainedBenchmarkConfig Full { get; } = new()
    {
        TrainImagesPerClass = 100, TestSeenImagesPerClass = 25, TestUnseenImagesPerClass = 50, ImageSize = 128, FeatureDim = 2048,
    };

    public int CellCount => FeatureGrid * FeatureGrid;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid knob.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentException($"FineGrainedBenchmarkConfig.{name} = {value}: {rule}", name);
        }
        static bool NonNegative(double v) => v >= 0 && double.IsFinite(v);
        Check(TrainImagesPerClass is > 0 and <= 100_000, nameof(TrainImagesPerClass), TrainImagesPerClass, "must be in [1, 10^5]");
        Check(TestSeenImagesPerClass is > 0 and <= 100_000, nameof(TestSeenImagesPerClass), TestSeenImagesPerClass, "must be in [1, 10^5]");
        Check(TestUnseenImagesPerClass is > 0 and <= 100_000, nameof(TestUnseenImagesPerClass), TestUnseenImagesPerClass, "must be in [1, 10^5]");
        Check(ImageSize is >= 16 and <= 1024, nameof(ImageSize), ImageSize, "must be in [16, 1024]");
        Check(MinObjectScale is > 0.1 and <= 0.95, nameof(MinObjectScale), MinObjectScale, "must be in (0.1, 0.95]");
        Check(MaxObjectScale >= MinObjectScale && MaxObjectScale <= 0.95, nameof(MaxObjectScale), MaxObjectScale, "must be in [MinObjectScale, 0.95] (the object, 1.04 L wide, must fit)");
        Check(NonNegative(AttributeJitter), nameof(AttributeJitter), AttributeJitter, "must be finite and >= 0");
        Check(NonNegative(NonLinearity), nameof(NonLinearity), NonLinearity, "must be finite and >= 0");
        Check(StripeStrength is >= 0 and <= 1, nameof(StripeStrength), StripeStrength, "must be in [0, 1]");
        Check(ClutterBlobs is >= 0 and <= 100, nameof(ClutterBlobs), ClutterBlobs, "must be in [0, 100]");
        Check(ClutterContrast is >= 0 and <= 1, nameof(ClutterContrast), ClutterContrast, "must be in [0, 1]");
        Check(NonNegative(PixelNoise), nameof(PixelNoise), PixelNoise, "must be finite and >= 0");
        Check(FeatureGrid is > 0 and <= 64, nameof(FeatureGrid), FeatureGrid, "must be in [1, 64]");
        Check(FeatureDim is > 0 and <= 8192, nameof(FeatureDim), FeatureDim, "must be in [1, 8192]");
        Check(NonNegative(FeatureNoiseSigma), nameof(FeatureNoiseSigma), FeatureNoiseSigma, "must be finite and >= 0");
        Check(NonNegative(FeatureBackgroundScale), nameof(FeatureBackgroundScale), FeatureBackgroundScale, "must be finite and >= 0");
        Check(NonNegative(FeatureSignalAmplitude), nameof(FeatureSignalAmplitude), FeatureSignalAmplitude, "must be finite and >= 0");
    }
}
