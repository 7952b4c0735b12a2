// Named multi-label evaluation protocols: NUS-WIDE (LESA reference) and Open Images (BiAM), with their ZSL/GZSL label spaces.
namespace ZslKit.Metrics;

/// <summary>A label space: the score columns are the <paramref name="Seen"/> seen labels first, then the unseen ones.</summary>
public sealed record LabelSpace(string Name, int Seen, int Unseen)
{
    public int Columns => Seen + Unseen;
}

/// <summary>
/// How a multi-label table is computed: whether images without positives count in P/R/F1@K, which mAP variant is the
/// headline `map`, and the ZSL/GZSL label spaces the score columns must match.
/// </summary>
public sealed record MultiLabelProtocol(string Name, bool KeepImagesWithoutPositives, MapVariant Map, LabelSpace Zsl, LabelSpace Gzsl)
{
    /// <summary>NUS-WIDE, LESA reference: keep images without positives, mAP over all columns. ZSL 81; GZSL 925 + 81.</summary>
    public static readonly MultiLabelProtocol Nus = new("nus", true, MapVariant.All, new("zsl", 0, 81), new("gzsl", 925, 81));

    /// <summary>Open Images (BiAM): exclude images without positives; mAP over annotated labels and images. ZSL 400; GZSL 7,186 + 400.</summary>
    public static readonly MultiLabelProtocol OpenImages = new("openimages", false, MapVariant.AnnotatedImages, new("zsl", 0, 400), new("gzsl", 7186, 400));

    public static IReadOnlyList<MultiLabelProtocol> Known { get; } = [Nus, OpenImages];

    /// <summary>The protocol called <paramref name="name"/> (case-insensitive).</summary>
    public static MultiLabelProtocol Parse(string name) =>
        Known.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new MetricInputException("--protocol", $"unknown protocol '{name}' (known: {string.Join(", ", Known.Select(p => p.Name))})");

    /// <summary>The label space called zsl or gzsl.</summary>
    public LabelSpace Space(string name) => name.ToLowerInvariant() switch
    {
        "zsl" => Zsl,
        "gzsl" => Gzsl,
        _ => throw new MetricInputException("--space", $"unknown label space '{name}' (known: zsl, gzsl)"),
    };

    /// <summary>Checks that a score matrix has the columns of <paramref name="space"/>.</summary>
    public void CheckColumns(LabelSpace space, int columns, string input)
    {
        if (columns != space.Columns)
            throw new MetricInputException(input, $"{Name} {space.Name} expects {space.Columns} label columns ({space.Seen} seen + {space.Unseen} unseen), got {columns}");
    }
}
