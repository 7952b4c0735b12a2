// The mAP variants of the multi-label tables (LESA, (ML)²P, BiAM): which labels enter the mean, which images are ranked,
// and how labels are weighted. Each is selectable by name; the name is what table captions print.
namespace ZslKit.Metrics;

/// <summary>Which label columns enter the mean.</summary>
public enum MapLabelSet
{
    /// <summary>Every column; a column without positives has AP 0 and stays in the mean (LESA reference).</summary>
    All,
    /// <summary>Only columns with at least one positive annotation (AP is undefined without one).</summary>
    WithPositives,
}

/// <summary>One mAP variant: label set, image filter and weighting, plus the name used on the CLI and in captions.</summary>
/// <param name="DropImagesWithoutPositives">Rank only images with at least one positive in the evaluated label set.</param>
/// <param name="WeightByPositives">Weight each label's AP by its positive count instead of uniformly.</param>
public sealed record MapVariant(string Name, MapLabelSet Labels, bool DropImagesWithoutPositives, bool WeightByPositives, string Caption)
{
    /// <summary>LESA reference: mean over all label columns, labels without positives count as AP 0, all images.</summary>
    public static readonly MapVariant All = new("all", MapLabelSet.All, false, false,
        "mAP over all labels (labels without positives count as 0), all test images");

    /// <summary>Mean over labels with at least one positive annotation, all images.</summary>
    public static readonly MapVariant Annotated = new("annotated", MapLabelSet.WithPositives, false, false,
        "mAP over labels with ≥1 positive annotation, all test images");

    /// <summary>Labels with ≥1 positive; images without any positive in the evaluated label set are dropped (Open Images tables).</summary>
    public static readonly MapVariant AnnotatedImages = new("annotated-images", MapLabelSet.WithPositives, true, false,
        "mAP over labels with ≥1 positive annotation, test images with ≥1 positive in the evaluated label set");

    /// <summary>Σ_l n⁺_l·AP_l / Σ_l n⁺_l over all labels and all images (positive-count-weighted mAP).</summary>
    public static readonly MapVariant Weighted = new("weighted", MapLabelSet.All, false, true,
        "positive-count-weighted mAP (Σ n⁺·AP / Σ n⁺), all test images");

    /// <summary>Every named variant, in the order reports print them.</summary>
    public static IReadOnlyList<MapVariant> Known { get; } = [All, Annotated, AnnotatedImages, Weighted];

    /// <summary>The variant called <paramref name="name"/> (case-insensitive).</summary>
    public static MapVariant Parse(string name) =>
        Known.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new MetricInputException("--map", $"unknown mAP variant '{name}' (known: {string.Join(", ", Known.Select(v => v.Name))})");

    /// <summary>Combines per-label APs (one array per image filter) into this variant's mean.</summary>
    public double Reduce(ReadOnlySpan<LabelAp> allImages, ReadOnlySpan<LabelAp> imagesWithPositives)
    {
        var aps = DropImagesWithoutPositives ? imagesWithPositives : allImages;
        double sum = 0, weight = 0;
        foreach (var ap in aps)
        {
            if (Labels == MapLabelSet.WithPositives && ap.Positives == 0) continue;
            double w = WeightByPositives ? ap.Positives : 1;
            sum += w * ap.Ap;
            weight += w;
        }
        return weight > 0 ? sum / weight : 0;
    }
}
