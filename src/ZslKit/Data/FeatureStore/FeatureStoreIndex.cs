// The JSON index (index.json) of a feature store folder: item shape and dtype, item count, label width, and the
// chunk files with their item counts, byte sizes and CRC-32C checksums. Loading validates it against the files.
using System.Text.Json;
using System.Text.Json.Serialization;
using ZslKit.Torch.Serialization;

namespace ZslKit.Data.FeatureStore;

/// <summary>Element type of stored items (labels are always int8); written as "fp32" / "fp16".</summary>
public enum FeatureDType { Fp32, Fp16 }

/// <summary>One chunk file of fixed-size items.</summary>
public sealed record FeatureChunk(string File, long Items, long Bytes, string Crc32C);

/// <summary>The int8 label matrix file [ItemCount, LabelCount].</summary>
public sealed record FeatureLabels(string File, long Bytes, string Crc32C);

/// <summary>Contents of index.json.</summary>
public sealed record FeatureStoreIndex
{
    public const int CurrentVersion = 1;
    public const string FileName = "index.json";

    public int Version { get; init; } = CurrentVersion;
    /// <summary>Shape of one item, e.g. [196, 512] region features.</summary>
    public required int[] ItemShape { get; init; }
    [JsonPropertyName("dtype")]
    public required FeatureDType DType { get; init; }
    public required long ItemCount { get; init; }
    /// <summary>Labels per item (0 when the store has no labels).</summary>
    public int LabelCount { get; init; }
    public required IReadOnlyList<FeatureChunk> Chunks { get; init; }
    public FeatureLabels? Labels { get; init; }
    /// <summary>Free-form description (dataset, split, extractor).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Elements per item (product of <see cref="ItemShape"/>).</summary>
    [JsonIgnore]
    public long ItemElements => ItemShape.Aggregate(1L, (a, d) => a * d);

    /// <summary>Bytes per stored item.</summary>
    [JsonIgnore]
    public long ItemBytes => ItemElements * (DType == FeatureDType.Fp16 ? 2 : 4);

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Reads and validates folder/index.json against the chunk and label files present.</summary>
    public static FeatureStoreIndex Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new DataFormatException(path, -1, "feature store index not found (was the writer finalised?)");
        var length = new FileInfo(path).Length;
        if (length > 64L << 20) throw new DataFormatException(path, 0, $"index of {length} bytes is implausibly large");
        FeatureStoreIndex? index;
        try { index = JsonSerializer.Deserialize<FeatureStoreIndex>(File.ReadAllBytes(path), Json); }
        catch (JsonException e) { throw new DataFormatException(path, -1, $"invalid JSON at {JsonErrorText.Describe(e)}", e); }
        if (index is null) throw new DataFormatException(path, 0, "index is null");
        index.Validate(folder, path);
        return index;
    }

    private void Validate(string folder, string path)
    {
        DataFormatException Bad(string m) => new(path, -1, m);
        if (Version != CurrentVersion) throw Bad($"unsupported index version {Version} (this reader knows {CurrentVersion})");
        if (!Enum.IsDefined(DType)) throw Bad($"dtype {(int)DType} is not \"fp32\" or \"fp16\"");   // the enum converter also takes numbers
        if (ItemShape is null || ItemShape.Length == 0 || ItemShape.Any(d => d <= 0)) throw Bad("itemShape must be non-empty with positive dims");
        if (ItemShape.Aggregate(1L, (a, d) => a * d) > Array.MaxLength) throw Bad($"itemShape [{string.Join(",", ItemShape)}] is too large for one item");
        if (ItemCount < 0 || LabelCount < 0) throw Bad("negative itemCount or labelCount");
        if (Chunks is null) throw Bad("no chunks list");
        long total = 0;
        foreach (var c in Chunks)
        {
            if (c is null) throw Bad("chunks holds a null entry");
            if (c.File is null || c.File.Contains('/') || c.File.Contains('\\') || c.File.Contains("..")) throw Bad($"bad chunk file name '{c.File}'");
            if (c.Items < 0 || c.Bytes != c.Items * ItemBytes) throw Bad($"chunk {c.File}: {c.Bytes} bytes for {c.Items} items of {ItemBytes} bytes");
            var file = new FileInfo(Path.Combine(folder, c.File));
            if (!file.Exists) throw Bad($"chunk file {c.File} is missing");
            if (file.Length != c.Bytes) throw new DataFormatException(file.FullName, Math.Min(file.Length, c.Bytes), $"chunk is {file.Length} bytes, index says {c.Bytes}");
            total += c.Items;
        }
        if (Metadata is null) throw Bad("metadata is null (leave it out for none)");
        if (total != ItemCount) throw Bad($"chunks hold {total} items, itemCount says {ItemCount}");
        if (LabelCount > 0)
        {
            if (Labels is null) throw Bad("labelCount > 0 but no labels file");
            if (Labels.File is null) throw Bad("labels.file is missing");
            if (Labels.File.Contains('/') || Labels.File.Contains('\\') || Labels.File.Contains("..")) throw Bad($"bad labels file name '{Labels.File}'");
            if (Labels.Bytes != ItemCount * LabelCount) throw Bad($"labels: {Labels.Bytes} bytes for {ItemCount} x {LabelCount}");
            var file = new FileInfo(Path.Combine(folder, Labels.File));
            if (!file.Exists || file.Length != Labels.Bytes)
                throw new DataFormatException(file.FullName, -1, $"labels file is {(file.Exists ? file.Length + " bytes" : "missing")}, index says {Labels.Bytes}");
        }
    }

    /// <summary>Writes the index to <paramref name="path"/>.</summary>
    internal void Save(string path) => File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, Json));
}
