// Parameter.cs - a trainable leaf tensor owned by a module (never by a dispose scope).
namespace ZslKit.Torch;

/// <summary>A leaf tensor that a <see cref="Module"/> registers and owns; requires grad by default.</summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps the data of <paramref name="data"/> (shared storage, no history) as a new leaf.</summary>
    public Parameter(Tensor data, bool requires_grad = true)
        : base(Native.NativeMethods.zsl_detach(torch.Arg(data)), registerInScope: false)
    {
        if (requires_grad) this.requires_grad = true;
    }
}
