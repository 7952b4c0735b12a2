// IMultiLabelRegions.cs - what multi-label zero-shot models (LESA and its baselines) read from a dataset: region features
// [R, D] per image on a grid, +1/-1/0 labels (seen labels on train/validation, seen then unseen on test) and the label
// vectors. The synthetic MultiLabelBenchmark and the real NusWideRegions (feature stores) implement it.
using ZslKit.Data.Synthetic;

namespace ZslKit.Data.Datasets;

public interface IMultiLabelRegions
{
    /// <summary>One line for provenance and notebooks.</summary>
    string Description { get; }

    /// <summary>A stable content fingerprint (hex).</summary>
    string Fingerprint { get; }

    /// <summary>Label names and vectors: the seen labels first, then the unseen ones.</summary>
    Synthetic.LabelSemantics Semantics { get; }

    int SeenCount { get; }
    int UnseenCount { get; }
    int GridHeight { get; }
    int GridWidth { get; }
    int RegionCount { get; }
    int FeatureDim { get; }

    /// <summary>Floats per image: RegionCount x FeatureDim.</summary>
    int ImageLength { get; }

    int ImageCount(MultiLabelSplit split);

    /// <summary>Label columns of a split: the seen labels for train and validation, all labels for test.</summary>
    int LabelCount(MultiLabelSplit split);

    /// <summary>Region features of several images into one [indices.Length, RegionCount, FeatureDim] buffer.</summary>
    void GetRegionBatch(MultiLabelSplit split, ReadOnlySpan<int> indices, Span<float> dest);

    /// <summary>Labels of several images into one [indices.Length, LabelCount(split)] buffer.</summary>
    void GetLabelBatch(MultiLabelSplit split, ReadOnlySpan<int> indices, Span<sbyte> dest);
}
