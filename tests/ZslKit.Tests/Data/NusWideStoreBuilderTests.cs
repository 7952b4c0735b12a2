// NusWideStoreBuilderTests.cs - NusWideStoreBuilder on a real `zsl extract` run (FeatureExtraction with a one-step
// backbone over 11 tiny PNGs, one corrupt) and NUS-WIDE label files in the official formats (Windows paths in the image
// lists, tab-separated AllTags1k rows with a trailing tab, one Labels_<concept>.txt per concept); the result is opened
// with the real reader (FeatureStoreRegions.OpenNusWide) and trained on by LesaExperiment for one epoch.
using System.Text.Json;
using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Testing;
using Semantics = ZslKit.Data.Synthetic.LabelSemantics;

namespace ZslKit.Tests.Data;

[Collection("torch-global-state")]
public sealed class NusWideStoreBuilderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-nusstores-" + Guid.NewGuid().ToString("N")[..8]);
    private string Images => Path.Combine(_root, "Flickr");
    private string Extraction => Path.Combine(_root, "feats");
    private string Nus => Path.Combine(_root, "nus-wide");
    private string Out => Path.Combine(_root, "nus-wide", "features");

    /// <summary>Imagelist.txt rows (Windows paths, as the official list) and the split list holding each ("" = neither).</summary>
    private static readonly (string Entry, string Split)[] ImageList =
    [
        (@"actor\0001_101.jpg", "train"), (@"actor\0002_102.jpg", "test"), (@"beach\0001_201.jpg", "train"),
        (@"beach\0002_202.jpg", "train"), (@"beach\0003_203.jpg", "test"), (@"clouds\0001_301.jpg", "train"),
        (@"clouds\0002_302.jpg", "test"), (@"dog\0001_401.jpg", "train"), (@"dog\0002_402.jpg", "test"),
        (@"dog\0003_403.jpg", "train"), (@"eagle\0001_501.jpg", ""),
    ];

    /// <summary>The extraction list, in another order than Imagelist.txt: one image unknown to NUS-WIDE (extra/), one corrupt
    /// (clouds/0001), one in no split (eagle/); dog/0003 is not extracted.</summary>
    private static readonly string[] Extracted =
    [
        "dog/0001_401.jpg", "actor/0002_102.jpg", "beach/0003_203.jpg", "beach/0001_201.jpg", "extra/0001_999.jpg",
        "clouds/0001_301.jpg", "actor/0001_101.jpg", "dog/0002_402.jpg", "eagle/0001_501.jpg", "beach/0002_202.jpg",
        "clouds/0002_302.jpg",
    ];

    /// <summary>Imagelist rows of the train and test items in extraction order.</summary>
    private static readonly int[] TrainRows = [7, 2, 0, 3], TestRows = [1, 4, 8, 6];

    private static readonly string[] Tags = Enumerable.Range(0, 1000).Select(t => $"tag{t:D3}").ToArray();
    /// <summary>75 concepts that are also tags (as in NUS-WIDE), then 6 others.</summary>
    private static readonly string[] Concepts = [.. Enumerable.Range(0, 75).Select(k => $"tag{13 * k:D3}"), .. Enumerable.Range(0, 6).Select(k => $"zconcept{k}")];

    private static bool TagPositive(int row, int tag) => (3 * row + tag) % 10 == 0;
    private static bool ConceptPositive(int row, int concept) => (row + 2 * concept) % 5 == 0;

    public NusWideStoreBuilderTests()
    {
        for (var i = 0; i < Extracted.Length; i++)
        {
            var path = Path.Combine(Images, Extracted[i]);
            if (Extracted[i].StartsWith("clouds/0001", StringComparison.Ordinal))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0x00, 0x01]);   // a truncated JPEG: skipped at extraction
            }
            else TinyExtraction.WriteImage(path, i);
        }
        var summary = TinyExtraction.Run(Images, Extracted, Extraction);
        Assert.Single(summary.Skipped);
        WriteLabelFiles(Nus, Tags, Concepts);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>The official NUS-WIDE files for <see cref="ImageList"/>: ImageList/{Imagelist,TrainImagelist,TestImagelist}.txt
    /// (CRLF), NUS_WID_Tags/AllTags1k.txt (tab after every value), TagList1k.txt, Concepts81.txt, Groundtruth/AllLabels/.</summary>
    private static void WriteLabelFiles(string folder, string[] tags, string[] concepts)
    {
        Directory.CreateDirectory(Path.Combine(folder, "ImageList"));
        Directory.CreateDirectory(Path.Combine(folder, "NUS_WID_Tags"));
        Directory.CreateDirectory(Path.Combine(folder, "Groundtruth", "AllLabels"));
        string Crlf(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\r\n"));
        File.WriteAllText(Path.Combine(folder, "ImageList", "Imagelist.txt"), Crlf(ImageList.Select(e => e.Entry)));
        File.WriteAllText(Path.Combine(folder, "ImageList", "TrainImagelist.txt"), Crlf(ImageList.Where(e => e.Split == "train").Select(e => e.Entry)));
        File.WriteAllText(Path.Combine(folder, "ImageList", "TestImagelist.txt"), Crlf(ImageList.Where(e => e.Split == "test").Select(e => e.Entry)));
        File.WriteAllText(Path.Combine(folder, "NUS_WID_Tags", "AllTags1k.txt"), string.Concat(Enumerable.Range(0, ImageList.Length)
            .Select(i => string.Concat(Enumerable.Range(0, 1000).Select(t => (TagPositive(i, t) ? "1" : "0") + "\t")) + "\n")));
        File.WriteAllLines(Path.Combine(folder, "TagList1k.txt"), tags);
        File.WriteAllLines(Path.Combine(folder, "Concepts81.txt"), concepts);
        for (var c = 0; c < concepts.Length; c++)
            File.WriteAllLines(Path.Combine(folder, "Groundtruth", "AllLabels", $"Labels_{concepts[c]}.txt"),
                Enumerable.Range(0, ImageList.Length).Select(i => ConceptPositive(i, c) ? "1" : "0"));
    }

    private LesaStoreSummary Build(LesaStoreOptions? options = null, NusWideStoreOptions? nus = null) =>
        NusWideStoreBuilder.Build(Extraction, Nus, Out, options, nus);

    /// <summary>The extraction's features per stored path, read straight from the shard stores and their "images" metadata.</summary>
    private Dictionary<string, float[]> ShardFeatures()
    {
        var result = new Dictionary<string, float[]>();
        foreach (var dir in Directory.GetDirectories(Extraction, "shard-*"))
        {
            using var store = FeatureStore.Open(dir);
            var images = JsonSerializer.Deserialize<string[]>(store.Index.Metadata["images"])!;
            for (var i = 0; i < images.Length; i++)
            {
                var f = new float[store.ItemElements];
                store.ReadItem(i, f);
                result[images[i]] = f;
            }
        }
        return result;
    }

    private string ImagePath(int row) => Path.Combine(Images, ImageList[row].Entry.Replace('\\', '/'));

    [Fact]
    public void Built_stores_hold_the_extracted_features_and_official_labels_in_extraction_order()
    {
        var summary = Build();
        Assert.Equal([("train", 4L, 1081, false), ("test", 4L, 1081, false)],
            summary.Splits.Select(s => (s.Split, s.Items, s.LabelCount, s.AlreadyBuilt)));
        Assert.Equal([Path.Combine(Images, "extra/0001_999.jpg")], summary.Unmatched);
        Assert.Equal([Path.Combine(Images, "eagle/0001_501.jpg")], summary.OtherSplit);
        Assert.Equal(Path.Combine(Images, "clouds/0001_301.jpg"), summary.SkippedAtExtraction.Single().Path);
        Assert.Empty(summary.Ambiguous);
        Assert.Equal(10, summary.Images);
        Assert.Contains(summary.Warnings, w => w.Contains("tiny pool", StringComparison.Ordinal));

        // item-ids.txt: the Imagelist entries as given, in extraction order.
        Assert.Equal(TrainRows.Select(r => ImageList[r].Entry), File.ReadAllLines(Path.Combine(Out, "train", "item-ids.txt")));
        Assert.Equal(TestRows.Select(r => ImageList[r].Entry), File.ReadAllLines(Path.Combine(Out, "test", "item-ids.txt")));

        // Raw label rows: tags as 2v-1 with the 75 concept tags 0, then the 81 concepts as 2v-1.
        using (var raw = FeatureStore.Open(Path.Combine(Out, "train"), verifyChecksums: true))
        {
            Assert.Equal([4, 3], raw.Index.ItemShape);
            var row = raw.Labels(1).ToArray();    // Imagelist row 2
            var concept = Concepts.ToHashSet();
            for (var t = 0; t < 1000; t++)
                Assert.Equal(concept.Contains(Tags[t]) ? 0 : TagPositive(2, t) ? 1 : -1, row[t]);
            for (var c = 0; c < 81; c++) Assert.Equal(ConceptPositive(2, c) ? 1 : -1, row[1000 + c]);
        }

        // Through the real reader: features equal the extraction's, labels land in the semantics' order.
        var seenRows = NusWideLabels.Load(Nus).SeenTagRows;
        Assert.Equal(925, seenRows.Length);
        using var data = FeatureStoreRegions.OpenNusWide(Out, Semantics.StandIn(2), seenRows, validationImages: 1);
        Assert.Equal((2, 2, 3), (data.GridHeight, data.GridWidth, data.FeatureDim));
        Assert.Equal((3, 1, 4), (data.ImageCount(MultiLabelSplit.Train), data.ImageCount(MultiLabelSplit.Validation), data.ImageCount(MultiLabelSplit.Test)));
        var features = ShardFeatures();
        var f = new float[12];
        var y = new sbyte[925];
        for (var i = 0; i < 3; i++)   // training image i = train store item i + 1
        {
            var r = TrainRows[i + 1];
            data.GetRegionBatch(MultiLabelSplit.Train, [i], f);
            Assert.Equal(features[ImagePath(r)], f);
            data.GetLabelBatch(MultiLabelSplit.Train, [i], y);
            Assert.Equal(seenRows.Select(t => (sbyte)(TagPositive(r, t) ? 1 : -1)), y);
        }
        var yt = new sbyte[1006];
        for (var i = 0; i < 4; i++)
        {
            var r = TestRows[i];
            data.GetRegionBatch(MultiLabelSplit.Test, [i], f);
            Assert.Equal(features[ImagePath(r)], f);
            data.GetLabelBatch(MultiLabelSplit.Test, [i], yt);
            Assert.Equal(Enumerable.Range(0, 81).Select(c => (sbyte)(ConceptPositive(r, c) ? 1 : -1)), yt[925..]);
        }
    }

    [Fact]
    public void A_split_without_extracted_images_is_written_empty_with_a_warning()
    {
        // An empty TestImagelist.txt: the four extracted test images belong to no split.
        File.WriteAllText(Path.Combine(Nus, "ImageList", "TestImagelist.txt"), "");
        var summary = Build();
        Assert.Equal([("train", 4L), ("test", 0L)], summary.Splits.Select(s => (s.Split, s.Items)));
        Assert.Contains("split test has no images (is the extraction of that split's images?)", summary.Warnings);
        Assert.Equal(5, summary.OtherSplit.Count);   // eagle/ and the four former test images
        Assert.DoesNotContain(summary.Warnings, w => w.StartsWith("split train", StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_build_keeps_complete_stores_and_force_or_other_settings_are_handled()
    {
        Build();
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(Out, "train", "index.json"));
        var again = Build();
        Assert.All(again.Splits, s => Assert.True(s.AlreadyBuilt));
        Assert.Equal([4L, 4L], again.Splits.Select(s => s.Items));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(Out, "train", "index.json")));

        Directory.Delete(Path.Combine(Out, "test"), recursive: true);
        var resumed = Build();
        Assert.Equal([true, false], resumed.Splits.Select(s => s.AlreadyBuilt));
        Assert.Equal(TestRows.Select(r => ImageList[r].Entry), File.ReadAllLines(Path.Combine(Out, "test", "item-ids.txt")));

        var e = Assert.Throws<InvalidOperationException>(() => Build(nus: new NusWideStoreOptions { ZeroConceptTags = false }));
        Assert.Equal($"{Path.Combine(Out, "train")} already exists from other settings or another extraction (or without item-ids.txt); " +
            "rebuild with Force (--force) to replace it", e.Message);

        var forced = Build(new LesaStoreOptions { Force = true, Splits = ["train"] }, new NusWideStoreOptions { ZeroConceptTags = false });
        Assert.False(forced.Splits.Single().AlreadyBuilt);
        Assert.Contains(Path.Combine(Images, "actor/0002_102.jpg"), forced.OtherSplit);   // test images: another split
        using var raw = FeatureStore.Open(Path.Combine(Out, "train"));
        Assert.Equal(TagPositive(7, 0) ? 1 : -1, raw.Labels(0)[0]);   // tag000 is a concept: kept as 2v-1 now
        Assert.NotEqual(stamp, File.GetLastWriteTimeUtc(Path.Combine(Out, "train", "index.json")));
    }

    [Fact]
    public void Min_image_bytes_drops_small_files_like_the_official_cap_and_reports_them()
    {
        foreach (var r in new[] { 2, 8 })   // after extraction: these two files grow past the cap, the rest stay ~100 bytes
            File.AppendAllText(ImagePath(r), new string('x', 5000));
        var summary = Build(nus: new NusWideStoreOptions { MinImageBytes = 4000 });
        Assert.Equal([ImagePath(7), ImagePath(1), ImagePath(4), ImagePath(0), ImagePath(3), ImagePath(6)], summary.Filtered);
        Assert.Equal([1L, 1L], summary.Splits.Select(s => s.Items));
        Assert.Equal([ImageList[2].Entry], File.ReadAllLines(Path.Combine(Out, "train", "item-ids.txt")));
        Assert.Equal([ImageList[8].Entry], File.ReadAllLines(Path.Combine(Out, "test", "item-ids.txt")));

        File.Delete(ImagePath(3));
        var e = Assert.Throws<FileNotFoundException>(() => Build(new LesaStoreOptions { Force = true }, new NusWideStoreOptions { MinImageBytes = 4000 }));
        Assert.Contains(ImagePath(3), e.Message);
    }

    [Fact]
    public void An_fp16_extraction_gives_fp16_stores_with_the_same_half_values()
    {
        var half = Path.Combine(_root, "feats16");
        TinyExtraction.Run(Images, Extracted, half, shardSize: 5, dtype: FeatureDType.Fp16);
        NusWideStoreBuilder.Build(half, Nus, Out);
        using var shard = FeatureStore.Open(Path.Combine(half, "shard-00000"));   // item 0: dog/0001 (row 7), train item 0
        using var train = FeatureStore.Open(Path.Combine(Out, "train"));
        Assert.Equal((FeatureDType.Fp16, FeatureDType.Fp16), (shard.Index.DType, train.Index.DType));
        float[] a = new float[12], b = new float[12];
        shard.ReadItem(0, a);
        train.ReadItem(0, b);
        Assert.Equal(a, b);
        Assert.All(b, v => Assert.Equal((float)(Half)v, v));   // half values
        Assert.Contains(b, v => v != 0);
    }

    [Fact]
    public void File_name_matching_reports_a_name_shared_by_two_folders_as_ambiguous()
    {
        var list = File.ReadAllLines(Path.Combine(Nus, "ImageList", "Imagelist.txt"));
        list[^1] = @"eagle\0001_401.jpg";   // same file name as dog\0001_401.jpg
        File.WriteAllLines(Path.Combine(Nus, "ImageList", "Imagelist.txt"), list);
        var byName = Build(nus: new NusWideStoreOptions { Match = NusWideMatch.FileName });
        Assert.Equal([Path.Combine(Images, "dog/0001_401.jpg")], byName.Ambiguous);
        Assert.Equal([3L, 4L], byName.Splits.Select(s => s.Items));
        Assert.Contains(Path.Combine(Images, "eagle/0001_501.jpg"), byName.Unmatched);   // no longer listed
    }

    [Fact]
    public void Bad_label_files_and_incomplete_extractions_are_named_and_a_forced_rebuild_that_fails_keeps_the_old_stores()
    {
        Build();
        var tagsFile = Path.Combine(Nus, "NUS_WID_Tags", "AllTags1k.txt");
        var lines = File.ReadAllLines(tagsFile);
        lines[2] = lines[2][2..];   // row 3: 999 values
        File.WriteAllLines(tagsFile, lines);
        var e = Assert.Throws<DataFormatException>(() => Build(new LesaStoreOptions { Force = true }));
        Assert.Contains(tagsFile, e.Message);
        Assert.Contains("line 3: 999 values", e.Message);
        Assert.Equal(TrainRows.Select(r => ImageList[r].Entry), File.ReadAllLines(Path.Combine(Out, "train", "item-ids.txt")));
        Assert.False(Directory.Exists(Path.Combine(Out, "train.partial")));
        Directory.Delete(Out, recursive: true);
        Assert.Throws<DataFormatException>(() => Build());
        Assert.False(Directory.Exists(Path.Combine(Out, "train")));

        var concept = Path.Combine(Nus, "Groundtruth", "AllLabels", $"Labels_{Concepts[80]}.txt");
        File.Delete(concept);
        var missing = Assert.Throws<FileNotFoundException>(() => Build());
        Assert.Contains(concept, missing.Message);

        Directory.Move(Path.Combine(Extraction, "shard-00001"), Path.Combine(Extraction, "shard-00001.partial"));
        var partial = Assert.Throws<InvalidOperationException>(() => Build());
        Assert.Contains("shard-00001.partial", partial.Message);
        File.Delete(Path.Combine(Extraction, "extraction.json"));
        var notExtraction = Assert.Throws<DataFormatException>(() => Build());
        Assert.Contains("extraction.json", notExtraction.Message);
    }

    [Fact]
    public void A_feature_chunk_that_fails_its_crc_is_named_and_leaves_no_new_store_and_a_forced_rebuild_keeps_the_old_ones()
    {
        Build();
        var trainIndex = File.ReadAllText(Path.Combine(Out, "train", "index.json"));
        var chunk = Path.Combine(Extraction, "shard-00000", "chunk-00000.bin");
        var bytes = File.ReadAllBytes(chunk);
        bytes[^1] ^= 0x01;   // one bit of the last item; the index keeps the old CRC
        File.WriteAllBytes(chunk, bytes);

        var forced = Assert.Throws<DataFormatException>(() => Build(new LesaStoreOptions { Force = true }));
        Assert.StartsWith($"{chunk}: CRC-32C ", forced.Message);
        Assert.Equal(trainIndex, File.ReadAllText(Path.Combine(Out, "train", "index.json")));
        Assert.Equal(TrainRows.Select(r => ImageList[r].Entry), File.ReadAllLines(Path.Combine(Out, "train", "item-ids.txt")));
        Assert.Equal([Path.Combine(Out, "test"), Path.Combine(Out, "train")], Directory.GetFileSystemEntries(Out).Order(StringComparer.Ordinal));

        var fresh = Path.Combine(_root, "fresh");
        var e = Assert.Throws<DataFormatException>(() => NusWideStoreBuilder.Build(Extraction, Nus, fresh, new LesaStoreOptions { Splits = ["train"] }));
        Assert.Contains(chunk, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(fresh));   // no train store, no train.partial
    }

    /// <summary>Flips one bit of the last item of shard 0's chunk (beach/0001, a train item; the chunk also holds two test
    /// items); the index keeps the old CRC.</summary>
    private string CorruptShard0()
    {
        var chunk = Path.Combine(Extraction, "shard-00000", "chunk-00000.bin");
        var bytes = File.ReadAllBytes(chunk);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(chunk, bytes);
        return chunk;
    }

    [Fact]
    public void A_store_left_as_split_replaced_by_an_interrupted_forced_rebuild_is_moved_back_before_anything_else()
    {
        Build();
        string train = Path.Combine(Out, "train"), aside = train + ".replaced";
        var index = File.ReadAllText(Path.Combine(train, "index.json"));
        var chunk = CorruptShard0();
        void AssertOldTrainStore()
        {
            Assert.Equal(index, File.ReadAllText(Path.Combine(train, "index.json")));
            Assert.Equal(TrainRows.Select(r => ImageList[r].Entry), File.ReadAllLines(Path.Combine(train, "item-ids.txt")));
            Assert.False(Directory.Exists(aside));
        }

        // A kill after the move-aside: train.replaced is the only copy. Same settings: moved back and kept (nothing read).
        Directory.Move(train, aside);
        var kept = Build(new LesaStoreOptions { Splits = ["train"] });
        Assert.True(kept.Splits.Single().AlreadyBuilt);
        Assert.Contains($"{train} was moved back from {aside} (the old store, left there by an interrupted forced rebuild)", kept.Warnings);
        AssertOldTrainStore();

        // Other settings without Force: refused, the old store in place.
        Directory.Move(train, aside);
        var other = Assert.Throws<InvalidOperationException>(() => Build(new LesaStoreOptions { Splits = ["train"] }, new NusWideStoreOptions { ZeroConceptTags = false }));
        Assert.StartsWith($"{train} already exists from other settings", other.Message);
        AssertOldTrainStore();

        // Force and a corrupt chunk: the build fails and the old store is back.
        Directory.Move(train, aside);
        var forced = Assert.Throws<DataFormatException>(() => Build(new LesaStoreOptions { Splits = ["train"], Force = true }));
        Assert.StartsWith($"{chunk}: CRC-32C ", forced.Message);
        AssertOldTrainStore();
    }

    [Fact]
    public void A_split_replaced_next_to_its_published_store_is_deleted_also_when_the_split_is_kept()
    {
        Build();
        var aside = Path.Combine(Out, "test.replaced");   // a kill while the superseded store was being deleted
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "index.json"), "{}");
        var again = Build();
        Assert.All(again.Splits, s => Assert.True(s.AlreadyBuilt));
        Assert.DoesNotContain(again.Warnings, w => w.Contains("moved back", StringComparison.Ordinal));
        Assert.Equal([Path.Combine(Out, "test"), Path.Combine(Out, "train")], Directory.GetFileSystemEntries(Out).Order(StringComparer.Ordinal));
    }

    /// <summary>Runs an action on the last "write" report (after every item is written, before the stores are published).</summary>
    private sealed class AtWriteEnd(Action action) : IProgress<LesaStoreProgress>
    {
        public void Report(LesaStoreProgress value)
        {
            if (value.Phase == "write" && value.Done == value.Total) action();
        }
    }

    [Fact]
    public void An_old_store_that_cannot_be_moved_back_after_a_failed_build_is_reported_where_it_is_and_the_next_build_restores_it()
    {
        Build();
        string train = Path.Combine(Out, "train"), aside = train + ".replaced";
        var index = File.ReadAllText(Path.Combine(train, "index.json"));
        var stop = new AtWriteEnd(() =>
        {
            File.WriteAllText(train, "");   // a file where the old store would go back
            throw new InvalidOperationException("stopped");
        });
        var e = Assert.Throws<IOException>(() =>
            NusWideStoreBuilder.Build(Extraction, Nus, Out, new LesaStoreOptions { Splits = ["train"], Force = true }, null, stop));
        Assert.StartsWith($"the build failed and the old store of split train could not be moved back to {train} (", e.Message);
        Assert.EndsWith($"): it is in {aside}; the next build moves it back", e.Message);
        Assert.True(File.Exists(Path.Combine(aside, "index.json")));

        File.Delete(train);
        var again = Build(new LesaStoreOptions { Splits = ["train"] });
        Assert.True(again.Splits.Single().AlreadyBuilt);
        Assert.Equal(index, File.ReadAllText(Path.Combine(train, "index.json")));
        Assert.False(Directory.Exists(aside));
    }

    [Fact]
    public void Verify_false_skips_the_crc_check_that_reads_whole_chunks_of_other_splits_items()
    {
        var chunk = CorruptShard0();
        var checkedBuild = Assert.Throws<DataFormatException>(() => Build(new LesaStoreOptions { Splits = ["test"] }));
        Assert.StartsWith($"{chunk}: CRC-32C ", checkedBuild.Message);   // the corrupt item is a train item
        Assert.False(Directory.Exists(Path.Combine(Out, "test")));

        var summary = Build(new LesaStoreOptions { Splits = ["test"], Verify = false });
        Assert.Equal(4L, summary.Splits.Single().Items);
        using var shard = FeatureStore.Open(Path.Combine(Extraction, "shard-00000"));   // items 1, 2: actor/0002, beach/0003 (test 0, 1)
        using var test = FeatureStore.Open(Path.Combine(Out, "test"));
        float[] a = new float[12], b = new float[12];
        for (var i = 0; i < 2; i++)
        {
            shard.ReadItem(1 + i, a);
            test.ReadItem(i, b);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void LESA_trains_one_epoch_on_stores_built_from_the_real_tag_and_concept_lists()
    {
        Skip.If(!Semantics.HasNusWide(RepoPaths.SharedData), "needs the NUS-WIDE tag lists and GloVe files of ../shared/data");
        var real = Path.Combine(_root, "nus-real");
        WriteLabelFiles(real, File.ReadAllLines(RepoPaths.SharedFile("nus-wide", "TagList1k.txt")!),
            File.ReadAllLines(RepoPaths.SharedFile("nus-wide", "Concepts81.txt")!).Where(l => l.Trim().Length > 0).ToArray());
        var features = Path.Combine(_root, "features-real");
        var summary = NusWideStoreBuilder.Build(Extraction, real, features);
        Assert.Equal([4L, 4L], summary.Splits.Select(s => s.Items));
        var previous = Environment.GetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable);
        Environment.SetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable, features);
        try
        {
            var c = ConfigJson.ApplyOverrides(LesaExperiment.RealConfig("t", "lesa", 0, epochs: 1),
                ["options.validationImages=1", "options.hidden=8", "options.M=2", "training.batchSize=2", "dataset.features=3"]);
            var run = LesaExperiment.Run(c, new RunOptions(Path.Combine(_root, "runs")));
            Assert.False(run.Synthetic);
            Assert.Equal("Completed", run.Final.Stop);
            Assert.InRange(run.Final.Test["zs/map"], 0.0, 1.0);
            Assert.Contains(features, run.Provenance!.Dataset);
        }
        finally { Environment.SetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable, previous); }
    }
}
