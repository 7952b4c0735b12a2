// Converts LESA-style TFRecord feature releases into a feature store: each tf.train.Example holds a raw float32
// `feature` (e.g. [196, 512] region features) and integer label lists (+1/-1/0, e.g. NUS-WIDE label_1k + label_81),
// which become int8 label rows (the listed label keys concatenated in order). With IdKey (the Open Images records' img_id)
// the item ids are written next to the store as item-ids.txt, one per line in item order (localisation needs them).
using ZslKit.Data.Formats;

namespace ZslKit.Data.FeatureStore;

/// <summary>What to take from each Example.</summary>
/// <param name="ItemShape">Shape of the raw float32 feature, e.g. [196, 512].</param>
/// <param name="FeatureKey">Name of the bytes feature holding the raw float32 values.</param>
/// <param name="LabelKeys">Label features (int64 lists or raw int32 bytes) concatenated into one int8 row, in order.</param>
/// <param name="LabelCounts">Expected length of each label feature (checked per record).</param>
public sealed record TfRecordImportOptions(int[] ItemShape, string FeatureKey, string[] LabelKeys, int[] LabelCounts)
{
    public FeatureDType DType { get; init; } = FeatureDType.Fp16;
    public TfRecordCompression Compression { get; init; } = TfRecordCompression.None;
    public int ItemsPerChunk { get; init; } = 4096;
    /// <summary>Bytes feature holding each record's id (e.g. "img_id"); when set, the ids go to <see cref="TfRecordImport.ItemIdsFileName"/>.</summary>
    public string? IdKey { get; init; }
}

/// <summary>TFRecord to feature store conversion.</summary>
public static class TfRecordImport
{
    /// <summary>The sidecar naming a store's items: one id per line, in item order (written when <see cref="TfRecordImportOptions.IdKey"/> is set).</summary>
    public const string ItemIdsFileName = "item-ids.txt";

    /// <summary>Writes every record of <paramref name="files"/> (in order) into a new store at <paramref name="folder"/>; returns the item count.</summary>
    public static long ToFeatureStore(IEnumerable<string> files, string folder, TfRecordImportOptions options)
    {
        if (options.LabelKeys.Length != options.LabelCounts.Length)
            throw new ArgumentException("LabelKeys and LabelCounts differ in length", nameof(options));
        var elements = options.ItemShape.Aggregate(1, (a, d) => checked(a * d));
        var labelCount = options.LabelCounts.Sum();
        var labels = new sbyte[labelCount];
        var ids = options.IdKey is null ? null : new List<string>();
        using var writer = new FeatureStoreWriter(folder, new FeatureStoreOptions(options.ItemShape, options.DType, labelCount, options.ItemsPerChunk));
        foreach (var file in files)
        {
            using var reader = new TfRecordReader(file, options.Compression);
            while (reader.Read() is { } record)
            {
                var source = $"{file}, record {reader.RecordIndex - 1}";
                var example = TfExample.Parse(record, source);
                var feature = example.RawFloat32(options.FeatureKey, elements);
                var at = 0;
                for (var k = 0; k < options.LabelKeys.Length; k++)
                {
                    var values = example.Labels(options.LabelKeys[k]);
                    if (values.Length != options.LabelCounts[k])
                        throw new DataFormatException(source, -1, $"'{options.LabelKeys[k]}' holds {values.Length} labels, expected {options.LabelCounts[k]}");
                    foreach (var v in values)
                    {
                        if (v is < -1 or > 1) throw new DataFormatException(source, -1, $"label value {v} in '{options.LabelKeys[k]}' is not +1, -1 or 0 (the feature store's label values)");
                        labels[at++] = (sbyte)v;
                    }
                }
                if (ids is not null) ids.Add(Id(example, options.IdKey!, source));
                writer.Append(feature, labels);
            }
        }
        writer.Complete();
        if (ids is not null) File.WriteAllLines(Path.Combine(folder, ItemIdsFileName), ids);
        return writer.Count;
    }

    private static string Id(TfExample example, string key, string source)
    {
        var values = example.Bytes(key);
        if (values.Length != 1) throw new DataFormatException(source, -1, $"'{key}' holds {values.Length} values, expected one id");
        var id = System.Text.Encoding.UTF8.GetString(values[0]);
        if (id.Length == 0 || id.Any(char.IsWhiteSpace)) throw new DataFormatException(source, -1, $"id '{id}' in '{key}' is empty or holds white space");
        return id;
    }
}
