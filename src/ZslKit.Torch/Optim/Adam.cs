// Adam.cs - Adam (Kingma & Ba, ICLR 2015, Algorithm 1) with L2 weight decay and AMSGrad, and AdamW (Loshchilov &
// Hutter, ICLR 2019) with decoupled weight decay, in torch.optim's single-tensor formulation.
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Optim;

/// <summary>Adam / AdamW hyper-parameters (PyTorch defaults).</summary>
public sealed record AdamOptions(double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, bool Amsgrad = false, bool Maximize = false);

/// <summary>
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − (lr/(1−β₁ᵗ))·m / (√v̂/√(1−β₂ᵗ) + ε) where v̂ = v or max(v̂, v)
/// (AMSGrad); g = ∇ + wd·p.
/// </summary>
public class Adam : Optimizer
{
    public Adam(IEnumerable<ParamGroup> groups, double lr, AdamOptions options, double weight_decay = 0)
        : base(groups, Validate(lr, options), weight_decay) => Options = options;

    public AdamOptions Options { get; }

    public override string Name => "Adam";

    internal override OptimKind Kind => OptimKind.Adam;

    private protected override string?[] SlotNames => ["exp_avg", "exp_avg_sq", Options.Amsgrad ? "max_exp_avg_sq" : null];

    private protected override ZslOptimGroup NativeGroup(ParamGroup g) => new()
    {
        Lr = g.LearningRate, WeightDecay = g.WeightDecay, Beta1 = Options.Beta1, Beta2 = Options.Beta2, Eps = Options.Eps,
        Amsgrad = Options.Amsgrad ? 1 : 0, Maximize = Options.Maximize ? 1 : 0,
    };

    private static double Validate(double lr, AdamOptions o)
    {
        ArgumentNullException.ThrowIfNull(o, "options");
        CheckNonNegative(lr, nameof(lr));
        CheckNonNegative(o.Eps, "eps");
        CheckUnit(o.Beta1, "beta1");
        CheckUnit(o.Beta2, "beta2");
        return lr;
    }
}
