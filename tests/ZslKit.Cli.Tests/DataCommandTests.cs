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
    public void Lesa_w2v_exits_2_for_a_wrong_pickle_and_for_a_missing_one()
    {
        var (code, _, stderr) = Run("lesa-w2v", RepoPaths.Fixture("pickle", "mixed_p5.pkl"), "--data", _data);
        Assert.Equal(2, code);
        Assert.Contains("expected a pickled pair", stderr);
        var (missing, _, err2) = Run("lesa-w2v", Path.Combine(_data, "nope.pkl"), "--data", _data);
        Assert.Equal(2, missing);
        Assert.Equal($"zsl data lesa-w2v: no such pickle file: {Path.Combine(_data, "nope.pkl")}", err2.Trim());
    }

    [Fact]
    public void Lesa_w2v_says_a_pickle_of_lists_holds_a_list_and_an_empty_pickle_is_empty()
    {
        // pickle.dumps(([1.0], [2.0]), protocol=2)
        byte[] lists = [0x80, 0x02, 0x5d, 0x71, 0x00, 0x47, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x61, 0x5d, 0x71, 0x01, 0x47, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x86, 0x71, 0x02, 0x2e];
        var pickle = Path.Combine(_data, "lists.pkl");
        File.WriteAllBytes(pickle, lists);
        var (code, _, err) = Run("lesa-w2v", pickle, "--data", _data);
        Assert.Equal(2, code);
        Assert.Equal($"zsl data lesa-w2v: {pickle}: seen_vecs is a list, not a numpy array", err.Trim());
        File.WriteAllBytes(pickle, []);
        var (empty, _, err2) = Run("lesa-w2v", pickle, "--data", _data);
        Assert.Equal(2, empty);
        Assert.Equal($"zsl data lesa-w2v: {pickle}: the file is empty", err2.Trim());
    }

    [Fact]
    public void Lesa_w2v_names_a_missing_pickle_before_a_missing_label_list_and_the_list_by_its_data_path()
    {
        var bare = Path.Combine(_data, "bare");
        Directory.CreateDirectory(bare);
        var (code, _, err) = Run("lesa-w2v", Path.Combine(_data, "nope.pkl"), "--data", bare);
        Assert.Equal(2, code);
        Assert.Equal($"zsl data lesa-w2v: no such pickle file: {Path.Combine(_data, "nope.pkl")}", err.Trim());
        var (code2, _, err2) = Run("lesa-w2v", RepoPaths.Fixture("pickle", "w2v_p3.pkl"), "--data", bare);
        Assert.Equal(2, code2);
        Assert.StartsWith($"zsl data lesa-w2v: --data {bare}: missing openimages-v4/classes-trainable.txt (", err2);
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
        Assert.Equal($"zsl data lesa-stores: {Path.Combine(oi, "features", "train")} already exists from other settings or another extraction " +
            "(or without item-ids.txt); rebuild with Force (--force) to replace it", err3.Trim());
        Assert.Equal(0, Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi, "--split", "train", "--keep-unlabelled", "--force").Code);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(oi, "features", "train", "item-ids.txt")).Length);
    }

    [Fact]
    public void Lesa_stores_exits_2_for_a_malformed_label_file_and_for_bad_arguments()
    {
        var feats = WriteExtraction();
        var oi = Path.Combine(_data, "openimages-v4");
        var csv = Path.Combine(oi, "train-annotations-human-imagelabels.csv");
        File.WriteAllText(csv, "ImageID,Source,LabelName,Confidence\na1,verification,/m/s3,yes\n");
        var (code, _, stderr) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi);
        Assert.Equal(2, code);
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

    private string WriteTrainLabels()
    {
        var oi = Path.Combine(_data, "openimages-v4");
        File.WriteAllText(Path.Combine(oi, "train-annotations-human-imagelabels.csv"),
            "ImageID,Source,LabelName,Confidence\na1,verification,/m/s3,1\na3,verification,/m/s0,0\n");
        return oi;
    }

    /// <summary>Flips one bit of the first feature chunk of shard 0 (its index keeps the old CRC).</summary>
    private static string FlipABit(string feats)
    {
        var chunk = Path.Combine(feats, "shard-00000", "chunk-00000.bin");
        var bytes = File.ReadAllBytes(chunk);
        bytes[5] ^= 0x10;
        File.WriteAllBytes(chunk, bytes);
        return chunk;
    }

    [Fact]
    public void Lesa_stores_refuses_a_feature_chunk_whose_crc_differs_naming_it_and_writes_no_store()
    {
        var feats = WriteExtraction();
        var oi = WriteTrainLabels();
        var chunk = FlipABit(feats);
        var (code, _, err) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi);
        Assert.Equal(2, code);
        Assert.StartsWith($"zsl data lesa-stores: {chunk}: CRC-32C ", err);
        Assert.Contains("the file is corrupt", err);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(oi, "features")));   // no store, no train.partial
    }

    [Fact]
    public void Lesa_stores_force_rebuild_that_meets_a_corrupt_chunk_keeps_the_old_store()
    {
        var feats = WriteExtraction();
        var oi = WriteTrainLabels();
        Assert.Equal(0, Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi).Code);
        var train = Path.Combine(oi, "features", "train");
        var before = File.ReadAllText(Path.Combine(train, "index.json"));
        FlipABit(feats);
        var (code, _, err) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi, "--split", "train", "--keep-unlabelled", "--force");
        Assert.Equal(2, code);
        Assert.Contains("the file is corrupt", err);
        Assert.Equal(before, File.ReadAllText(Path.Combine(train, "index.json")));
        Assert.Equal(["a1", "a3"], File.ReadAllLines(Path.Combine(train, "item-ids.txt")));
        Assert.Equal([train], Directory.GetFileSystemEntries(Path.Combine(oi, "features")));   // nothing .partial or .replaced
    }

    [Fact]
    public void Lesa_stores_moves_back_a_store_an_interrupted_force_rebuild_left_as_split_replaced_and_says_so()
    {
        var feats = WriteExtraction();
        var oi = WriteTrainLabels();
        Assert.Equal(0, Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi).Code);
        var train = Path.Combine(oi, "features", "train");
        var before = File.ReadAllText(Path.Combine(train, "index.json"));
        FlipABit(feats);
        Directory.Move(train, train + ".replaced");   // killed after moving the old store aside
        var (code, stdout, stderr) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi);
        Assert.True(code == 0, stderr);
        Assert.Contains("already built (kept)", stdout);
        var words = string.Join(' ', stdout.Split([' ', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));   // the summary wraps at 80 columns
        Assert.Contains($"warning: {train} was moved back from {train}.replaced (the old store, left there by an interrupted forced rebuild)", words);

        Directory.Move(train, train + ".replaced");
        var (forced, _, err) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi, "--split", "train", "--keep-unlabelled", "--force");
        Assert.Equal(2, forced);
        Assert.Contains("the file is corrupt", err);
        Assert.Equal(before, File.ReadAllText(Path.Combine(train, "index.json")));
        Assert.Equal([train], Directory.GetFileSystemEntries(Path.Combine(oi, "features")));
    }

    [Fact]
    public void Lesa_stores_no_verify_copies_the_items_without_checking_the_chunks_crc()
    {
        var feats = WriteExtraction();
        var oi = WriteTrainLabels();
        FlipABit(feats);
        var (code, _, stderr) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi, "--no-verify");
        Assert.True(code == 0, stderr);
        Assert.Equal(["a1", "a3"], File.ReadAllLines(Path.Combine(oi, "features", "train", "item-ids.txt")));
    }

    [Fact]
    public void Lesa_stores_keep_unlabelled_with_several_splits_exits_2_naming_the_options()
    {
        var feats = WriteExtraction();
        var oi = WriteTrainLabels();
        File.WriteAllText(Path.Combine(oi, "validation-annotations-human-imagelabels.csv"), "ImageID,Source,LabelName,Confidence\na2,verification,/m/s1,1\n");
        var (code, _, err) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi, "--keep-unlabelled");
        Assert.Equal(2, code);
        Assert.Equal("zsl data lesa-stores: KeepUnlabelled (--keep-unlabelled) needs a single split (--split), to know where unlabelled images go", err.Trim());
        Assert.False(Directory.Exists(Path.Combine(oi, "features")));
    }

    [Fact]
    public void Lesa_stores_exits_2_for_a_folder_that_is_no_extraction_or_holds_no_shards()
    {
        var oi = WriteTrainLabels();
        var empty = Path.Combine(_data, "ex");
        Directory.CreateDirectory(empty);
        var (code, _, err) = Run("lesa-stores", "--dataset", "openimages", "--features", empty, "--data", oi);
        Assert.Equal(2, code);
        Assert.Contains($"{Path.Combine(empty, "extraction.json")}: not found: {empty} is not a `zsl extract` output folder", err);
        File.WriteAllText(Path.Combine(empty, "extraction.json"), "{\"model\": \"vgg19\", \"layer\": \"conv5_4\"}");
        var (code2, _, err2) = Run("lesa-stores", "--dataset", "openimages", "--features", empty, "--data", oi);
        Assert.Equal(2, code2);
        Assert.Contains("holds no shard-NNNNN stores", err2);
    }

    [Theory]
    [InlineData("openimages", "--match", "file-name", "--match applies to --dataset nus-wide only, not openimages")]
    [InlineData("openimages", "--min-image-bytes", "4000", "--min-image-bytes applies to --dataset nus-wide only, not openimages")]
    [InlineData("openimages", "--keep-concept-tag-labels", null, "--keep-concept-tag-labels applies to --dataset nus-wide only, not openimages")]
    [InlineData("nus-wide", "--test-layout", "top400", "--test-layout applies to --dataset openimages only, not nus-wide")]
    [InlineData("nus-wide", "--keep-unlabelled", null, "--keep-unlabelled applies to --dataset openimages only, not nus-wide")]
    public void Lesa_stores_refuses_an_option_of_the_other_dataset(string dataset, string option, string? value, string error)
    {
        var feats = WriteExtraction();
        var oi = WriteTrainLabels();
        string[] args = ["lesa-stores", "--dataset", dataset, "--features", feats, "--data", oi, option, .. value is null ? Array.Empty<string>() : [value]];
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal("zsl data lesa-stores: " + error, err.Trim());
        Assert.False(Directory.Exists(Path.Combine(oi, "features")));
    }

    [Fact]
    public void Lesa_stores_out_path_that_is_a_file_exits_2_naming_it()
    {
        var feats = WriteExtraction();
        var oi = WriteTrainLabels();
        var file = Path.Combine(_data, "out.txt");
        File.WriteAllText(file, "x");
        var (code, _, err) = Run("lesa-stores", "--dataset", "openimages", "--features", feats, "--data", oi, "--out", file);
        Assert.Equal(2, code);
        Assert.Equal($"zsl data lesa-stores: --out {file} is a file, not a folder", err.Trim());
    }
}
