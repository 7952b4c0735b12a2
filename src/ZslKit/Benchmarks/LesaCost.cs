// LesaCost.cs - the arithmetic and memory traffic of the LESA work `zsl bench lesa-step|lesa-infer` times (Huynh &
// Elhamifar, CVPR 2020: attention Eq. 3-5, scores Eq. 6/12, the losses of Eq. 14), counted from the shapes, so that a
// measured time becomes a share of a device's peak FLOP/s and memory bandwidth (BenchRoofline).
// FLOPs: matrix products only, 2·m·n·k each, backward included, as PyTorch's profiler counts the aten::mm/bmm/addmm
// events of the twin (tests/fixtures/lesa_cost/gen_flops.py; LesaCostTests match it exactly). Element-wise work (tanh,
// softmax, the losses) is left out: a small share (the profiler's aten::add/mul count was 0.4 % of the matmul FLOPs of a
// training step on the fixture's first shape).
// Traffic (inference only): two models bracketing what an eager pass moves, in bytes of float32:
//   compulsory — every input, weight and output crosses memory once (a lower bound: perfect reuse);
//   per-kernel — each eager kernel reads its inputs and writes its output in full (no reuse in the caches: an upper
//                estimate; an H100's 50 MB L2 holds a batch-32 intermediate, so real DRAM traffic can be lower).
namespace ZslKit.Benchmarks;

/// <summary>The shape of the benchmarked LESA work (no 2x2 conv: the benches never use it).</summary>
/// <param name="AppendConstant">The official constant channels ([F,1], [A,1], θ's 0), as the training step and
/// fold=off inference compute them; fold=on inference folds them into biases.</param>
public sealed record LesaShape(long Batch, long Regions, long Dim, long Hidden, long Modules, long Labels, long WordDim, bool AppendConstant = true)
{
    /// <summary>The shape of a LESA configuration's work on <paramref name="batch"/> images over <paramref name="labels"/> labels.</summary>
    public static LesaShape Of(ZslKit.Models.LesaConfig cfg, long batch, long labels, bool appendConstant = true)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        return new(batch, cfg.RegionCount, cfg.FeatureDim, cfg.AttentionHidden, cfg.Modules, labels, cfg.WordDim, appendConstant);
    }

    private long Dp => AppendConstant ? Dim + 1 : Dim;
    private long Hp => AppendConstant ? Hidden + 1 : Hidden;

    /// <summary>Matmul FLOPs of one training step: forward with θ = W3·v (Eq. 3-6, 12 and the global scores of L_rel),
    /// the diversity Gram matrix when M > 1, and backward (gradients of the parameters and of every intermediate that
    /// needs one; the region features and label vectors need none).</summary>
    public double StepFlops()
    {
        double b = Batch, r = Regions, m = Modules, c = Labels;
        double attend = 2 * b * r * Dp * Hidden;          // [B·R, D+1] @ [D+1, H]
        double logits = 2 * b * r * Hp * m;               // [B·R, H+1] @ [H+1, M]
        double pool = 2 * b * m * r * Dp;                 // [B, M, R] @ [B, R, D+1]
        double theta = 2 * c * WordDim * Dim;             // [C, dv] @ [dv, D]
        double module = 2 * b * m * Dp * c;               // [B·M, D+1] @ [D+1, C]
        double global = 2 * b * Dp * c;                   // [B, D+1] @ [D+1, C]
        double gram = Modules > 1 ? 2 * b * m * r * m : 0;   // [B, M, R] @ [B, R, M] (L_div)
        double forward = attend + logits + pool + theta + module + global + gram;
        // backward: one product per operand that needs a gradient (features and label vectors need none)
        double backward = attend + 2 * logits + pool + theta + 2 * module + global + 2 * gram;
        return forward + backward;
    }

    /// <summary>Matmul FLOPs of scoring one batch of <paramref name="images"/> images with θ precomputed (Eq. 3-6, 12;
    /// folded when <see cref="AppendConstant"/> is false).</summary>
    public double InferFlops(long images)
    {
        double n = images, r = Regions, m = Modules;
        return 2 * n * r * Dp * Hidden + 2 * n * r * Hp * m + 2 * n * m * r * Dp + 2 * n * m * Dp * Labels;
    }

    /// <summary>Compulsory float32 bytes of scoring <paramref name="images"/> images (in any number of batches): the
    /// features, W1, W2 and θ read once, the scores [n, C] written once.</summary>
    public double InferCompulsoryBytes(long images)
    {
        double n = images, weights = Dp * Hidden + Hp * Modules + Labels * Dp;
        if (!AppendConstant) weights += Hidden + Modules;  // the folded biases W1[D], W2[H] (read as their own tensors)
        return 4 * (n * Regions * Dim + weights + n * Labels);
    }

    /// <summary>Per-kernel float32 bytes of scoring <paramref name="images"/> images eagerly: each kernel's inputs read and
    /// output written in full. Folded: mm, +bias, tanh, mm, +bias, softmax, bmm, mm, amax. Official: the two
    /// concatenations (and the ones they append) instead of the bias additions.</summary>
    public double InferKernelBytes(long images)
    {
        double n = images, r = Regions, d = Dim, h = Hidden, m = Modules, c = Labels;
        double a = n * r * h, logits = n * r * m, z = n * m * Dp, scores = n * m * c;
        double total;
        if (AppendConstant)
        {
            double f = n * r * Dp, hp = n * r * Hp;
            total = (n * r * d + n * r + f)              // cat [F, 1]: features and ones in, [B, R, D+1] out
                  + (f + Dp * h + a)                     // mm → [B, R, H]
                  + (a + a)                              // tanh
                  + (a + n * r + hp)                     // cat [A, 1]
                  + (hp + Hp * m + logits);              // mm → [B, R, M]
            total += (logits + logits)                   // softmax over regions
                   + (logits + f + z);                   // bmm → [B, M, D+1]
        }
        else
        {
            double f = n * r * d;
            total = (f + d * h + a)                      // mm → [B, R, H]
                  + (a + h + a)                          // + W1[D]
                  + (a + a)                              // tanh
                  + (a + h * m + logits)                 // mm → [B, R, M]
                  + (logits + m + logits)                // + W2[H]
                  + (logits + logits)                    // softmax over regions
                  + (logits + f + z);                    // bmm → [B, M, D]
        }
        total += (z + c * Dp + scores)                   // mm → [B, M, C]
               + (scores + n * c);                       // amax over modules → [B, C]
        return 4 * total;
    }
}
