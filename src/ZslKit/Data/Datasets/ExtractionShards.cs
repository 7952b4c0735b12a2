// ExtractionShards.cs - reads the output folder of `zsl extract` (FeatureExtraction): extraction.json plus one feature
// store per shard (shard-00000, shard-00001, ...), whose metadata name the stored images in item order ("images", a JSON
// list of paths) and the images skipped at extraction ("skipped", a JSON list of [path, reason]). Only complete
// extractions are accepted: a leftover shard-k.partial, a gap in the shard numbers or fewer shards than the image list
// needs stops with the shard named. The keys read here are the ones FeatureExtraction writes (docs/backbones.md).
using System.Globalization;
using System.Text.Json;
using ZslKit.Data.FeatureStore;
using ZslKit.Torch.Serialization;

namespace ZslKit.Data.Datasets;

/// <summary>One complete shard of an extraction: its store folder, number, item count and skipped images.</summary>
public sealed record ExtractionShard(string Folder, int Number, long Count, IReadOnlyList<(string Path, string Reason)> Skipped);

/// <summary>Called for one stored image: shard position in <see cref="ExtractionShards.Shards"/>, item in the shard, stored
/// path and features (a buffer reused between calls).</summary>
public delegate void ExtractedImageVisitor(int shard, long item, string path, ReadOnlySpan<float> features);

/// <summary>An opened `zsl extract` output folder (metadata only; the shard stores are opened one at a time by <see cref="Read"/>).</summary>
public sealed class ExtractionShards
{
    /// <summary>The run file FeatureExtraction writes into the output folder.</summary>
    public const string RunFile = "extraction.json";

    /// <summary>Prefix of the shard folders ("shard-00000").</summary>
    public const string ShardPrefix = "shard-";

    private ExtractionShards(string folder, string model, string layer, int[] itemShape, FeatureDType dtype, List<ExtractionShard> shards)
    {
        (Folder, Model, Layer, ItemShape, DType, Shards) = (folder, model, layer, itemShape, dtype, shards);
        ImageCount = shards.Sum(s => s.Count);
        Skipped = shards.SelectMany(s => s.Skipped).ToList();
    }

    public string Folder { get; }
    /// <summary>Backbone name of the extraction ("vgg19").</summary>
    public string Model { get; }
    /// <summary>Tapped layer ("conv5_4").</summary>
    public string Layer { get; }
    /// <summary>Item shape shared by every non-empty shard ([196, 512] for VGG-19 conv5_4 at 224 px).</summary>
    public int[] ItemShape { get; }
    public FeatureDType DType { get; }
    public IReadOnlyList<ExtractionShard> Shards { get; }
    /// <summary>Images stored over all shards.</summary>
    public long ImageCount { get; }
    /// <summary>Images skipped at extraction (unreadable), with the extractor's reason.</summary>
    public IReadOnlyList<(string Path, string Reason)> Skipped { get; }

    /// <summary>Opens <paramref name="folder"/> and checks that the extraction is complete and consistent.</summary>
    public static ExtractionShards Open(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"extraction folder {folder} not found");
        var runPath = Path.Combine(folder, RunFile);
        if (!File.Exists(runPath))
            throw new DataFormatException(runPath, -1, $"not found: {folder} is not a `zsl extract` output folder");
        Dictionary<string, string>? run;
        try { run = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(runPath)); }
        catch (JsonException e) { throw new DataFormatException(runPath, -1, $"invalid JSON at {JsonErrorText.Describe(e)}", e); }
        if (run is null || !run.TryGetValue("model", out var model) || !run.TryGetValue("layer", out var layer))
            throw new DataFormatException(runPath, -1, "no 'model' / 'layer' entries");

        var partial = Directory.GetDirectories(folder, ShardPrefix + "*.partial").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (partial.Count > 0)
            throw new InvalidOperationException($"{Path.Combine(folder, partial[0]!)} is an unfinished shard (an interrupted `zsl extract`); " +
                "rerun the same `zsl extract` command to complete it");
        var numbers = new List<int>();
        foreach (var dir in Directory.GetDirectories(folder, ShardPrefix + "*"))
        {
            var name = Path.GetFileName(dir);
            if (int.TryParse(name.AsSpan(ShardPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var k)) numbers.Add(k);
        }
        numbers.Sort();
        if (numbers.Count == 0) throw new DataFormatException(folder, -1, "holds no shard-NNNNN stores");
        for (var i = 0; i < numbers.Count; i++)
            if (numbers[i] != i)
                throw new InvalidOperationException($"{Path.Combine(folder, ShardName(i))} is missing (the extraction is incomplete); rerun `zsl extract`");
        if (ExpectedShards(run) is { } expected && expected > numbers.Count)
            throw new InvalidOperationException($"{Path.Combine(folder, ShardName(numbers.Count))} is missing: the image list needs {expected} shards, " +
                $"{numbers.Count} are complete; rerun `zsl extract`");

        var shards = new List<ExtractionShard>();
        int[]? shape = null;
        FeatureDType? dtype = null;
        foreach (var k in numbers)
        {
            var shardFolder = Path.Combine(folder, ShardName(k));
            var index = FeatureStoreIndex.Load(shardFolder);
            var where = Path.Combine(shardFolder, FeatureStoreIndex.FileName);
            string Meta(string key) => index.Metadata.TryGetValue(key, out var v) ? v
                : throw new DataFormatException(where, -1, $"metadata has no '{key}' (not written by `zsl extract`?)");
            if (Meta("model") != model || Meta("layer") != layer)
                throw new DataFormatException(where, -1, $"shard of {Meta("model")} {Meta("layer")}, the extraction is {model} {layer}");
            var images = ReadImages(index, where);
            if (images.Length != index.ItemCount)
                throw new DataFormatException(where, -1, $"metadata 'images' names {images.Length} images, the store holds {index.ItemCount} items");
            var skipped = ReadSkipped(Meta("skipped"), where);
            if (index.ItemCount > 0)
            {
                if (shape is null) (shape, dtype) = (index.ItemShape, index.DType);
                else if (!shape.SequenceEqual(index.ItemShape) || dtype != index.DType)
                    throw new DataFormatException(where, -1, $"items [{string.Join(", ", index.ItemShape)}] {index.DType}; earlier shards hold [{string.Join(", ", shape)}] {dtype}");
            }
            shards.Add(new ExtractionShard(shardFolder, k, index.ItemCount, skipped));
        }
        if (shape is null) throw new DataFormatException(folder, -1, "every shard is empty (all images were skipped at extraction)");
        return new ExtractionShards(folder, model, layer, shape, dtype!.Value, shards);
    }

    /// <summary>The stored image paths of <paramref name="shard"/>, in item order.</summary>
    public static string[] Images(ExtractionShard shard)
    {
        var index = FeatureStoreIndex.Load(shard.Folder);
        return ReadImages(index, Path.Combine(shard.Folder, FeatureStoreIndex.FileName));
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every stored image in extraction order (shard by shard, item by item) with its
    /// position, path and features (fp16 shards are widened to float). <paramref name="wanted"/> (shard, item) can skip
    /// reading the features of images that will not be used. With <paramref name="verify"/>, each chunk file read is
    /// checked against its CRC-32C first (once, in full, before its first wanted item is visited, so also the other items
    /// it holds are read); a mismatch throws <see cref="DataFormatException"/> naming the file.
    /// </summary>
    public void Read(ExtractedImageVisitor visit, Func<int, long, bool>? wanted = null, bool verify = true)
    {
        var buffer = new float[ItemShape.Aggregate(1, (a, d) => checked(a * d))];
        for (var k = 0; k < Shards.Count; k++)
        {
            if (Shards[k].Count == 0) continue;
            using var store = FeatureStore.FeatureStore.Open(Shards[k].Folder);
            var images = Images(Shards[k]);
            var verified = new bool[store.Index.Chunks.Count];
            for (long i = 0; i < store.Count; i++)
            {
                if (wanted is not null && !wanted(k, i)) continue;
                var chunk = store.ChunkOf(i);
                if (verify && !verified[chunk])
                {
                    store.VerifyChunk(chunk);
                    verified[chunk] = true;
                }
                store.ReadItem(i, buffer);
                visit(k, i, images[i], buffer);
            }
        }
    }

    private static string ShardName(int k) => $"{ShardPrefix}{k:D5}";

    private static string[] ReadImages(FeatureStoreIndex index, string where)
    {
        if (!index.Metadata.TryGetValue("images", out var json))
            throw new DataFormatException(where, -1, "metadata has no 'images' (not written by `zsl extract`?)");
        try { return JsonSerializer.Deserialize<string[]>(json) ?? throw new DataFormatException(where, -1, "metadata 'images' is null"); }
        catch (JsonException e) { throw new DataFormatException(where, -1, $"metadata 'images' is not a JSON list of paths: {JsonErrorText.Describe(e)}", e); }
    }

    private static List<(string, string)> ReadSkipped(string json, string where)
    {
        string[][]? rows;
        try { rows = JsonSerializer.Deserialize<string[][]>(json); }
        catch (JsonException e) { throw new DataFormatException(where, -1, $"metadata 'skipped' is not a JSON list of [path, reason]: {JsonErrorText.Describe(e)}", e); }
        if (rows is null || rows.Any(r => r is null || r.Length != 2))
            throw new DataFormatException(where, -1, "metadata 'skipped' is not a JSON list of [path, reason]");
        return rows.Select(r => (r[0], r[1])).ToList();
    }

    /// <summary>Shards the run's image list needs (null when the list or the shard size is not available).</summary>
    private static int? ExpectedShards(Dictionary<string, string> run)
    {
        if (!run.TryGetValue("imageList", out var list) || !run.TryGetValue("shardSize", out var size) || !File.Exists(list)
            || !int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            return null;
        long lines = File.ReadLines(list).Count(l => l.Trim().Length > 0);
        return (int)((lines + n - 1) / n);
    }
}
