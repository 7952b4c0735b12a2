// RankingLoss.cs - LESA's ranking loss L_rank (Huynh & Elhamifar, CVPR 2020, Eq. 13): every annotated positive label
// should score at least 1 above every annotated negative label of the same image. Official normalisation by default.
using System.Globalization;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Losses;

/// <summary>
/// Per image i: Σ_{p ∈ P_i, n ∈ N_i} max(0, 1 + s_n − s_p) / (count + 1e-8), mean over the B images, where count is the
/// number of violating pairs (official) or of all pairs (<see cref="RankNormalization.AllPairs"/>). Labels are +1
/// (positive), −1 (negative), 0 (unannotated, ignored). Every label column takes part (official: core/model_share_attention.py,
/// _ranking_loss keeps the columns with any ±1 in the batch, which gives the same value); with <c>presentColumnsOnly</c>
/// only columns with at least one positive in the batch do (an earlier reading, kept as an option).
/// </summary>
public static class RankingLoss
{
    private const double Epsilon = 1e-8;

    /// <summary>scores [B, C] (B ≥ 1), labels [B, C] (+1/−1/0, floating or integer) → scalar. <paramref name="maxPositives"/>: an
    /// upper bound on the positives of one image in the batch (<see cref="MaxPositives"/>, counted on the host when the batch
    /// is built); null reads it from the labels, a host sync that makes a CUDA step wait for the GPU. A bound above the true
    /// maximum gives the same value (the extra rows are padding); one below it would drop positives.
    /// Checks: the labels' dtype always (bool is refused); their values (−1, 0, 1) in the read of the bound when
    /// <paramref name="maxPositives"/> is null, on any device; with a bound, on the CPU only, in one host read of the values and
    /// the true maximum (refusing a bound below it); on CUDA that read would make the step wait for the GPU, so there the
    /// values and the bound are the caller's promise. An empty batch (B = 0) is refused: the loss is a mean over images,
    /// undefined for none (the PyTorch reference fails or gives NaN).</summary>
    public static Tensor Compute(Tensor scores, Tensor labels, bool presentColumnsOnly = false,
        RankNormalization normalization = RankNormalization.ViolatingPairs, int? maxPositives = null) =>
        ComputeCore(scores, labels, presentColumnsOnly, normalization, maxPositives, checkBoundOnCpu: true);

    /// <summary><see cref="Compute"/> in the models' training losses
    /// (<see cref="LesaObjective"/>, the Table 1 baselines): with <paramref name="maxPositives"/> given it reads nothing back,
    /// on the CPU either, so that a training step makes no host read (the tests count them on the CPU as a proxy for CUDA
    /// syncs). The bound and the values are then the caller's: LesaTask counts the bound from the host labels with
    /// <see cref="MaxPositives.Of"/>, which checks the values. Without a bound the values are checked in the bound's read.</summary>
    internal static Tensor ForModel(Tensor scores, Tensor labels, bool presentColumnsOnly = false,
        RankNormalization normalization = RankNormalization.ViolatingPairs, int? maxPositives = null) =>
        ComputeCore(scores, labels, presentColumnsOnly, normalization, maxPositives, checkBoundOnCpu: false);

    private static Tensor ComputeCore(Tensor scores, Tensor labels, bool presentColumnsOnly, RankNormalization normalization,
        int? maxPositives, bool checkBoundOnCpu)
    {
        LossChecks.SameShape2D("RankingLoss", scores, labels);
        if (scores.size(0) == 0)
            throw new ArgumentException($"RankingLoss: the batch is empty (scores [{string.Join(", ", scores.shape)}]): the loss is a mean over images", nameof(scores));
        if (!Enum.IsDefined(normalization))
            throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "RankingLoss: normalization must be ViolatingPairs or AllPairs");
        if (maxPositives is < 0) throw new ArgumentOutOfRangeException(nameof(maxPositives), maxPositives, "RankingLoss: maxPositives must be >= 0");
        LossChecks.LabelType("RankingLoss", labels);
        long p;
        if (maxPositives is { } given)
        {
            p = given;
            if (checkBoundOnCpu && labels.device.type == DeviceType.CPU)
            {
                // On the CPU the values and the true maximum cost no device wait: a bound below it would drop positives.
                var (most, row) = LossChecks.ReadLabels("RankingLoss", labels);
                if (given < most)
                    throw new ArgumentOutOfRangeException(nameof(maxPositives), given,
                        $"RankingLoss: maxPositives = {given} is below the {most} positives of image {row}: positives above the bound would be dropped");
            }
        }
        else p = LossChecks.ReadLabels("RankingLoss", labels).MostPositives;                     // the one host read, values checked in it
        using var scope = torch.NewDisposeScope();
        Tensor s = scores, y = labels;
        if (presentColumnsOnly)
        {
            var present = labels.eq(1).to(ScalarType.Float32).amax(0).cpu().ToArray<float>();     // [C]
            var keep = Enumerable.Range(0, present.Length).Where(c => present[c] > 0).Select(c => (long)c).ToArray();
            if (keep.Length == 0) return (scores.sum() * 0).MoveToOuterDisposeScope();
            var index = torch.tensor(keep, device: scores.device);
            s = scores.index_select(1, index);                                                     // [B, K]
            y = labels.index_select(1, index);                                                     // [B, K]
        }
        var pos = y.eq(1).to(s.dtype);                                                             // [B, K]
        var neg = y.eq(-1).to(s.dtype);                                                            // [B, K]
        // Only (positive, negative) pairs count, so each image's positives are gathered first (padded to P, the most positives
        // of one image in the batch): the pair tensors are [B, P, K] instead of [B, K, K] (K = 925 NUS-WIDE tags, P ≈ 10).
        // topk of the 0/1 mask returns every positive (value 1) before any padding (value 0). Without maxPositives one host
        // sync reads P (above). A bound above K is capped at K.
        p = Math.Min(p, y.size(1));
        if (p == 0) return (scores.sum() * 0).MoveToOuterDisposeScope();
        var (pmask, pidx) = pos.topk(p, dim: 1);                                                   // [B, P] 1 = a positive, 0 = padding
        var sp = s.gather(1, pidx);                                                                // [B, P] scores of the positives
        var margin = s.unsqueeze(1) - sp.unsqueeze(2) + 1;                                         // [B, 1, K] - [B, P, 1] -> [B, P, K]: 1 + s_n − s_p
        var valid = pmask.unsqueeze(2) * neg.unsqueeze(1);                                         // [B, P, K]
        var hinge = margin.relu() * valid;
        var count = normalization == RankNormalization.ViolatingPairs
            ? hinge.gt(0).to(s.dtype).sum([1, 2])                                                  // [B]
            : valid.sum([1, 2]);
        return (hinge.sum([1, 2]) / (count + Epsilon)).mean().MoveToOuterDisposeScope();
    }
}

/// <summary>The most positives (+1) of one row of a host label matrix: the <c>maxPositives</c> bound of
/// <see cref="RankingLoss.Compute"/>, counted while a batch is built so the loss needs no host sync.</summary>
public static class MaxPositives
{
    /// <summary>labels: row-major [rows, columns] of +1/−1/0; any other value is refused (the count is where the training
    /// path checks the label values, as the loss does not read them back).</summary>
    public static int Of(ReadOnlySpan<sbyte> labels, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (labels.Length % columns != 0)
            throw new ArgumentException($"MaxPositives: {labels.Length} labels are not whole rows of {columns} columns", nameof(labels));
        int most = 0;
        for (int start = 0; start < labels.Length; start += columns)
        {
            int count = 0;
            for (int c = 0; c < columns; c++)
            {
                var v = labels[start + c];
                if (v == 1) count++;
                else if (v is not (0 or -1))
                    throw new ArgumentException($"MaxPositives: labels must hold -1, 0 or 1 (found {v} at [{start / columns}, {c}])", nameof(labels));
            }
            most = Math.Max(most, count);
        }
        return most;
    }
}

/// <summary>Argument checks shared by the loss functions.</summary>
internal static class LossChecks
{
    /// <summary><paramref name="scores"/> and labels both [B, C] on one device; <paramref name="scoresName"/> names the
    /// scores argument (e.g. "globalScores").</summary>
    public static void SameShape2D(string loss, Tensor scores, Tensor labels, string scoresName = "scores")
    {
        ArgumentNullException.ThrowIfNull(scores, scoresName);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.dim() != 2 || labels.dim() != 2 || scores.size(0) != labels.size(0) || scores.size(1) != labels.size(1))
            throw new ArgumentException($"{loss}: {scoresName} and labels must both be [B, C], got [{string.Join(", ", scores.shape)}] and [{string.Join(", ", labels.shape)}]");
        if (scores.device != labels.device)
            throw new ArgumentException($"{loss}: {scoresName} are on {scores.device}, labels on {labels.device}", nameof(labels));
    }

    /// <summary>Labels must be a floating or integer tensor (of −1, 0 and 1): bool is refused. Metadata only.</summary>
    public static void LabelType(string loss, Tensor labels)
    {
        if (labels.dtype is ScalarType.Bool)
            throw new ArgumentException($"{loss}: labels must be a floating or integer tensor of -1, 0 and 1, got bool (convert with .to(ScalarType.Float32): true -> 1, false -> 0)", nameof(labels));
    }

    /// <summary>In one host read of labels [B, C] (B ≥ 1): checks they hold −1, 0 or 1 (naming the first other value and
    /// where it is) and returns the most positives (+1) of one image and the first image that has them.</summary>
    public static (long MostPositives, long Row) ReadLabels(string loss, Tensor labels)
    {
        if (labels.size(1) == 0) return (0, 0);                                                        // no label columns: no positives
        using var scope = torch.NewDisposeScope();
        var counts = labels.eq(1).to(ScalarType.Int64).sum(1);                                         // [B]
        var row = counts.argmax();                                                                     // [] the first image with the most
        var bad = NotALabel(labels);                                                                   // [B·C]
        var anyBad = bad.any().to(ScalarType.Int64);                                                   // [] 0 or 1
        var first = bad.to(ScalarType.Int32).argmax() * anyBad - (1 - anyBad);                         // [] the first bad entry, else -1
        var read = torch.stack([counts.max(), row, first]).ToArray<long>();                          // [3] -> host, the one read
        if (read[2] >= 0) ThrowValue(loss, labels, read[2]);
        return (read[0], read[1]);
    }

    /// <summary>Checks labels hold −1, 0 or 1 with one host read when they are on the CPU; on CUDA it would make the caller
    /// wait for the GPU, so there the values are the caller's promise.</summary>
    public static void ValuesOnCpu(string loss, Tensor labels)
    {
        if (labels.device.type != DeviceType.CPU || labels.numel() == 0) return;
        using var scope = torch.NewDisposeScope();
        var bad = NotALabel(labels);                                                                   // [B·C]
        if (!bad.any().item<bool>()) return;
        ThrowValue(loss, labels, bad.to(ScalarType.Int32).argmax().item<long>());
    }

    /// <summary>[B·C] true where labels [B, C] hold anything but −1, 0 or 1 (NaN included).</summary>
    private static Tensor NotALabel(Tensor labels) =>
        labels.eq(1).logical_or(labels.eq(0)).logical_or(labels.eq(-1)).logical_not().flatten();          // [B, C] -> [B·C]

    private static void ThrowValue(string loss, Tensor labels, long at)
    {
        long columns = labels.size(1);
        double value = labels.flatten().narrow(0, at, 1).to(ScalarType.Float64).item<double>();
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"{loss}: labels must hold -1, 0 or 1 (found {value} at [{at / columns}, {at % columns}])"), nameof(labels));
    }
}
