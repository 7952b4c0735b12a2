// GradClip.cs - global gradient-norm clipping (the semantics of torch.nn.utils.clip_grad_norm_ with norm_type 2).
using ZslKit.Torch;

namespace ZslKit.Experiments.Training;

public static class GradClip
{
    /// <summary>
    /// Computes the L2 norm of all gradients taken together, ‖g‖ = sqrt(Σ_p ‖g_p‖²), and when it exceeds
    /// <paramref name="maxNorm"/> multiplies every gradient in place by maxNorm / (‖g‖ + 1e-6). Returns ‖g‖ before clipping.
    /// Parameters without a gradient are skipped.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "clip_grad_norm: max norm must be > 0");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        double sumSquares = 0;
        foreach (var g in grads)
        {
            var n = g.to(ScalarType.Float64).norm().item<double>();
            sumSquares += n * n;
        }
        var total = Math.Sqrt(sumSquares);
        var coef = maxNorm / (total + 1e-6);
        if (coef < 1)
            foreach (var g in grads) g.mul_(coef);
        return total;
    }
}
