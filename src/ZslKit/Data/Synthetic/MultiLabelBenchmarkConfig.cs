// Knobs of the synthetic multi-label region benchmark (docs/synthetic.md gives the generative model and each knob's role).
namespace ZslKit.Data.Synthetic;

/// <summary>
/// Configuration of <see cref="MultiLabelBenchmark"/>. <see cref="Quick"/> is sized for tests and notebooks on a laptop CPU;
/// <see cref="Full"/> matches NUS-WIDE's image counts and VGG conv5_4 features (14x14x512).
/// </summary>
public sealed record MultiLabelBenchmarkConfig
{
    /// <summary>Training pool (seen labels only); its last <see cref="ValidationFraction"/> is the validation split.</summary>
    public int TrainImages { get; init; } = 4000;
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Test images, labelled over seen and unseen labels.</summary>
    public int TestImages { get; init; } = 1000;
    public int GridHeight { get; init; } = 14;
    public int GridWidth { get; init; } = 14;
    /// <summary>D, the length of each region feature (512 like VGG-19 conv5_4 in Full; 128 in Quick for speed).</summary>
    public int FeatureDim { get; init; } = 128;
    /// <summary>σ, the standard deviation of the i.i.d. Gaussian noise of every region feature element.</summary>
    public double NoiseSigma { get; init; } = 2.0;
    /// <summary>β, the standard deviation of a per-image offset shared by all regions (scene/clutter appearance).</summary>
    public double BackgroundScale { get; init; } = 0.5;
    /// <summary>RMS per element of a label's visual signature where it is planted.</summary>
    public double SignalAmplitude { get; init; } = 1.0;
    /// <summary>a, weight of the non-linear part of the hidden semantics→visual map (0 = purely linear).</summary>
    public double NonLinearity { get; init; } = 0.5;
    public int MinLabelsPerImage { get; init; } = 2;
    public int MaxLabelsPerImage { get; init; } = 5;
    /// <summary>Side lengths (in regions) of a planted blob are uniform in [MinBlobSize, MaxBlobSize].</summary>
    public int MinBlobSize { get; init; } = 2;
    public int MaxBlobSize { get; init; } = 4;
    /// <summary>Fraction of labels that are "abstract": spread over random regions of the whole image instead of a blob.</summary>
    public double AbstractLabelFraction { get; init; } = 0.1;
    /// <summary>Probability that each region carries an abstract label's signature.</summary>
    public double AbstractCoverage { get; init; } = 0.5;
    /// <summary>Amplitude (relative to <see cref="SignalAmplitude"/>) of an abstract label in the regions it covers.</summary>
    public double AbstractAmplitude { get; init; } = 0.5;
    /// <summary>Number of latent topics driving label co-occurrence; each topic is anchored at a random seen label.</summary>
    public int TopicCount { get; init; } = 20;
    /// <summary>κ: labels are drawn with probability ∝ exp(κ·cos(v_c, topic anchor)).</summary>
    public double TopicConcentration { get; init; } = 8.0;
    /// <summary>In test images, probability that each drawn label comes from the unseen labels (else from the seen ones).</summary>
    public double TestUnseenDrawProbability { get; init; } = 0.3;
    /// <summary>Probability that a planted label is annotated as a different, random seen label (a wrong tag).</summary>
    public double AnnotationNoiseRate { get; init; } = 0.05;
    /// <summary>Probability that an annotation entry is 0 (unannotated) instead of ±1.</summary>
    public double UnannotatedRate { get; init; } = 0.02;
    /// <summary>Test labels are the planted ground truth, without annotation noise or 0 entries.</summary>
    public bool CleanTestLabels { get; init; } = true;
    public ulong Seed { get; init; }

    /// <summary>Small and fast: 4,000 training (400 of them validation) and 1,000 test images, D = 128, σ = 2.</summary>
    public static MultiLabelBenchmarkConfig Quick { get; } = new();

    /// <summary>NUS-WIDE sized: 161,789 training and 107,859 test images, D = 512, σ = 3.</summary>
    public static MultiLabelBenchmarkConfig Full { get; } = new()
    {
        TrainImages = 161_789, TestImages = 107_859, FeatureDim = 512, NoiseSigma = 3.0,
    };

    public int RegionCount => GridHeight * GridWidth;
    public int ValidationImages => (int)Math.Round(TrainImages * ValidationFraction);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid knob.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentException($"MultiLabelBenchmarkConfig.{name} = {value}: {rule}", name);
        }
        Check(TrainImages is > 1 and <= 10_000_000, nameof(TrainImages), TrainImages, "must be in [2, 10^7]");
        Check(TestImages is > 0 and <= 10_000_000, nameof(TestImages), TestImages, "must be in [1, 10^7]");
        Check(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
        Check(ValidationImages < TrainImages, nameof(ValidationFraction), ValidationFraction, "leaves no training images");
        Check(GridHeight is > 0 and <= 64, nameof(GridHeight), GridHeight, "must be in [1, 64]");
        Check(GridWidth is > 0 and <= 64, nameof(GridWidth), GridWidth, "must be in [1, 64]");
        Check(FeatureDim is > 0 and <= 8192, nameof(FeatureDim), FeatureDim, "must be in [1, 8192]");
        Check(NoiseSigma >= 0 && double.IsFinite(NoiseSigma), nameof(NoiseSigma), NoiseSigma, "must be finite and >= 0");
        Check(BackgroundScale >= 0 && double.IsFinite(BackgroundScale), nameof(BackgroundScale), BackgroundScale, "must be finite and >= 0");
        Check(SignalAmplitude >= 0 && double.IsFinite(SignalAmplitude), nameof(SignalAmplitude), SignalAmplitude, "must be finite and >= 0");
        Check(NonLinearity >= 0 && double.IsFinite(NonLinearity), nameof(NonLinearity), NonLinearity, "must be finite and >= 0");
        Check(MinLabelsPerImage >= 1, nameof(MinLabelsPerImage), MinLabelsPerImage, "must be >= 1");
        Check(MaxLabelsPerImage >= MinLabelsPerImage && MaxLabelsPerImage <= 64, nameof(MaxLabelsPerImage), MaxLabelsPerImage, "must be in [MinLabelsPerImage, 64]");
        Check(MinBlobSize >= 1, nameof(MinBlobSize), MinBlobSize, "must be >= 1");
        Check(MaxBlobSize >= MinBlobSize && MaxBlobSize <= Math.Min(GridHeight, GridWidth), nameof(MaxBlobSize), MaxBlobSize, "must be in [MinBlobSize, grid side]");
        Check(AbstractLabelFraction is >= 0 and <= 1, nameof(AbstractLabelFraction), AbstractLabelFraction, "must be in [0, 1]");
        Check(AbstractCoverage is > 0 and <= 1, nameof(AbstractCoverage), AbstractCoverage, "must be in (0, 1]");
        Check(AbstractAmplitude >= 0 && double.IsFinite(AbstractAmplitude), nameof(AbstractAmplitude), AbstractAmplitude, "must be finite and >= 0");
        Check(TopicCount is > 0 and <= 10_000, nameof(TopicCount), TopicCount, "must be in [1, 10^4]");
        Check(TopicConcentration is >= 0 and <= 100, nameof(TopicConcentration), TopicConcentration, "must be in [0, 100]");
        Check(TestUnseenDrawProbability is >= 0 and <= 1, nameof(TestUnseenDrawProbability), TestUnseenDrawProbability, "must be in [0, 1]");
        Check(AnnotationNoiseRate is >= 0 and <= 1, nameof(AnnotationNoiseRate), AnnotationNoiseRate, "must be in [0, 1]");
        Check(UnannotatedRate is >= 0 and <= 1, nameof(UnannotatedRate), UnannotatedRate, "must be in [0, 1]");
    }
}
