// AdamW.cs - Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
// ICLR 2019, Algorithm 2), in torch.optim.AdamW's single-tensor formulation.
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Optim;

/// <summary>Adam with decoupled weight decay: p ← p·(1 − lr·wd) before the Adam update (the gradient is not decayed).</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<ParamGroup> groups, double lr, AdamOptions options, double weight_decay = 0.01)
        : base(groups, lr, options, weight_decay) { }

    public override string Name => "AdamW";

    internal override OptimKind Kind => OptimKind.AdamW;
}
