// SGD.cs - stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay
// (torch.optim.SGD semantics: the momentum buffer starts as the first gradient, without dampening).
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Optim;

/// <summary>SGD hyper-parameters (PyTorch defaults).</summary>
public sealed record SGDOptions(double Momentum = 0, double Dampening = 0, bool Nesterov = false, bool Maximize = false);

/// <summary>
/// p ← p − lr·d, where g = ∇ + wd·p, b ← μ·b + (1−τ)·g (b₁ = g), and d = g + μ·b (Nesterov) or b (μ > 0) or g.
/// </summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<ParamGroup> groups, double lr, SGDOptions options, double weight_decay = 0)
        : base(groups, Validate(lr, options), weight_decay) => Options = options;

    public SGDOptions Options { get; }

    public override string Name => "SGD";

    internal override OptimKind Kind => OptimKind.Sgd;

    private protected override string?[] SlotNames => [Options.Momentum != 0 ? "momentum_buffer" : null, null, null];

    private protected override ZslOptimGroup NativeGroup(ParamGroup g) => new()
    {
        Lr = g.LearningRate, Momentum = Options.Momentum, Dampening = Options.Dampening, WeightDecay = g.WeightDecay,
        Nesterov = Options.Nesterov ? 1 : 0, Maximize = Options.Maximize ? 1 : 0,
    };

    private static double Validate(double lr, SGDOptions o)
    {
        ArgumentNullException.ThrowIfNull(o, "options");
        CheckNonNegative(lr, nameof(lr));
        CheckNonNegative(o.Momentum, "momentum");
        if (!double.IsFinite(o.Dampening)) throw new ArgumentOutOfRangeException("dampening", o.Dampening, "dampening must be finite");
        if (o.Nesterov && (o.Momentum <= 0 || o.Dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening", "nesterov");
        return lr;
    }
}
