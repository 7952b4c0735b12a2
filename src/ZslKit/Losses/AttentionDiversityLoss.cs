// AttentionDiversityLoss.cs - LESA's attention diversity loss L_div (Huynh & Elhamifar, CVPR 2020, Eq. 7): different
// attention modules should look at different regions. Official "span" form by default.
using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Losses;

/// <summary>
/// ê_m = e_m / ‖e_m‖ over regions (e = attention logits, official; or α, the paper's text); G = Êᵀ Ê per image
/// [M, M] with the diagonal zeroed; L_div = ‖G‖_F over the whole batch (square root of the sum of all squares).
/// </summary>
public static class AttentionDiversityLoss
{
    /// <summary>attention [B, R, M] (logits or weights) → scalar.</summary>
    public static Tensor Compute(Tensor attention)
    {
        ArgumentNullException.ThrowIfNull(attention);
        if (attention.dim() != 3)
            throw new ArgumentException($"AttentionDiversityLoss: attention must be [B, R, M], got [{string.Join(", ", attention.shape)}]", nameof(attention));
        using var scope = torch.NewDisposeScope();
        var e = F.normalize(attention, dim: 1);                                   // unit norm over regions
        var gram = e.transpose(1, 2).matmul(e);                                   // [B, M, R] @ [B, R, M] -> [B, M, M]
        // A float32 mask for bf16/fp16 attention (autocast): libtorch 1.13 has no bf16 eye on the CPU, and the product then
        // promotes to float32 exactly as the twin's default-dtype torch.eye does.
        var maskType = e.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var offDiagonal = 1 - torch.eye(attention.size(2), dtype: maskType, device: e.device); // [M, M]
        return (gram * offDiagonal).pow(2).sum().sqrt().MoveToOuterDisposeScope();
    }
}
