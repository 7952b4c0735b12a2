// RMSprop.cs - RMSprop in PyTorch's form (eps outside the square root) or, with EpsilonInsideSqrt, TensorFlow 1's
// tf.train.RMSPropOptimizer form used by the LESA reference (Huynh & Elhamifar, CVPR 2020): eps inside the square
// root, lr inside the momentum accumulator, mean square starting at ones. docs/optim.md states both update rules.
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Optim;

/// <summary>RMSprop hyper-parameters (PyTorch defaults; <see cref="Alpha"/> is TF's <c>decay</c>).</summary>
public sealed record RMSpropOptions(
    double Alpha = 0.99, double Eps = 1e-8, double Momentum = 0, bool Centered = false, bool EpsilonInsideSqrt = false,
    bool Maximize = false);

/// <summary>
/// PyTorch: v ← α·v + (1−α)·g²; d = √(v − ḡ²) + ε (centered) or √v + ε; b ← μ·b + g/d, p ← p − lr·b (μ &gt; 0) or
/// p ← p − lr·g/d. TensorFlow 1 (<see cref="RMSpropOptions.EpsilonInsideSqrt"/>): v₀ = 1, v ← v + (g² − v)(1−α);
/// m ← μ·m + lr·g/√(v + ε) (centered: √(v − ḡ² + ε)); p ← p − m.
/// </summary>
public sealed class RMSprop : Optimizer
{
    public RMSprop(IEnumerable<ParamGroup> groups, double lr, RMSpropOptions options, double weight_decay = 0)
        : base(groups, Validate(lr, options), weight_decay) => Options = options;

    public RMSpropOptions Options { get; }

    public override string Name => "RMSprop";

    internal override OptimKind Kind => Options.EpsilonInsideSqrt ? OptimKind.RmsPropTf : OptimKind.RmsProp;

    // TF form keeps its momentum accumulator always (TF applies it even with momentum 0).
    private protected override string?[] SlotNames =>
    [
        "square_avg",
        Options.EpsilonInsideSqrt || Options.Momentum > 0 ? "momentum_buffer" : null,
        Options.Centered ? "grad_avg" : null,
    ];

    private protected override double SlotInitialValue(int slot) => Options.EpsilonInsideSqrt && slot == 0 ? 1 : 0;

    private protected override ZslOptimGroup NativeGroup(ParamGroup g) => new()
    {
        Lr = g.LearningRate, Momentum = Options.Momentum, WeightDecay = g.WeightDecay, Alpha = Options.Alpha, Eps = Options.Eps,
        Centered = Options.Centered ? 1 : 0, Maximize = Options.Maximize ? 1 : 0,
    };

    private static double Validate(double lr, RMSpropOptions o)
    {
        ArgumentNullException.ThrowIfNull(o, "options");
        CheckNonNegative(lr, nameof(lr));
        CheckNonNegative(o.Eps, "eps");
        CheckNonNegative(o.Momentum, "momentum");
        CheckUnit(o.Alpha, "alpha");
        return lr;
    }
}
