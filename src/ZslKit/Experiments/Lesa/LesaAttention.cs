// LesaAttention.cs - which attention each label uses, for Figure 4 and Table 3 of Huynh & Elhamifar, "A Shared
// Multi-Attention Framework for Multi-Label Zero-Shot Learning", CVPR 2020: in LESA label c takes the module
// m*(c) = argmax_m s_{m,c} (Eq. 12), so its attention over regions is α_{m*(c)} (Eq. 4); in "One Attention per Label"
// each label has its own α_c. Gives per-(image, label) attention maps, their peak regions and LESA's module usage counts, on
// any IMultiLabelRegions (the synthetic benchmark or real feature stores).
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Models;
using ZslKit.Models.Baselines;
using ZslKit.Torch;

namespace ZslKit.Experiments.Lesa;

/// <summary>Scores, attention peaks and (LESA only) selected modules of a batch of B images over C labels, row-major [B, C].</summary>
/// <param name="Scores">s_c of each (image, label).</param>
/// <param name="PeakRegion">r = row·W + col of the maximum of the label's attention map.</param>
/// <param name="Module">m*(c) = argmax_m s_{m,c} for LESA; null for models with one attention per label.</param>
public sealed record LabelAttentionPeaks(int Images, int Labels, float[] Scores, int[] PeakRegion, int[]? Module);

/// <summary>
/// LESA's module usage over a set of images: <c>Counts[m, j]</c> = images where module m gives the maximum score of label
/// <c>Labels[j]</c> (ties go to the lowest module index, as torch.argmax). The constructor checks the shapes: one label and
/// one name per column of <c>Counts</c>, every count in [0, Images].
/// </summary>
public sealed record ModuleUsage(int[,] Counts, IReadOnlyList<int> Labels, IReadOnlyList<string> LabelNames, int Images)
{
    public int[,] Counts { get; init; } = Check(Counts, Labels, LabelNames, Images);

    /// <summary><paramref name="counts"/> when the four parts of a usage agree; else an ArgumentException naming the part.</summary>
    internal static int[,] Check(int[,] counts, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames, int images)
    {
        ArgumentNullException.ThrowIfNull(counts, nameof(Counts));
        ArgumentNullException.ThrowIfNull(labels, nameof(Labels));
        ArgumentNullException.ThrowIfNull(labelNames, nameof(LabelNames));
        if (images < 0) throw new ArgumentOutOfRangeException(nameof(Images), images, "ModuleUsage: Images must be >= 0");
        int modules = counts.GetLength(0), columns = counts.GetLength(1);
        if (labels.Count != columns)
            throw new ArgumentException($"ModuleUsage: {labels.Count} Labels for the {columns} columns of Counts [{modules}, {columns}]", nameof(Labels));
        if (labelNames.Count != columns)
            throw new ArgumentException($"ModuleUsage: {labelNames.Count} LabelNames for the {columns} columns of Counts [{modules}, {columns}]", nameof(LabelNames));
        for (int m = 0; m < modules; m++)
            for (int j = 0; j < columns; j++)
                if (counts[m, j] < 0 || counts[m, j] > images)
                    throw new ArgumentException($"ModuleUsage: Counts must be in [0, Images = {images}] (found {counts[m, j]} at [{m}, {j}])", nameof(Counts));
        return counts;
    }

    public int Modules => Counts.GetLength(0);

    /// <summary>Fraction of the images in which each module is selected, per label: [M, labels], columns sum to 1.</summary>
    public double[,] Fractions()
    {
        var f = new double[Modules, Labels.Count];
        for (int j = 0; j < Labels.Count; j++)
            for (int m = 0; m < Modules; m++) f[m, j] = Images > 0 ? (double)Counts[m, j] / Images : 0;
        return f;
    }

    /// <summary>The columns of the given labels (benchmark label indices, each one of <see cref="Labels"/>), in that order.</summary>
    public ModuleUsage Columns(IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var column = new Dictionary<int, int>();
        for (int j = 0; j < Labels.Count; j++) column.TryAdd(Labels[j], j);
        var counts = new int[Modules, labels.Count];
        var names = new string[labels.Count];
        for (int k = 0; k < labels.Count; k++)
        {
            if (!column.TryGetValue(labels[k], out var j))
                throw new ArgumentException($"label {labels[k]} is not a column of this usage ({Labels.Count} labels)", nameof(labels));
            for (int m = 0; m < Modules; m++) counts[m, k] = Counts[m, j];
            names[k] = LabelNames[j];
        }
        return new ModuleUsage(counts, labels.ToArray(), names, Images);
    }

    /// <summary>The module selected most often for label column j (lowest index on ties).</summary>
    public int DominantModule(int j)
    {
        int best = 0;
        for (int m = 1; m < Modules; m++) if (Counts[m, j] > Counts[best, j]) best = m;
        return best;
    }

    /// <summary>How many labels have each module as their dominant module: [M].</summary>
    public int[] DominantHistogram()
    {
        var h = new int[Modules];
        for (int j = 0; j < Labels.Count; j++) h[DominantModule(j)]++;
        return h;
    }

    /// <summary>Number of distinct modules that are dominant for at least one label.</summary>
    public int DistinctDominantModules => DominantHistogram().Count(n => n > 0);

    /// <summary>Largest share of labels that have one same dominant module (1 = every label prefers one module).</summary>
    public double LargestDominantShare => Labels.Count == 0 ? 0 : (double)DominantHistogram().Max() / Labels.Count;

    /// <summary>Entropy of the pooled usage (all labels, all images) over modules, divided by log M: 0 = one module, 1 = uniform.</summary>
    public double NormalisedUsageEntropy
    {
        get
        {
            if (Modules < 2) return 0;
            double total = 0;
            var pooled = new double[Modules];
            for (int m = 0; m < Modules; m++)
                for (int j = 0; j < Labels.Count; j++) { pooled[m] += Counts[m, j]; total += Counts[m, j]; }
            if (total == 0) return 0;
            double h = 0;
            foreach (var p in pooled.Select(x => x / total)) if (p > 0) h -= p * Math.Log(p);
            return h / Math.Log(Modules);
        }
    }
}

/// <summary>Per-label attention of LESA (any M) and of One Attention per Label.</summary>
public static class LesaAttention
{
    /// <summary>
    /// Attention of each label over the regions: features [B, R, D], label vectors [C, dv] → [B, C, R]. LESA: the
    /// attention α_{m*(c)} of the module that gives the label's score (Eq. 12); One Attention per Label: α_c.
    /// </summary>
    public static Tensor LabelAttention(ILesaTrainable model, Tensor features, Tensor labelVectors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labelVectors);
        using var scope = torch.NewDisposeScope();
        switch (model)
        {
            case LesaTrainable lesa:
            {
                var o = lesa.Model.forward(features, labelVectors);
                long b = features.size(0), r = o.Attention.size(1), c = labelVectors.size(0);
                var module = o.ModuleScores.argmax(1);                                   // [B, M, C] -> [B, C]
                var perModule = o.Attention.transpose(1, 2);                             // [B, R, M] -> [B, M, R]
                var index = module.unsqueeze(2).expand(b, c, r);                         // [B, C] -> [B, C, R]
                return perModule.gather(1, index).MoveToOuterDisposeScope();             // [B, M, R] gathered on dim 1 -> [B, C, R]
            }
            case OneAttentionPerLabel perLabel:
                return perLabel.Attention(features, perLabel.EmbedLabels(labelVectors)).transpose(1, 2).contiguous()  // [B, R, C] -> [B, C, R]
                    .MoveToOuterDisposeScope();
            default:
                throw Unsupported(model);
        }
    }

    /// <summary>Scores, peak region and selected module of every (image, label) of a batch: features [B, R, D], vectors [C, dv].</summary>
    public static LabelAttentionPeaks Peaks(ILesaTrainable model, Tensor features, Tensor labelVectors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labelVectors);
        using var scope = torch.NewDisposeScope();
        int b = (int)features.size(0), c = (int)labelVectors.size(0);
        switch (model)
        {
            case LesaTrainable lesa:
            {
                var o = lesa.Model.forward(features, labelVectors);
                var module = o.ModuleScores.argmax(1);                                   // [B, M, C] -> [B, C]
                var peakPerModule = o.Attention.argmax(1);                               // [B, R, M] -> [B, M]
                var peak = peakPerModule.gather(1, module);                              // [B, M] gathered by [B, C] -> [B, C]
                return new LabelAttentionPeaks(b, c, o.Scores.ToArray<float>(), ToInt(peak), ToInt(module));
            }
            case OneAttentionPerLabel perLabel:
            {
                var v = perLabel.EmbedLabels(labelVectors);
                var peak = perLabel.Attention(features, v).argmax(1);                    // [B, R, C] -> [B, C]
                return new LabelAttentionPeaks(b, c, perLabel.Scores(features, v).ToArray<float>(), ToInt(peak), null);
            }
            default:
                throw Unsupported(model);
        }
    }

    /// <summary>
    /// LESA's module usage (Figure 4): for every image of <paramref name="split"/> of <paramref name="data"/> (the synthetic
    /// benchmark or real feature stores) and every label in <paramref name="labels"/>, the module m*(c) = argmax_m s_{m,c} is
    /// counted (issue 7 specifies Figure 4 as unseen labels counted over training images). <paramref name="maxImages"/> &gt; 0
    /// counts the first that many images of the split only (real Open Images has millions of training images); 0 = all.
    /// </summary>
    public static ModuleUsage Usage(LesaTrainable model, IMultiLabelRegions data, MultiLabelSplit split, IReadOnlyList<int> labels,
        int batchSize = 64, LesaFeatureCache? cache = null, int maxImages = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be >= 1");
        if (maxImages < 0) throw new ArgumentOutOfRangeException(nameof(maxImages), maxImages, "maxImages must be >= 0 (0 = every image)");
        int total = data.Semantics.Count;
        foreach (var l in labels)
            if ((uint)l >= (uint)total) throw new ArgumentOutOfRangeException(nameof(labels), l, $"label index must be in [0, {total})");
        int n = data.ImageCount(split);
        if (maxImages > 0) n = Math.Min(n, maxImages);
        var counts = new int[model.Model.Config.Modules, labels.Count];
        model.Model.eval();
        using var noGrad = torch.no_grad();
        using var outer = torch.NewDisposeScope();
        var all = LesaBatches.LabelVectors(data);                                           // [L, dv]
        var index = torch.tensor<long>(labels.Select(l => (long)l).ToArray().AsSpan(), [labels.Count]);
        var vectors = all.index_select(0, index);                                         // [L, dv] -> [C, dv]
        for (int start = 0; start < n; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            int count = Math.Min(batchSize, n - start);
            var (x, _, _) = LesaBatches.Batch(data, split, Enumerable.Range(start, count).ToArray(), cache);   // [B, R, D]
            Count(model.Model, x, vectors, counts);
        }
        return new ModuleUsage(counts, labels.ToArray(), labels.Select(l => data.Semantics.Names[l]).ToArray(), n);
    }

    /// <summary>Module usage over given images: features [N, R, D], label vectors [C, dv] with their names.</summary>
    public static ModuleUsage Usage(LesaTrainable model, Tensor features, Tensor labelVectors, IReadOnlyList<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labelVectors);
        ArgumentNullException.ThrowIfNull(labelNames);
        int c = (int)labelVectors.size(0);
        if (labelNames.Count != c) throw new ArgumentException($"{labelNames.Count} names for {c} label vectors", nameof(labelNames));
        var counts = new int[model.Model.Config.Modules, c];
        model.Model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Count(model.Model, features, labelVectors, counts);
        return new ModuleUsage(counts, Enumerable.Range(0, c).ToArray(), labelNames.ToArray(), (int)features.size(0));
    }

    /// <summary>Adds, per label column, one count to the module m*(c) of each image: counts [M, C].</summary>
    private static void Count(LesaModel model, Tensor features, Tensor vectors, int[,] counts)
    {
        int b = (int)features.size(0), c = counts.GetLength(1);
        var module = ToInt(model.forward(features, vectors).ModuleScores.argmax(1));        // [B, M, C] -> [B, C]
        for (int i = 0; i < b; i++)
            for (int j = 0; j < c; j++) counts[module[i * c + j], j]++;
    }

    /// <summary>The attention map of one (image, label) of <paramref name="data"/> as [grid rows, grid columns] (for overlays).</summary>
    public static double[,] Map(ILesaTrainable model, IMultiLabelRegions data, MultiLabelSplit split, int image, int label)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if ((uint)image >= (uint)data.ImageCount(split))
            throw new ArgumentOutOfRangeException(nameof(image), image, $"{split} has {data.ImageCount(split)} images");
        if ((uint)label >= (uint)data.Semantics.Count)
            throw new ArgumentOutOfRangeException(nameof(label), label, $"the data has {data.Semantics.Count} labels");
        int rows = data.GridHeight, cols = data.GridWidth;
        model.Module.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (x, _, _) = LesaBatches.Batch(data, split, [image]);                                // [1, R, D]
        var v = LesaBatches.LabelVectors(data).narrow(0, label, 1);                          // [L, dv] -> [1, dv]
        var a = LabelAttention(model, x, v).ToArray<float>();                               // [1, 1, R]
        var map = new double[rows, cols];
        for (int r = 0; r < rows * cols; r++) map[r / cols, r % cols] = a[r];
        return map;
    }

    private static int[] ToInt(Tensor t) => t.ToArray<long>().Select(v => (int)v).ToArray();

    private static ArgumentException Unsupported(ILesaTrainable model) =>
        new($"per-label attention is defined for LESA (LesaTrainable) and One Attention per Label; '{model.Name}' ({model.GetType().Name}) has none",
            nameof(model));
}
