// FeatureExtractionTests.cs - FeatureExtraction: stored features equal a direct forward pass, shards resume, corrupt and
// missing images are skipped and reported with their paths, and a resume with other settings is refused.
namespace ZslKit.Tests.Models.Backbones;

using System.Text.Json;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Images;
using ZslKit.Models.Backbones;
using ZslKit.Testing;
using ZslKit.Torch;

public sealed class FeatureExtractionTests : IDisposable
{
    private static readonly string[] Sources = ["wide.png", "photo.jpg", "gray.png", "alpha.png", "tall.jpg"];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"zsl-extract-{Guid.NewGuid():N}");
    private static readonly ImagePreprocessing Small = new(Resize: 40, Crop: 32);

    public FeatureExtractionTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Copies the fixture images into the temp folder and writes a list (relative paths) with extra lines.</summary>
    private string MakeList(params string[] extra)
    {
        foreach (var f in Sources) File.Copy(RepoPaths.Fixture("backbones", "images", f), Path.Combine(_dir, f));
        var list = Path.Combine(_dir, "list.txt");
        File.WriteAllLines(list, Sources.Concat(extra));
        return list;
    }

    private static Backbone Model()
    {
        var net = Backbones.Create("resnet101");
        ClosedFormWeights.Apply(net);
        return net;
    }

    private ExtractionOptions Options(string list, string layer = "layer2") =>
        new("resnet101", layer, list, Path.Combine(_dir, "out")) { BatchSize = 2, ShardSize = 2, Preprocessing = Small, Device = torch.CPU };

    [Fact]
    public void Stored_features_equal_a_direct_forward_pass_in_region_major_layout()
    {
        var list = MakeList();
        using var net = Model();
        var summary = FeatureExtraction.Run(Options(list), model: net, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(3, summary.ShardsWritten);
        Assert.Equal(5, summary.ImagesStored);
        Assert.Empty(summary.Skipped);

        using var store = FeatureStore.Open(FeatureExtraction.ShardFolder(Path.Combine(_dir, "out"), 1), verifyChecksums: true);
        Assert.Equal([16, 512], store.Index.ItemShape);   // 32 px -> layer2 4x4x512 -> [16, 512]
        var images = JsonSerializer.Deserialize<string[]>(store.Index.Metadata["images"])!;
        Assert.Equal([Path.Combine(_dir, "gray.png"), Path.Combine(_dir, "alpha.png")], images);

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = Small.Batch([Small.Apply(RgbImage.Load(Path.Combine(_dir, "alpha.png")))]);
        var map = net.Forward(x, ["layer2"])["layer2"];                            // (1, 512, 4, 4)
        var want = map.permute(0, 2, 3, 1).contiguous().ToArray<float>();          // (1, 4, 4, 512): row r = y * 4 + x
        var got = new float[16 * 512];
        store.ReadItem(1, got);
        for (var i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - want[i]) <= 1e-5f * (1 + Math.Abs(want[i])), $"element {i}: {got[i]} vs {want[i]}");
    }

    [Fact]
    public void Resume_skips_complete_shards_and_rewrites_only_missing_ones()
    {
        var list = MakeList();
        using var net = Model();
        var options = Options(list);
        FeatureExtraction.Run(options, model: net, cancel: TestContext.Current.CancellationToken);
        var shard0 = Path.Combine(FeatureExtraction.ShardFolder(options.OutFolder, 0), "index.json");
        var stamp = File.GetLastWriteTimeUtc(shard0);
        var shard1 = FeatureExtraction.ShardFolder(options.OutFolder, 1);
        var before = File.ReadAllText(Path.Combine(shard1, "index.json"));
        Directory.Delete(shard1, recursive: true);
        Directory.CreateDirectory(shard1 + ".partial");   // as left by an interrupted writer

        var summary = FeatureExtraction.Run(options, model: net, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(1, summary.ShardsWritten);
        Assert.Equal(2, summary.ShardsAlreadyDone);
        Assert.Equal(2, summary.ImagesStored);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(shard0));
        Assert.Equal(before, File.ReadAllText(Path.Combine(shard1, "index.json")));   // same bytes, same checksums
        Assert.False(Directory.Exists(shard1 + ".partial"));

        var again = FeatureExtraction.Run(options, model: net, cancel: TestContext.Current.CancellationToken);
        Assert.Equal((0, 3), (again.ShardsWritten, again.ShardsAlreadyDone));
    }

    [Fact]
    public void Corrupt_and_missing_images_are_skipped_with_their_paths_and_the_run_completes()
    {
        var corrupt = Path.Combine(_dir, "corrupt.jpg");
        var list = MakeList("corrupt.jpg", "missing.png");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(Path.Combine(RepoPaths.Fixture("backbones", "images"), "photo.jpg"))[..300]);
        using var net = Model();
        var options = Options(list, "pool") with { ShardSize = 3 };
        var summary = FeatureExtraction.Run(options, model: net, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(5, summary.ImagesStored);
        Assert.Equal([corrupt, Path.Combine(_dir, "missing.png")], summary.Skipped.Select(s => s.Path));
        Assert.Contains("JPEG", summary.Skipped[0].Reason);
        Assert.Contains(corrupt, summary.Skipped[0].Reason);

        using var store = FeatureStore.Open(FeatureExtraction.ShardFolder(options.OutFolder, 1));
        Assert.Equal([2048], store.Index.ItemShape);
        Assert.Equal(2, store.Count);                                  // alpha.png, tall.jpg; corrupt.jpg skipped
        var skipped = JsonSerializer.Deserialize<string[][]>(store.Index.Metadata["skipped"])!;
        Assert.Equal(corrupt, skipped.Single()[0]);
    }

    [Fact]
    public void Transforms_on_the_device_store_the_same_features_as_on_the_host_and_say_where_they_ran()
    {
        var list = MakeList();
        using var net = Model();
        var host = Options(list) with { Transforms = TransformLocation.Host };
        var device = host with { OutFolder = Path.Combine(_dir, "out-device"), Transforms = TransformLocation.Device };
        var onHost = FeatureExtraction.Run(host, model: net, cancel: TestContext.Current.CancellationToken);
        var onDevice = FeatureExtraction.Run(device, model: net, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(("cpu", TransformLocation.Host, "cpu", TransformLocation.Device), (onHost.Device, onHost.Transforms, onDevice.Device, onDevice.Transforms));
        Assert.True(onHost.Seconds > 0 && onDevice.Seconds > 0);
        var again = FeatureExtraction.Run(host, model: net, cancel: TestContext.Current.CancellationToken);   // every shard complete
        Assert.Equal((0, 3, (string?)null, (TransformLocation?)null), (again.ShardsWritten, again.ShardsAlreadyDone, again.Device, again.Transforms));
        Assert.Equal(TransformLocation.Host, FeatureExtraction.ResolveTransforms(Options(list), torch.CPU));   // auto on the CPU
        for (var shard = 0; shard < 3; shard++)
        {
            using var a = FeatureStore.Open(FeatureExtraction.ShardFolder(host.OutFolder, shard));
            using var b = FeatureStore.Open(FeatureExtraction.ShardFolder(device.OutFolder, shard));
            Assert.Equal(("host", "device"), (a.Index.Metadata["transforms"], b.Index.Metadata["transforms"]));
            Assert.Equal(a.Count, b.Count);
            var (x, y) = (new float[16 * 512], new float[16 * 512]);
            for (var i = 0; i < a.Count; i++)
            {
                a.ReadItem(i, x);
                b.ReadItem(i, y);
                Assert.True(x.AsSpan().SequenceEqual(y), $"shard {shard} item {i}: features differ between host and device transforms");
            }
        }
    }

    [Fact]
    public void Resuming_with_another_layer_is_refused()
    {
        var list = MakeList();
        using var net = Model();
        FeatureExtraction.Run(Options(list) with { ShardSize = 5 }, model: net, cancel: TestContext.Current.CancellationToken);
        var e = Assert.Throws<InvalidOperationException>(() => FeatureExtraction.Run(Options(list, "layer3") with { ShardSize = 5 }, model: net, cancel: TestContext.Current.CancellationToken));
        Assert.Contains("layer", e.Message);
    }
}
