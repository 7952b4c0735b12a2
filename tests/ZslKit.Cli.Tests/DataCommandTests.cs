// DataCommandTests.cs - `zsl data lesa-w2v` in-process on a miniature openimages-v4 folder and the numpy-written pickle
// fixture; `zsl data lesa-stores` on a two-shard extraction folder written with the metadata keys FeatureExtraction
// writes (extraction.json; per shard model, layer, shard, first, images, skipped) and a train label CSV.
using System.Text.Json;
using ZslKit.Cli.Commands;
using ZslKit.Data.FeatureStore;
using ZslKit.Testing;

namespace ZslKit.Cli.Tests;

public sealed class DataCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "zslkit-data-cmd-" + Guid.NewGuid().ToString("N")[..8]);

    public DataCommandTests()
    {
        var folder = Path.Combine(_data, "openimages-v4");
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "classes-trainable.txt"), ["/m/s0", "/m/s1", "/m/s2", "/m/s3", "/m/s4"]);
        File.WriteAllLines(Path.Combine(folder, "unseen_labels.txt"), ["/m/u0", "/m/u1", "/m/u2"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(DataCommand.Create(), args);

    [Fact]
    public void Lesa_w2v_writes_both_npy_files_and_refuses_to_overwrite_them_without_force()
    {
        var pickle = RepoPaths.Fixture("pickle", "w2v_p3.pkl");
        var (code, stdout, stderr) = Run("lesa-w2v", pickle, "--data", _data);
        Assert.True(code == 0, stderr);
        Assert.Contains("w2v_seen.npy [5, 4]", stdout);
        Assert.Contains("w2v_unseen.npy [3, 4]", stdout);
        var (again, _, err2) = Run("lesa-w2v", pickle, "--data", _data);
        Assert.Equal(2, again);
        Assert.Contains("--force", err2);
        Assert.Equal(0, Run("lesa-w2v", pickle, "--data", _data, "--force").Code);
    }

    [Fact]
    public void Lesa_w2v_exits_1_for_a_wrong_pickle_and_2_for_a_missing_one()
    {
        var (code, _, stderr) = Run("lesa-w2v", RepoPaths.Fixture("pickle", "mixed_p5.pkl"), "--data", _data);
        Assert.Equal(1, code);
        Assert.Contains("expected a pickled pair", stderr);
        var (missing, _, err2) = Run("lesa-w2v", Path.Combine(_data, "nope.pkl"), "--data", _data);
        Assert.Equal(2, missing);
        Assert.Contains("nope.pkl", err2);
    }

    /// <summary>An extraction of train images a1, a2 (shard 0) and a3 (shard 1; bad.jpg skipped) as `zsl extract` lays it out.</summary>
    private string WriteExtraction()
    {
        var folder = Path.Combine(_data, "feats");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "extraction.json"), JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["model"] = "vgg19", ["layer"] = "conv5_4", ["weights"] = "(random init)", ["resize"] = "256", ["crop"] = "224",
            ["shardSize"] = "2", ["dtype"] = "Fp32", ["imageList"] = Path.Combine(_data, "gone", "list.txt"),
        }));
        string[][] images = [["/img/train/a1.jpg", "/img/train/a2.jpg"], ["/img/train/a3.jpg"]];
        for (var k = 0; k < 2; k++)
        {
            var skipped = k == 1 ? new[] { new[] { "/img/train/bad.jpg", "not a JPEG" } } : [];
            var meta = new Dictionary<string, string>
            {
                ["model"] = "vgg19", ["layer"] = "conv5_4", ["shard"] = k.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["first"] = (2 * k).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["images"] = JsonSerializer.Serialize(images[k]), ["skipped"] = JsonSerializer.Serialize(skipped),
            };
            using var w = new FeatureStoreWriter(Path.Combine(folder, $"shard-{k:D5}"), new FeatureStoreOptions([4, 3]) { Metadata = meta });
            foreach (var _ in images[k]) w.Append(Enumerable.Range(0, 12).Select(i => (float)(i + 100 * k)).ToArray());
            w.Complete();
        }
        return folder;
    }

    [Fact]
    public void Lesa_stores_writes_the_split_store_prints_the_summary_and_keeps_it_on_a_second_run()
    {
        var feats = WriteExtraction();
        var oi = Path.Combine(_data, "openimages-v4");
        File.WriteAllText(Path.Combine(oi, "train-annotations-human-imagelabels.csv"),
            "ImageID,Source,LabelName,Confidence\na1,verification,/m/s3,1\na3,verification,/m/s0,0\n");
        var (code, stdout, stderr) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi);
        Assert.True(code == 0, stderr);
        Assert.Contains("written", stdout);
        Assert.Matches(@"without labels \(not written\)\s*\S\s*1\s*\S\s*/img/train/a2\.jpg", stdout);
        Assert.Matches(@"skipped at extraction\s*\S\s*1\s*\S\s*/img/train/bad\.jpg", stdout);
        Assert.Equal(["a1", "a3"], File.ReadAllLines(Path.Combine(oi, "features", "train", "item-ids.txt")));
        using (var store = FeatureStore.Open(Path.Combine(oi, "features", "train")))
        {
            Assert.Equal([0, 0, 0, 1, 0], store.Labels(0).ToArray());
            Assert.Equal([-1, 0, 0, 0, 0], store.Labels(1).ToArray());
        }

        var (again, stdout2, _) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi);
        Assert.Equal(0, again);
        Assert.Contains("already built", stdout2);
        var (other, _, err3) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi, "--split", "train", "--keep-unlabelled");
        Assert.Equal(2, other);
        Assert.Contains("--force", err3);
        Assert.Equal(0, Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi, "--split", "train", "--keep-unlabelled", "--force").Code);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(oi, "features", "train", "item-ids.txt")).Length);
    }

    [Fact]
    public void Lesa_stores_exits_1_for_a_malformed_label_file_and_2_for_bad_arguments()
    {
        var feats = WriteExtraction();
        var oi = Path.Combine(_data, "openimages-v4");
        var csv = Path.Combine(oi, "train-annotations-human-imagelabels.csv");
        File.WriteAllText(csv, "ImageID,Source,LabelName,Confidence\na1,verification,/m/s3,yes\n");
        var (code, _, stderr) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi);
        Assert.Equal(1, code);
        Assert.Contains(csv, stderr);
        Assert.Contains("line 2", stderr);

        Assert.Equal(2, Run("lesa-stores", "--dataset", "nus-wide", "--features", feats, "--data", oi, "--split", "validation").Code);
        Assert.Equal(2, Run("lesa-stores", "--features", feats, "--data", oi).Code);
        var (missing, _, err2) = Run("lesa-stores", "--dataset", "openimages", "--features", Path.Combine(_data, "nope"), "--data", oi);
        Assert.Equal(2, missing);
        Assert.Contains("nope", err2);
        Directory.Move(Path.Combine(feats, "shard-00001"), Path.Combine(feats, "shard-00001.partial"));
        var (partial, _, err3) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi);
        Assert.Equal(2, partial);
        Assert.Contains("shard-00001.partial", err3);
    }
}
