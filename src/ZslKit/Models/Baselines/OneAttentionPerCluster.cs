// OneAttentionPerCluster.cs - "One Attention per Cluster" row of LESA's Table 1 (Huynh & Elhamifar, CVPR 2020,
// Sec. 5.2): the label vectors are grouped by k-means into M clusters and each cluster gets one attention module;
// a label is scored only by its cluster's attended feature (instead of LESA's max over modules, Eq. 12). Unseen labels
// join the cluster with the nearest centroid. Trained with L_rank (Eq. 13) + λ_rel·L_rel (Eq. 8).
using ZslKit.Losses;
using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Models.Baselines;

/// <summary>LESA's attention trunk with M modules; s_c = s_{k(c),c}, k(c) = argmin_k ‖v̂_c − μ_k‖ (v̂ = unit vector).</summary>
public sealed class OneAttentionPerCluster : Module, ILesaTrainable
{
    private readonly LesaModel _trunk;
    private readonly Tensor _centroids;     // [M, dv]

    /// <param name="config">Trunk configuration; <see cref="LesaConfig.Modules"/> is the cluster count.</param>
    /// <param name="seenVectors">[S, dv] seen-label vectors clustered by k-means (unit-normalised first); S ≥ M, dv = config.WordDim.</param>
    public OneAttentionPerCluster(LesaConfig config, Tensor seenVectors, int seed = 0) : base(nameof(OneAttentionPerCluster))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(seenVectors);
        config.Validate();
        if (seenVectors.dim() != 2 || seenVectors.size(1) != config.WordDim)
            throw new ArgumentException($"OneAttentionPerCluster: seenVectors must be [S, {config.WordDim}] (config.WordDim), got {ModelChecks.Shape(seenVectors)}", nameof(seenVectors));
        if (seenVectors.size(0) < config.Modules)
            throw new ArgumentException($"OneAttentionPerCluster: config.Modules = {config.Modules} exceeds the {seenVectors.size(0)} seen vectors " +
                "(k-means makes one cluster per module)", nameof(config));
        _trunk = new LesaModel(config);
        register_module("trunk", _trunk);
        using (var scope = torch.NewDisposeScope())
        {
            var unit = F.normalize(seenVectors.to(ScalarType.Float32), dim: 1);
            var rows = unit.ToArray<float>();
            var centroids = KMeans.Fit(rows, (int)unit.size(0), (int)unit.size(1), config.Modules, seed);
            _centroids = torch.tensor<float>(centroids.AsSpan(), [config.Modules, unit.size(1)]).DetachFromDisposeScope();
        }
        register_buffer("centroids", _centroids);
    }

    public string Name => $"One Attention per Cluster (M={_trunk.Config.Modules})";
    public Module Module => this;
    public LesaModel Trunk => _trunk;

    /// <summary>One-hot cluster membership [M, C] of label vectors [C, dv].</summary>
    public Tensor Membership(Tensor labelVectors)
    {
        ModelChecks.Vectors("OneAttentionPerCluster.Membership", labelVectors, nameof(labelVectors), "label vectors", _centroids.size(1), _centroids);
        using var scope = torch.NewDisposeScope();
        var unit = F.normalize(labelVectors, dim: 1);                           // [C, dv]
        var sim = _centroids.matmul(unit.t());                                  // [M, dv] @ [dv, C] -> [M, C]
        var dist = _centroids.pow(2).sum(1, keepdim: true) - sim * 2;           // ‖μ‖² − 2⟨μ, v̂⟩ (+ ‖v̂‖² = 1, constant) -> [M, C]
        var nearest = dist.argmin(0, keepdim: true);                            // [1, C]
        return torch.zeros_like(dist).scatter(0, nearest, torch.ones([1, dist.size(1)], dist.dtype, dist.device)).MoveToOuterDisposeScope();
    }

    /// <summary>L_rank + λ_rel·L_rel (margin 0), both per label column; a label's cluster comes from its own vector: training may pass only the annotated columns.</summary>
    public bool SeparableLabelColumns => true;

    /// <summary>The label vectors [C, dv] themselves (a copy): the trunk embeds them and <see cref="Membership"/> clusters them.</summary>
    public Tensor EmbedLabels(Tensor labelVectors)
    {
        ModelChecks.Vectors("OneAttentionPerCluster.EmbedLabels", labelVectors, nameof(labelVectors), "label vectors", _centroids.size(1), _centroids);
        return labelVectors.clone();
    }

    public Tensor Scores(Tensor features, Tensor embeddedLabels) => Forward(features, embeddedLabels, "OneAttentionPerCluster.Scores").Scores;

    private LesaOutput Forward(Tensor features, Tensor labelVectors, string method)
    {
        var c = _trunk.Config;
        ModelChecks.Features(method, features, c.RegionCount, c.FeatureDim, _centroids);
        ModelChecks.Vectors(method, labelVectors, nameof(labelVectors), "label vectors", c.WordDim, _centroids);
        using var scope = torch.NewDisposeScope();
        var o = _trunk.forward(features, labelVectors);
        var s = (o.ModuleScores * Membership(labelVectors).unsqueeze(0)).sum(1);   // [B, M, C] * [1, M, C] -> sum_m -> [B, C]
        var result = o with { Scores = s };
        scope.MoveToOuter(s); scope.MoveToOuter(o.GlobalScores);
        return result;
    }

    public Tensor Loss(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        LossBreakdown(features, labels, seenVectors, maxPositives).Total;

    /// <summary>L_rank + λ_rel·L_rel; terms "rank" and "rel" (unweighted).</summary>
    public LossBreakdown LossBreakdown(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null)
    {
        using var scope = torch.NewDisposeScope();
        var o = Forward(features, seenVectors, "OneAttentionPerCluster.Loss");
        var rank = RankingLoss.ForModel(o.Scores, labels, maxPositives: maxPositives);
        var rel = AttentionRelevanceLoss.ForModel(o.Scores, o.GlobalScores, labels);
        var loss = rank + rel * _trunk.Config.LambdaRel;
        scope.MoveToOuter(loss); scope.MoveToOuter(rank); scope.MoveToOuter(rel);
        return new LossBreakdown(loss, [new("rank", rank), new("rel", rel)]);
    }
}

/// <summary>Lloyd's k-means with k-means++ seeding on row-major float rows (deterministic for a seed).</summary>
internal static class KMeans
{
    public static float[] Fit(float[] rows, int n, int dim, int k, int seed, int iterations = 50)
    {
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, {n}] (rows)");
        var rng = new Random(seed);
        var centers = new float[k * dim];
        var d2 = new double[n];
        int first = rng.Next(n);
        rows.AsSpan(first * dim, dim).CopyTo(centers);
        for (int c = 1; c < k; c++)
        {
            double total = 0;
            for (int i = 0; i < n; i++) { d2[i] = Nearest(rows, i, centers, c, dim).Dist; total += d2[i]; }
            double pick = rng.NextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) { pick -= d2[i]; if (pick <= 0) { chosen = i; break; } }
            rows.AsSpan(chosen * dim, dim).CopyTo(centers.AsSpan(c * dim));
        }
        var assign = new int[n];
        for (int it = 0; it < iterations; it++)
        {
            bool changed = false;
            for (int i = 0; i < n; i++)
            {
                int a = Nearest(rows, i, centers, k, dim).Index;
                if (a != assign[i] || it == 0) { changed |= a != assign[i]; assign[i] = a; }
            }
            var sums = new double[k * dim];
            var counts = new int[k];
            for (int i = 0; i < n; i++)
            {
                counts[assign[i]]++;
                for (int j = 0; j < dim; j++) sums[assign[i] * dim + j] += rows[i * dim + j];
            }
            for (int c = 0; c < k; c++)
                if (counts[c] > 0)
                    for (int j = 0; j < dim; j++) centers[c * dim + j] = (float)(sums[c * dim + j] / counts[c]);
            if (!changed && it > 0) break;
        }
        return centers;
    }

    private static (int Index, double Dist) Nearest(float[] rows, int i, float[] centers, int count, int dim)
    {
        int best = 0; double bestDist = double.PositiveInfinity;
        for (int c = 0; c < count; c++)
        {
            double d = 0;
            for (int j = 0; j < dim; j++) { double x = rows[i * dim + j] - centers[c * dim + j]; d += x * x; }
            if (d < bestDist) { bestDist = d; best = c; }
        }
        return (best, bestDist);
    }
}
