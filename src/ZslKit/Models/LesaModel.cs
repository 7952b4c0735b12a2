// LesaModel.cs - LESA's shared multi-attention model (Huynh & Elhamifar, "A Shared Multi-Attention Framework for
// Multi-Label Zero-Shot Learning", CVPR 2020, Sec. 3.2-3.4, Eq. 3-6 and 12) in the official code's form: optional
// 2x2 conv, constant-1 channels, attention shared by all labels, label embedding θ_c = W3·v_c, max over modules
// (checked against hbdat/cvpr20_LESA core/model_share_attention.py; initialisation: LesaConfig.Init).
using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Models;

/// <summary>What one LESA forward pass produces (B images, R regions, M modules, C labels).</summary>
/// <param name="Scores">s_c = max_m s_{m,c} (Eq. 12): [B, C].</param>
/// <param name="ModuleScores">s_{m,c} = ⟨θ_c, z_m⟩ (Eq. 6): [B, M, C].</param>
/// <param name="Logits">Attention logits e_{r,m} (before the softmax over regions): [B, R, M].</param>
/// <param name="Attention">α_{m,r} = softmax_r(e_{r,m}) (Eq. 4), stored [B, R, M].</param>
/// <param name="GlobalScores">s̄_c = ⟨θ_c, mean_r F_r⟩, the mean-pooled baseline of L_rel (Eq. 8): [B, C].</param>
public sealed record LesaOutput(Tensor Scores, Tensor ModuleScores, Tensor Logits, Tensor Attention, Tensor GlobalScores);

/// <summary>
/// LESA. Parameters (PyTorch names as in bench/lesa_twin.py): <c>W1</c> [D(+1), H], <c>W2</c> [H(+1), M],
/// <c>W3</c> [D, dv], and with <see cref="LesaConfig.UseConv"/> <c>conv.weight</c> [D, D, 2, 2] and <c>bn.*</c>.
/// </summary>
public sealed class LesaModel : Module
{
    private readonly Parameter _W1, _W2, _W3;
    private readonly Conv2d? _conv;
    private readonly BatchNorm2d? _bn;

    public LesaModel(LesaConfig config) : base(nameof(LesaModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int one = config.AppendConstantChannel ? 1 : 0;
        using (torch.NewDisposeScope())
        {
            long d1 = config.FeatureDim + one, h1 = config.AttentionHidden + one;
            if (config.Init == LesaInit.VarianceScaling)
            {
                // Official: TF-1 variance_scaling_initializer() = truncated normal, σ = sqrt(1.3·2/fan_in), fan_in = rows.
                _W1 = new Parameter(TruncatedNormal([d1, config.AttentionHidden], Math.Sqrt(2.6 / d1)));
                _W2 = new Parameter(TruncatedNormal([h1, config.Modules], Math.Sqrt(2.6 / h1)));
                _W3 = new Parameter(TruncatedNormal([config.FeatureDim, config.WordDim], Math.Sqrt(2.6 / config.FeatureDim)));
            }
            else
            {
                // ZslKit's default: N(0, 1/fan) with fan = rows for W1, W2 and dv for W3.
                _W1 = new Parameter(torch.randn(d1, config.AttentionHidden) * (1 / Math.Sqrt(d1)));
                _W2 = new Parameter(torch.randn(h1, config.Modules) * (1 / Math.Sqrt(h1)));
                _W3 = new Parameter(torch.randn(config.FeatureDim, config.WordDim) * (1 / Math.Sqrt(config.WordDim)));
            }
        }
        register_parameter("W1", _W1);
        register_parameter("W2", _W2);
        register_parameter("W3", _W3);
        if (config.UseConv)
        {
            _conv = torch.nn.Conv2d(config.FeatureDim, config.FeatureDim, (2, 2), bias: false);
            _bn = torch.nn.BatchNorm2d(config.FeatureDim, eps: config.BatchNormEps, momentum: config.BatchNormMomentum);
            register_module("conv", _conv);
            register_module("bn", _bn);
            if (config.Init == LesaInit.VarianceScaling)
                using (torch.no_grad()) torch.nn.init.xavier_uniform_(_conv.weight);   // slim.conv2d's default initialiser
        }
    }

    /// <summary>N(0, σ²) truncated to ±2σ (TF truncated_normal): entries outside are redrawn, at most 32 rounds, then clamped.</summary>
    private static Tensor TruncatedNormal(long[] shape, double std)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(shape);
        for (int round = 0; round < 32; round++)
        {
            var outside = x.abs().gt(2);
            if (!outside.any().item<bool>()) break;
            x = torch.where(outside, torch.randn(shape), x);
        }
        return (x.clamp(-2, 2) * std).MoveToOuterDisposeScope();
    }

    /// <summary>ConvWeightDecay·Σw²/2 over the conv weight (TF l2_regularizer); a zero scalar without conv or decay.</summary>
    public Tensor RegularizationLoss()
    {
        if (_conv is null || Config.ConvWeightDecay == 0) return torch.zeros([], _W1.dtype, _W1.device);
        using var scope = torch.NewDisposeScope();
        return (_conv.weight.pow(2).sum() * (Config.ConvWeightDecay / 2)).MoveToOuterDisposeScope();
    }

    public LesaConfig Config { get; }

    /// <summary>θ_c = W3·normalise(v_c), with a 0 appended for the constant channel: [C, dv] → [C, D(+1)]. The vectors
    /// must have the model's dtype (or autocast's lower precision inside an autocast scope) and be on its device.</summary>
    public Tensor LabelEmbedding(Tensor labelVectors) => Embed(labelVectors, "LesaModel.LabelEmbedding");

    private Tensor Embed(Tensor labelVectors, string method)
    {
        ModelChecks.Vectors(method, labelVectors, nameof(labelVectors), "label vectors", Config.WordDim, _W3);
        using var scope = torch.NewDisposeScope();
        var v = Config.NormalizeLabelVectors ? F.normalize(labelVectors, dim: 1) : labelVectors;
        var theta = v.matmul(_W3.t());                                   // [C, dv] @ [dv, D] -> [C, D]
        if (Config.AppendConstantChannel)
            theta = torch.cat([theta, torch.zeros([theta.size(0), 1], theta.dtype, theta.device)], 1); // [C, D+1]
        return theta.MoveToOuterDisposeScope();
    }

    /// <summary>θ_c = W3·normalise(v_c) without the constant channel's 0: [C, dv] → [C, D], contiguous. With it
    /// <see cref="Scores"/> takes the folded path (inference; the same scores as with <see cref="LabelEmbedding"/>).</summary>
    public Tensor ScoringEmbedding(Tensor labelVectors)
    {
        if (!Config.AppendConstantChannel) return Embed(labelVectors, "LesaModel.ScoringEmbedding");
        using var scope = torch.NewDisposeScope();
        return Embed(labelVectors, "LesaModel.ScoringEmbedding").narrow(1, 0, Config.FeatureDim).contiguous().MoveToOuterDisposeScope();   // [C, D+1] -> [C, D]
    }

    /// <summary>The full forward pass over all labels in one batched product (no per-label loop): features [B, R, D],
    /// label vectors [C, dv], both of the model's dtype (or autocast's lower precision inside an autocast scope) and on its device.</summary>
    public LesaOutput forward(Tensor features, Tensor labelVectors)
    {
        using var scope = torch.NewDisposeScope();
        var theta = Embed(labelVectors, "LesaModel.forward");
        var output = ForwardEmbedded(features, theta, "LesaModel.forward");
        scope.MoveToOuter(output.Scores); scope.MoveToOuter(output.ModuleScores); scope.MoveToOuter(output.Logits);
        scope.MoveToOuter(output.Attention); scope.MoveToOuter(output.GlobalScores);
        return output;
    }

    /// <summary>The region features the attention reads, [B, R, D]: the input, or with <see cref="LesaConfig.UseConv"/> the
    /// 2x2 conv → BN → ReLU of it (TF 'SAME' padding at the bottom/right).</summary>
    private Tensor Regions(Tensor features, string method)
    {
        var c = Config;
        ModelChecks.Features(method, features, c.RegionCount, c.FeatureDim, _W1);
        if (_conv is null || _bn is null) return features;
        long b = features.size(0), r = c.RegionCount, d = c.FeatureDim;
        var x = features.reshape(b, c.GridHeight, c.GridWidth, d).permute(0, 3, 1, 2);   // [B, R, D] -> [B, D, H, W]
        x = F.pad(x, [0, 1, 0, 1]);                                                    // TF 'SAME', k=2 s=1: pad right/bottom -> [B, D, H+1, W+1]
        x = _bn.forward(_conv.forward(x)).relu();                                       // [B, D, H, W]
        return x.permute(0, 2, 3, 1).reshape(b, r, d);                                  // -> [B, R, D]
    }

    /// <summary>Eq. 3-5 on features [B, R, D]: the region features the scores use (conv and constant channel applied)
    /// f [B, R, D(+1)], the attention logits [B, R, M], the attention α [B, R, M] and the attended features z [B, M, D(+1)].</summary>
    private (Tensor F, Tensor Logits, Tensor Alpha, Tensor Z) Attend(Tensor features, string method)
    {
        var f = Regions(features, method);                                              // [B, R, D]
        long b = f.size(0), r = f.size(1);
        if (Config.AppendConstantChannel)
            f = torch.cat([f, torch.ones([b, r, 1], f.dtype, f.device)], 2);            // [B, R, D+1]
        var a = f.matmul(_W1).tanh();                                                   // [B, R, D+1] @ [D+1, H] -> [B, R, H] (Eq. 3)
        if (Config.AppendConstantChannel)
            a = torch.cat([a, torch.ones([b, r, 1], a.dtype, a.device)], 2);            // [B, R, H+1]
        var logits = a.matmul(_W2);                                                     // [B, R, H+1] @ [H+1, M] -> [B, R, M]
        var alpha = logits.softmax(1);                                                  // softmax over regions (Eq. 4)
        var z = alpha.transpose(1, 2).matmul(f);                                        // [B, M, R] @ [B, R, D+1] -> [B, M, D+1] (Eq. 5)
        return (f, logits, alpha, z);
    }

    /// <summary>Eq. 3-5 with the constant channels folded into biases: [F,1]·W1 = F·W1[:D] + W1[D], [A,1]·W2 = A·W2[:H] +
    /// W2[H], and z's constant entry (Σ_r α = 1) dropped, as θ's entry for it is 0. The same z[:, :, :D] as
    /// <see cref="Attend"/> without the concatenations, and every product's inner size is D or H (aligned) instead of D+1
    /// or H+1. Requires <see cref="LesaConfig.AppendConstantChannel"/>. Features [B, R, D] → z [B, M, D].</summary>
    private Tensor AttendFolded(Tensor features, string method)
    {
        var f = Regions(features, method);                                              // [B, R, D]
        long d = Config.FeatureDim, h = Config.AttentionHidden;
        var a = f.matmul(_W1.narrow(0, 0, d)).add(_W1.narrow(0, d, 1)).tanh();          // [B, R, D] @ [D, H] + [1, H] -> [B, R, H] (Eq. 3)
        var logits = a.matmul(_W2.narrow(0, 0, h)).add(_W2.narrow(0, h, 1));            // [B, R, H] @ [H, M] + [1, M] -> [B, R, M]
        var alpha = logits.softmax(1);                                                  // softmax over regions (Eq. 4)
        return alpha.transpose(1, 2).matmul(f);                                         // [B, M, R] @ [B, R, D] -> [B, M, D] (Eq. 5)
    }

    /// <summary>Scores only, with a precomputed label embedding (inference over thousands of labels): the attention and
    /// Eq. 6/12 without the global-feature scores, module scores or logits the losses need. θ from
    /// <see cref="ScoringEmbedding"/> ([C, D]) takes the folded path (<see cref="AttendFolded"/>); θ from
    /// <see cref="LabelEmbedding"/> ([C, D+1]) the official code's concatenations.</summary>
    public Tensor Scores(Tensor features, Tensor theta)
    {
        const string method = "LesaModel.Scores";
        CheckTheta(method, theta, folded: true);
        using var scope = torch.NewDisposeScope();
        long d = Config.FeatureDim;
        var z = Config.AppendConstantChannel && theta.size(1) == d ? AttendFolded(features, method) : Attend(features, method).Z;   // [B, M, D] or [B, M, D+1]
        return z.matmul(theta.t()).amax(1).MoveToOuterDisposeScope();                  // [B, M, D(+1)] @ [D(+1), C] -> [B, M, C] -> [B, C]
    }

    /// <summary>Forward pass with θ = <see cref="LabelEmbedding"/> given: features [B, R, D], θ [C, D(+1)].</summary>
    public LesaOutput forward_embedded(Tensor features, Tensor theta) => ForwardEmbedded(features, theta, "LesaModel.forward_embedded");

    private LesaOutput ForwardEmbedded(Tensor features, Tensor theta, string method)
    {
        CheckTheta(method, theta, folded: false);
        using var scope = torch.NewDisposeScope();
        var (f, logits, alpha, z) = Attend(features, method);
        var moduleScores = z.matmul(theta.t());                                         // [B, M, D+1] @ [D+1, C] -> [B, M, C] (Eq. 6)
        var scores = moduleScores.amax(1);                                              // [B, C] (Eq. 12)
        var globalScores = f.mean(1).matmul(theta.t());                                 // [B, D+1] @ [D+1, C] -> [B, C]
        var output = new LesaOutput(scores, moduleScores, logits, alpha, globalScores);
        scope.MoveToOuter(scores); scope.MoveToOuter(moduleScores); scope.MoveToOuter(logits);
        scope.MoveToOuter(alpha); scope.MoveToOuter(globalScores);
        return output;
    }

    /// <summary>θ must be [C, D(+1)] as <see cref="LabelEmbedding"/> gives it, or with <paramref name="folded"/> also [C, D] as
    /// <see cref="ScoringEmbedding"/> gives it; of the model's dtype (or autocast's, when it was computed inside an autocast
    /// scope) and on its device.</summary>
    private void CheckTheta(string method, Tensor theta, bool folded)
    {
        ArgumentNullException.ThrowIfNull(theta);
        long d = Config.FeatureDim, width = Config.AppendConstantChannel ? d + 1 : d;
        if (theta.dim() != 2 || (theta.size(1) != width && !(folded && theta.size(1) == d)))
        {
            string expected = width == d ? $"[C, {d}] (LabelEmbedding{(folded ? " or ScoringEmbedding" : "")})"
                : folded ? $"[C, {d}] (ScoringEmbedding) or [C, {width}] (LabelEmbedding)" : $"[C, {width}] (LabelEmbedding)";
            throw new ArgumentException($"{method}: θ must be {expected}, got {ModelChecks.Shape(theta)}", nameof(theta));
        }
        ModelChecks.DtypeAndDevice(method, theta, nameof(theta), "θ", _W1);
    }
}

/// <summary>Argument checks shared by <see cref="LesaModel"/> and the Table 1 baselines: shapes, dtypes and devices of region
/// features and label vectors. Each reads only tensor metadata and autocast's thread state (no host sync).</summary>
internal static class ModelChecks
{
    public static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    private static string Name(ScalarType type) => type.ToString().ToLowerInvariant();

    /// <summary>A constructor's width argument (D, dv, hidden): in [1, <see cref="LesaConfig.MaxWidth"/>] as LesaConfig's.</summary>
    public static void Width(string type, int value, string paramName)
    {
        if (value is < 1 or > LesaConfig.MaxWidth)
            throw new ArgumentOutOfRangeException(paramName, value, $"{type}: {paramName} must be in [1, {LesaConfig.MaxWidth}]");
    }

    /// <summary>Region features [B, R, D] (R = <paramref name="regions"/>, or any with -1) of the model's dtype and device
    /// (<paramref name="parameter"/>: a parameter the features meet).</summary>
    public static void Features(string method, Tensor features, long regions, long dim, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 3 || (regions >= 0 && features.size(1) != regions) || features.size(2) != dim)
            throw new ArgumentException($"{method}: features must be [B, {(regions >= 0 ? regions.ToString() : "R")}, {dim}], got {Shape(features)}", nameof(features));
        DtypeAndDevice(method, features, nameof(features), "features", parameter);
    }

    /// <summary>Label vectors [C, dim] of the model's dtype and device; <paramref name="what"/> names them in the message
    /// ("label vectors", "seen vectors").</summary>
    public static void Vectors(string method, Tensor vectors, string paramName, string what, long dim, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(vectors, paramName);
        if (vectors.dim() != 2 || vectors.size(1) != dim)
            throw new ArgumentException($"{method}: {what} must be [C, {dim}], got {Shape(vectors)}", paramName);
        DtypeAndDevice(method, vectors, paramName, what, parameter);
    }

    /// <summary>An input must have <paramref name="parameter"/>'s dtype (inside an autocast scope for its device type also
    /// autocast's lower precision, which the scope's own products return) and be on its device.</summary>
    public static void DtypeAndDevice(string method, Tensor input, string paramName, string what, Tensor parameter)
    {
        var want = parameter.dtype;
        var got = input.dtype;
        if (got != want)
        {
            var type = parameter.device.type;
            bool autocast = torch.is_autocast_enabled(type);
            if (!autocast || got != torch.get_autocast_dtype(type))
                throw new ArgumentException($"{method}: {what} must be {Name(want)}" +
                    $"{(autocast ? $" or {Name(torch.get_autocast_dtype(type))} (autocast)" : "")} (the model's dtype), got {Name(got)}", paramName);
        }
        var device = input.device;
        if (device != parameter.device)
            throw new ArgumentException($"{method}: {what} are on {device}, the model on {parameter.device}: move them with .to(device)", paramName);
    }
}
