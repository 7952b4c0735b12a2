// ExtractionShardsTests.cs - ExtractionShards (the reading side of `zsl extract` output) on hand-written shard folders
// carrying the extractor's metadata keys (model, layer, shard, first, images, skipped): a gap in the shard numbers, fewer
// shards than the recorded image list needs, a shard of another layer, and items that are no region maps are refused
// with the folder named; an all-skipped shard (item shape [1]) is read past.
using System.Globalization;
using System.Text.Json;
using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Data.FeatureStore;

namespace ZslKit.Tests.Data;

public sealed class ExtractionShardsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-shards-" + Guid.NewGuid().ToString("N")[..8]);

    public ExtractionShardsTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private void RunFile(int shardSize, int listLines)
    {
        var list = Path.Combine(_root, "list.txt");
        File.WriteAllLines(list, Enumerable.Range(0, listLines).Select(i => $"img{i}.jpg"));
        File.WriteAllText(Path.Combine(_root, "extraction.json"), JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["model"] = "vgg19", ["layer"] = "conv5_4", ["shardSize"] = shardSize.ToString(CultureInfo.InvariantCulture), ["imageList"] = list,
        }));
    }

    /// <summary>Shard <paramref name="k"/> holding <paramref name="images"/> (item i of shard k filled with 10k + i).</summary>
    private void Shard(int k, int[] shape, string[] images, string layer = "conv5_4", string[][]? skipped = null)
    {
        var meta = new Dictionary<string, string>
        {
            ["model"] = "vgg19", ["layer"] = layer, ["shard"] = k.ToString(CultureInfo.InvariantCulture), ["first"] = "0",
            ["images"] = JsonSerializer.Serialize(images), ["skipped"] = JsonSerializer.Serialize(skipped ?? []),
        };
        using var w = new FeatureStoreWriter(Path.Combine(_root, $"shard-{k:D5}"), new FeatureStoreOptions(shape, FeatureDType.Fp16) { Metadata = meta });
        var n = shape.Aggregate(1, (a, b) => a * b);
        for (var i = 0; i < images.Length; i++) w.Append(Enumerable.Repeat((float)(10 * k + i), n).ToArray());
        w.Complete();
    }

    [Fact]
    public void Items_are_read_in_shard_then_item_order_past_an_all_skipped_shard()
    {
        RunFile(shardSize: 2, listLines: 6);
        Shard(0, [4, 2], ["a", "b"]);
        Shard(1, [1], [], skipped: [["c", "not a JPEG"], ["d", "missing"]]);
        Shard(2, [4, 2], ["e", "f"]);
        var x = ExtractionShards.Open(_root);
        Assert.Equal([4, 2], x.ItemShape);
        Assert.Equal((FeatureDType.Fp16, 4L, 3), (x.DType, x.ImageCount, x.Shards.Count));
        Assert.Equal(["c", "d"], x.Skipped.Select(s => s.Path));
        var seen = new List<(int, long, string, float)>();
        x.Read((shard, item, path, f) => seen.Add((shard, item, path, f[7])));
        Assert.Equal([(0, 0L, "a", 0f), (0, 1L, "b", 1f), (2, 0L, "e", 20f), (2, 1L, "f", 21f)], seen);
        seen.Clear();
        x.Read((shard, item, path, f) => seen.Add((shard, item, path, f[7])), wanted: (shard, item) => item == 1);
        Assert.Equal([(0, 1L, "b", 1f), (2, 1L, "f", 21f)], seen);
    }

    [Fact]
    public void Incomplete_or_inconsistent_extractions_are_refused_naming_the_shard()
    {
        RunFile(shardSize: 2, listLines: 6);
        Shard(0, [4, 2], ["a", "b"]);
        Shard(2, [4, 2], ["e", "f"]);
        var gap = Assert.Throws<InvalidOperationException>(() => ExtractionShards.Open(_root));
        Assert.Contains("shard-00001", gap.Message);

        Directory.Delete(Path.Combine(_root, "shard-00002"), recursive: true);
        var few = Assert.Throws<InvalidOperationException>(() => ExtractionShards.Open(_root));
        Assert.Contains("shard-00001 is missing: the image list needs 3 shards", few.Message);

        Shard(1, [4, 2], ["c", "d"], layer: "conv5_3");
        Shard(2, [4, 2], ["e", "f"]);
        var layer = Assert.Throws<DataFormatException>(() => ExtractionShards.Open(_root));
        Assert.Contains("shard-00001", layer.Message);
        Assert.Contains("conv5_3", layer.Message);

        Directory.Delete(Path.Combine(_root, "shard-00001"), recursive: true);
        Shard(1, [2, 4], ["c", "d"]);
        var shape = Assert.Throws<DataFormatException>(() => ExtractionShards.Open(_root));
        Assert.Contains("[2, 4]", shape.Message);
    }

    [Fact]
    public void Vector_items_are_refused_for_LESA_and_another_grid_is_only_a_warning()
    {
        RunFile(shardSize: 2, listLines: 2);
        Shard(0, [2048], ["a", "b"]);
        var e = Assert.Throws<DataFormatException>(() => LesaStoreOutput.CheckExtraction(ExtractionShards.Open(_root)));
        Assert.Contains("not region maps", e.Message);

        Directory.Delete(Path.Combine(_root, "shard-00000"), recursive: true);
        Shard(0, [49, 2048], ["a", "b"]);
        var warnings = LesaStoreOutput.CheckExtraction(ExtractionShards.Open(_root));
        Assert.Equal(["items are [49, 2048]; LESA's are [196, 512] (VGG-19 conv5_4 at 224 px)"], warnings);
    }
}
