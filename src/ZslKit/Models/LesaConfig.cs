// LesaConfig.cs - typed configuration of LESA (Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label
// Zero-Shot Learning", CVPR 2020). Defaults follow the official TensorFlow code; every place where it differs from the
// paper text is an option here, documented in docs/lesa.md ("Official code vs paper").
namespace ZslKit.Models;

/// <summary>How L_rank (Eq. 13) normalises each image's sum of pair hinges.</summary>
public enum RankNormalization
{
    /// <summary>Official code: divide by (number of violating pairs + 1e-8).</summary>
    ViolatingPairs,
    /// <summary>Paper reading: divide by the number of (positive, negative) pairs (+ 1e-8).</summary>
    AllPairs,
}

/// <summary>What L_div (Eq. 7) decorrelates across attention modules.</summary>
public enum DiversityInput
{
    /// <summary>Official "span" form: the attention logits e (before the softmax), L2-normalised over regions.</summary>
    Logits,
    /// <summary>Paper text: the attention weights α, L2-normalised over regions.</summary>
    Attention,
}

/// <summary>How W1, W2, W3 (and the conv weight) are drawn.</summary>
public enum LesaInit
{
    /// <summary>ZslKit's default: N(0, 1/fan) (fan = rows of W1/W2, dv for W3); PyTorch's default for the conv.</summary>
    ScaledNormal,
    /// <summary>Official code (core/model_share_attention.py): TF-1 variance_scaling_initializer() — truncated normal at
    /// 2σ, σ = sqrt(1.3·2/fan_in), fan_in = rows (D+1 for W1, H+1 for W2, D for W3); the conv (slim default) Glorot-uniform.</summary>
    VarianceScaling,
}

/// <summary>Hyper-parameters of <see cref="LesaModel"/> and its training objective.</summary>
public sealed record LesaConfig
{
    /// <summary>M, the number of shared attention modules (10 in the paper; 1 gives the "LESA (M=1)" row).</summary>
    public int Modules { get; init; } = 10;
    /// <summary>D, the length of each region feature (512 for VGG-19 conv5_4).</summary>
    public int FeatureDim { get; init; } = 512;
    /// <summary>Width of the hidden attention layer tanh(F·W1) (512 in the official code).</summary>
    public int AttentionHidden { get; init; } = 512;
    /// <summary>Length of the label vectors (300 for GloVe).</summary>
    public int WordDim { get; init; } = 300;
    /// <summary>Region grid; R = GridHeight·GridWidth (14x14 = 196).</summary>
    public int GridHeight { get; init; } = 14;
    public int GridWidth { get; init; } = 14;
    /// <summary>Official option: a learned 2x2 conv (stride 1, TF 'SAME' padding) → BatchNorm → ReLU on the features.</summary>
    public bool UseConv { get; init; }
    /// <summary>Official code: append a constant-1 channel to the features and to tanh(F·W1) (learned biases); the paper has none.</summary>
    public bool AppendConstantChannel { get; init; } = true;
    /// <summary>L2-normalise the label vectors v_c before W3 (official code).</summary>
    public bool NormalizeLabelVectors { get; init; } = true;
    /// <summary>
    /// false (official): L_rank over every label column. The official code keeps the columns with any annotation (±1) in the
    /// batch ("subset labels"), which gives the same value, since unannotated (0) entries form no pair. true: only columns with
    /// a positive in the batch (an earlier ZslKit reading; it drops negatives of labels absent from the batch).
    /// </summary>
    public bool RankPresentColumnsOnly { get; init; }
    public RankNormalization RankNormalization { get; init; } = RankNormalization.ViolatingPairs;
    public DiversityInput DiversityInput { get; init; } = DiversityInput.Logits;
    /// <summary>λ of L_dist (Eq. 10-11); used only when <see cref="Modules"/> &gt; 1.</summary>
    public double LambdaDist { get; init; } = 0.1;
    /// <summary>λ of L_div (Eq. 7); used only when <see cref="Modules"/> &gt; 1.</summary>
    public double LambdaDiv { get; init; } = 0.01;
    /// <summary>λ of L_rel (Eq. 8).</summary>
    public double LambdaRel { get; init; } = 0.001;
    /// <summary>Margin of L_rel: max(0, −(s_c − s̄_c)·y_c + margin); the official code's margin_att_global, 0.0 in the released run.</summary>
    public double RelevanceMargin { get; init; }
    /// <summary>
    /// L2 penalty on the conv weight, added to the loss as ConvWeightDecay·Σw²/2 (TF l2_regularizer) when <see cref="UseConv"/>.
    /// The official code builds it with scale 0.0005 but adds it only with is_regularizer, which the released NUS-WIDE run
    /// leaves off; 0 (default) matches that run.
    /// </summary>
    public double ConvWeightDecay { get; init; }
    /// <summary>Parameter initialisation; <see cref="LesaInit.VarianceScaling"/> is the official code's.</summary>
    public LesaInit Init { get; init; } = LesaInit.ScaledNormal;
    /// <summary>TensorFlow batch_normalization defaults (eps 1e-3, moving-average decay 0.99 = PyTorch momentum 0.01).</summary>
    public double BatchNormEps { get; init; } = 1e-3;
    public double BatchNormMomentum { get; init; } = 0.01;

    public int RegionCount => GridHeight * GridWidth;

    /// <summary>The largest <see cref="Modules"/>, widths (<see cref="FeatureDim"/>, <see cref="AttentionHidden"/>,
    /// <see cref="WordDim"/>) and grid sides <see cref="Validate"/> accepts.</summary>
    public const int MaxModules = 1024, MaxWidth = 65536, MaxGridSide = 1024;

    /// <summary>The official NUS-WIDE configuration (M = 10, D = 512, 14x14, GloVe 300).</summary>
    public static LesaConfig Official { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentException($"LesaConfig.{name} = {value}: {rule}", name);
        }
        Check(Modules is >= 1 and <= MaxModules, nameof(Modules), Modules, "must be in [1, 1024]");
        Check(FeatureDim is >= 1 and <= MaxWidth, nameof(FeatureDim), FeatureDim, "must be in [1, 65536]");
        Check(AttentionHidden is >= 1 and <= MaxWidth, nameof(AttentionHidden), AttentionHidden, "must be in [1, 65536]");
        Check(WordDim is >= 1 and <= MaxWidth, nameof(WordDim), WordDim, "must be in [1, 65536]");
        Check(GridHeight is >= 1 and <= MaxGridSide, nameof(GridHeight), GridHeight, "must be in [1, 1024]");
        Check(GridWidth is >= 1 and <= MaxGridSide, nameof(GridWidth), GridWidth, "must be in [1, 1024]");
        // An undefined enum value would silently act as one of the defined ones.
        Check(Enum.IsDefined(RankNormalization), nameof(RankNormalization), RankNormalization, "must be ViolatingPairs or AllPairs");
        Check(Enum.IsDefined(DiversityInput), nameof(DiversityInput), DiversityInput, "must be Logits or Attention");
        Check(Enum.IsDefined(Init), nameof(Init), Init, "must be ScaledNormal or VarianceScaling");
        Check(LambdaDist >= 0 && double.IsFinite(LambdaDist), nameof(LambdaDist), LambdaDist, "must be finite and >= 0");
        Check(LambdaDiv >= 0 && double.IsFinite(LambdaDiv), nameof(LambdaDiv), LambdaDiv, "must be finite and >= 0");
        Check(LambdaRel >= 0 && double.IsFinite(LambdaRel), nameof(LambdaRel), LambdaRel, "must be finite and >= 0");
        Check(RelevanceMargin >= 0 && double.IsFinite(RelevanceMargin), nameof(RelevanceMargin), RelevanceMargin, "must be finite and >= 0");
        Check(ConvWeightDecay >= 0 && double.IsFinite(ConvWeightDecay), nameof(ConvWeightDecay), ConvWeightDecay, "must be finite and >= 0");
        Check(BatchNormEps > 0 && double.IsFinite(BatchNormEps), nameof(BatchNormEps), BatchNormEps, "must be finite and > 0");
        Check(BatchNormMomentum is >= 0 and <= 1, nameof(BatchNormMomentum), BatchNormMomentum, "must be in [0, 1]");
    }
}
