// NUS-WIDE label space of the multi-label ZSL protocol (LESA, Huynh & Elhamifar CVPR 2020; also BiAM, (ML)²P):
// seen = the 1,000 Flickr tags (TagList1k) minus those that are also among the 81 human concepts (75 tags): 925;
// unseen = the 81 concepts (Concepts81). Semantics are raw 300-d GloVe rows (tags1k/concepts81_glove300).
using ZslKit.Data.Formats;

namespace ZslKit.Data.Datasets;

/// <summary>The NUS-WIDE seen/unseen label space built from TagList1k.txt and Concepts81.txt.</summary>
public sealed class NusWideLabels
{
    /// <summary>The 1,000 tags in TagList1k.txt order (= rows of tags1k_glove300).</summary>
    public required string[] Tags1k { get; init; }
    /// <summary>The 81 concepts in Concepts81.txt order (= rows of concepts81_glove300) = the unseen labels.</summary>
    public required string[] Concepts81 { get; init; }
    /// <summary>Rows of TagList1k kept as seen labels (tags not among the concepts), ascending.</summary>
    public required int[] SeenTagRows { get; init; }

    public string[] SeenLabels => SeenTagRows.Select(i => Tags1k[i]).ToArray();
    public string[] UnseenLabels => Concepts81;

    /// <summary>Reads TagList1k.txt and Concepts81.txt from <paramref name="folder"/>.</summary>
    public static NusWideLabels Load(string folder)
    {
        var tagsPath = Path.Combine(folder, "TagList1k.txt");
        var conceptsPath = Path.Combine(folder, "Concepts81.txt");
        var tags = TextList.Read(tagsPath);
        var concepts = TextList.Read(conceptsPath);
        if (tags.Length != 1000) throw new DataFormatException(tagsPath, -1, $"{tags.Length} tags, expected 1000");
        if (concepts.Length != 81) throw new DataFormatException(conceptsPath, -1, $"{concepts.Length} concepts, expected 81");
        var conceptSet = concepts.ToHashSet(StringComparer.Ordinal);
        var seen = Enumerable.Range(0, tags.Length).Where(i => !conceptSet.Contains(tags[i])).ToArray();
        return new NusWideLabels { Tags1k = tags, Concepts81 = concepts, SeenTagRows = seen };
    }

    /// <summary>
    /// Reads the raw GloVe rows of <paramref name="folder"/>/tags1k_glove300.npy [1000, dim] and concepts81_glove300.npy
    /// [81, dim] and returns the seen [925, dim] and unseen [81, dim] semantics (not normalised).
    /// </summary>
    public (float[] Seen, float[] Unseen, int Dim) LoadGloVe(string folder)
    {
        var tagsPath = Path.Combine(folder, "tags1k_glove300.npy");
        var conceptsPath = Path.Combine(folder, "concepts81_glove300.npy");
        var tagVectors = ReadMatrix(tagsPath, Tags1k.Length);
        var conceptVectors = ReadMatrix(conceptsPath, Concepts81.Length);
        if (tagVectors.Shape[1] != conceptVectors.Shape[1])
            throw new DataFormatException(conceptsPath, conceptVectors.Header.DataOffset,
                $"vectors have {conceptVectors.Shape[1]} dimensions, the tags' have {tagVectors.Shape[1]}");
        int dim = (int)tagVectors.Shape[1];
        return (SeenSemantics(tagVectors.ToFloat32(), dim), UnseenSemantics(conceptVectors.ToFloat32(), dim), dim);
    }

    private static NpyArray ReadMatrix(string path, int rows)
    {
        var array = Npy.Read(path);
        if (array.Shape.Length != 2 || array.Shape[0] != rows)
            throw new DataFormatException(path, array.Header.DataOffset,
                $"expected a [{rows}, dim] matrix (one row per label in the list), found shape ({string.Join(", ", array.Shape)})");
        return array;
    }

    /// <summary>Seen semantics [925, dim] from the tag vectors [1000, dim] (raw, not normalised).</summary>
    public float[] SeenSemantics(ReadOnlySpan<float> tagVectors, int dim)
    {
        if (tagVectors.Length != Tags1k.Length * dim)
            throw new ArgumentException($"tag vectors hold {tagVectors.Length} values, expected {Tags1k.Length} x {dim}", nameof(tagVectors));
        return LabelSemantics.SelectRows(tagVectors, dim, SeenTagRows);
    }

    /// <summary>Unseen semantics [81, dim]: the concept vectors, checked for shape (raw, not normalised).</summary>
    public float[] UnseenSemantics(ReadOnlySpan<float> conceptVectors, int dim)
    {
        if (conceptVectors.Length != Concepts81.Length * dim)
            throw new ArgumentException($"concept vectors hold {conceptVectors.Length} values, expected {Concepts81.Length} x {dim}", nameof(conceptVectors));
        return conceptVectors.ToArray();
    }
}
