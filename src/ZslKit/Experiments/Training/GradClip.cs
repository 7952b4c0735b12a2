// GradClip.cs - global gradient-norm clipping (the semantics of torch.nn.utils.clip_grad_norm_ with norm_type 2), computed
// entirely on the gradients' device: no value is read back to the host, so a CUDA training step does not wait for the GPU.
using ZslKit.Torch;

namespace ZslKit.Experiments.Training;

public static class GradClip
{
    /// <summary>
    /// Computes the L2 norm of all gradients taken together, ‖g‖ = sqrt(Σ_p ‖g_p‖²) (in float64), and multiplies every
    /// gradient in place by min(1, maxNorm / (‖g‖ + 1e-6)): unchanged below the bound, scaled to the bound above it.
    /// Returns ‖g‖ before clipping as a float64 scalar tensor on the gradients' device (the caller owns it; reading it is a
    /// host sync). Parameters without a gradient are skipped; with none the result is 0 on the CPU.
    /// </summary>
    public static Tensor ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "clip_grad_norm: max norm must be > 0");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return torch.zeros([], ScalarType.Float64).MoveToOuterDisposeScope();
        var norms = torch.stack(grads.Select(g => g.to(ScalarType.Float64).norm()).ToList());     // [P] per-gradient norms
        var total = norms.pow(2).sum().sqrt();                                                      // [] global norm
        var scale = (maxNorm / (total + 1e-6)).clamp_max(1.0);                                      // [] ≤ 1, stays on the device
        foreach (var g in grads) g.mul_(scale);
        return total.MoveToOuterDisposeScope();
    }
}
