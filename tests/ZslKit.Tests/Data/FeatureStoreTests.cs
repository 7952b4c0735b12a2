// Tests of the feature store: write/read round trips (fp32 exact, fp16 within half precision), labels, chunking,
// checksums, atomic finalisation, seeded shuffled prefetched batches, and clear errors for damaged stores.
using System.Text.Json.Nodes;
using ZslKit.Data;
using ZslKit.Data.FeatureStore;

namespace ZslKit.Tests.Data;

public sealed class FeatureStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zsl-fs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static float Value(long item, int j) => MathF.Sin(item * 7.1f + j * 0.37f) * 3;
    private static sbyte Label(long item, int k) => (sbyte)((item + k) % 3 - 1);

    private string Write(string name, FeatureDType dtype, int items, int[] shape, int labels, int perChunk)
    {
        var folder = Path.Combine(_root, name);
        var n = shape.Aggregate(1, (a, d) => a * d);
        using var w = new FeatureStoreWriter(folder, new FeatureStoreOptions(shape, dtype, labels, perChunk)
            { Metadata = new Dictionary<string, string> { ["dataset"] = "unit" } });
        var item = new float[n];
        var lab = new sbyte[labels];
        for (var i = 0; i < items; i++)
        {
            for (var j = 0; j < n; j++) item[j] = Value(i, j);
            for (var k = 0; k < labels; k++) lab[k] = Label(i, k);
            w.Append(item, lab);
        }
        w.Complete();
        return folder;
    }

    [Fact]
    public void Fp32_items_and_labels_round_trip_exactly_across_chunks()
    {
        var folder = Write("a", FeatureDType.Fp32, 10, [3, 4], 5, perChunk: 4);
        using var store = FeatureStore.Open(folder, verifyChecksums: true);
        Assert.Equal(10, store.Count);
        Assert.Equal(3, store.Index.Chunks.Count);
        Assert.Equal(new long[] { 4, 4, 2 }, store.Index.Chunks.Select(c => c.Items));
        Assert.Equal("unit", store.Index.Metadata["dataset"]);
        var buffer = new float[12];
        for (var i = 0; i < 10; i++)
        {
            store.ReadItem(i, buffer);
            for (var j = 0; j < 12; j++) Assert.Equal(Value(i, j), buffer[j]);
            for (var k = 0; k < 5; k++) Assert.Equal(Label(i, k), store.Labels(i)[k]);
        }
        Assert.False(Directory.Exists(folder + ".partial"));
        Assert.Contains("\"dtype\": \"fp32\"", File.ReadAllText(Path.Combine(folder, "index.json")));
    }

    [Fact]
    public void Fp16_items_read_back_as_fp32_within_half_precision()
    {
        var folder = Write("h", FeatureDType.Fp16, 6, [2, 8], 0, perChunk: 100);
        using var store = FeatureStore.Open(folder, verifyChecksums: true);
        Assert.Equal(6 * 16 * 2, store.Index.Chunks.Single().Bytes);
        var buffer = new float[16];
        for (var i = 0; i < 6; i++)
        {
            store.ReadItem(i, buffer);
            for (var j = 0; j < 16; j++)
            {
                Assert.Equal((float)(Half)Value(i, j), buffer[j]);                   // exactly the half rounding
                Assert.True(MathF.Abs(buffer[j] - Value(i, j)) <= 3 * MathF.Pow(2, -11)); // |x| <= 3: half ulp bound
            }
        }
        Assert.Throws<InvalidOperationException>(() => store.Labels(0).ToArray());
    }

    [Fact]
    public void Shuffled_batches_cover_every_item_once_and_repeat_for_the_same_seed()
    {
        var folder = Write("b", FeatureDType.Fp32, 23, [2, 3], 2, perChunk: 5);
        using var store = FeatureStore.Open(folder);
        var stream = store.Batches(batchSize: 4, seed: 42, prefetch: 2);
        Assert.Equal(6, stream.BatchCount);
        var seen = new List<long>();
        foreach (var batch in stream)
        {
            using (batch)
            {
                for (var r = 0; r < batch.Count; r++)
                {
                    var item = batch.Items[r];
                    seen.Add(item);
                    for (var j = 0; j < 6; j++) Assert.Equal(Value(item, j), batch.Features[r * 6 + j]);
                    for (var k = 0; k < 2; k++) Assert.Equal(Label(item, k), batch.Labels[r * 2 + k]);
                }
            }
        }
        Assert.Equal(Enumerable.Range(0, 23).Select(i => (long)i), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 23).Select(i => (long)i), seen);                 // actually shuffled
        Assert.Equal(seen, stream.Epoch(0, TestContext.Current.CancellationToken).SelectMany(b => b.Items.Take(b.Count).ToArray()).ToList());
        Assert.Equal(seen, store.Batches(4, seed: 42).Order());
        Assert.NotEqual(stream.Order(0), stream.Order(1));
        Assert.NotEqual(seen, store.Batches(4, seed: 43).Order());
        Assert.Equal(5, store.Batches(4, seed: 1, dropLast: true).Count());
        Assert.Equal(Enumerable.Range(0, 23).Select(i => (long)i), store.Batches(4).Order());  // no seed: in order
    }

    [Fact]
    public void Abandoning_an_epoch_early_stops_the_producer()
    {
        var folder = Write("c", FeatureDType.Fp32, 50, [4], 0, perChunk: 7);
        using var store = FeatureStore.Open(folder);
        var first = store.Batches(3, seed: 1, prefetch: 1).Take(2).Select(b => b.Count).ToList();
        Assert.Equal(new[] { 3, 3 }, first);
    }

    [Fact]
    public void Caller_buffers_are_filled_by_read_batch()
    {
        var folder = Write("d", FeatureDType.Fp32, 8, [2], 1, perChunk: 3);
        using var store = FeatureStore.Open(folder);
        var features = new float[6];
        var labels = new sbyte[3];
        store.ReadBatch([7, 0, 3], features, labels);
        Assert.Equal(new[] { Value(7, 0), Value(7, 1), Value(0, 0), Value(0, 1), Value(3, 0), Value(3, 1) }, features);
        Assert.Equal(new[] { Label(7, 0), Label(0, 0), Label(3, 0) }, labels);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadItem(8, features));
        Assert.Throws<ArgumentException>(() => store.ReadBatch([1, 2, 3, 4], features));
    }

    [Fact]
    public void An_unfinished_writer_leaves_no_store_and_a_finished_one_cannot_be_overwritten()
    {
        var folder = Path.Combine(_root, "u");
        using (var w = new FeatureStoreWriter(folder, new FeatureStoreOptions([2])))
        {
            w.Append([1, 2]);
            Assert.True(Directory.Exists(folder + ".partial"));
            Assert.False(Directory.Exists(folder));
        }
        Assert.False(Directory.Exists(folder + ".partial"));
        Assert.False(Directory.Exists(folder));
        Assert.Throws<DataFormatException>(() => FeatureStore.Open(folder));
        var done = Write("v", FeatureDType.Fp32, 1, [2], 0, 4);
        Assert.Throws<IOException>(() => new FeatureStoreWriter(done, new FeatureStoreOptions([2])));
        using var w2 = new FeatureStoreWriter(Path.Combine(_root, "w"), new FeatureStoreOptions([2], LabelCount: 1));
        Assert.Throws<ArgumentException>(() => w2.Append([1, 2, 3], [1]));
        Assert.Throws<ArgumentException>(() => w2.Append([1, 2]));
    }

    [Fact]
    public void A_flipped_byte_fails_verification_naming_the_chunk()
    {
        var folder = Write("x", FeatureDType.Fp32, 9, [3], 2, perChunk: 4);
        var chunk = Path.Combine(folder, "chunk-00001.bin");
        var bytes = File.ReadAllBytes(chunk);
        bytes[5] ^= 0x10;
        File.WriteAllBytes(chunk, bytes);
        using (FeatureStore.Open(folder)) { }   // sizes still agree: opening without verification works
        var e = Assert.Throws<DataFormatException>(() => FeatureStore.Open(folder, verifyChecksums: true));
        Assert.Contains("chunk-00001.bin", e.Message);
    }

    [Fact]
    public void Truncated_chunks_and_inconsistent_indexes_are_refused_on_open()
    {
        var folder = Write("y", FeatureDType.Fp16, 9, [3], 2, perChunk: 4);
        var chunk = Path.Combine(folder, "chunk-00002.bin");
        var original = File.ReadAllBytes(chunk);
        File.WriteAllBytes(chunk, original[..^1]);
        Assert.Contains("chunk-00002.bin", Assert.Throws<DataFormatException>(() => FeatureStore.Open(folder)).Message);
        File.WriteAllBytes(chunk, original);

        var indexPath = Path.Combine(folder, "index.json");
        var good = File.ReadAllText(indexPath);
        void Expect(Action<JsonObject> edit, string message)
        {
            var node = JsonNode.Parse(good)!.AsObject();
            edit(node);
            File.WriteAllText(indexPath, node.ToJsonString());
            var e = Assert.Throws<DataFormatException>(() => FeatureStore.Open(folder));
            Assert.Contains(message, e.Message);
            Assert.Contains("index.json", e.Message);
        }
        Expect(n => n["itemCount"] = 10, "itemCount says 10");
        Expect(n => n["version"] = 2, "version 2");
        Expect(n => n["dtype"] = "fp32", "bytes for");
        Expect(n => n["itemShape"] = new JsonArray(0), "positive dims");
        Expect(n => n["itemShape"] = new JsonArray(int.MaxValue, int.MaxValue), "too large");
        Expect(n => n["labelCount"] = 3, "labels");
        Expect(n => n["chunks"]![0]!["file"] = "../x.bin", "bad chunk file name");
        Expect(n => n["dtype"] = "fp64", "invalid JSON");
        Expect(n => n["labels"]!["file"] = null, "labels.file is missing");
        Expect(n => n["dtype"] = 7, "dtype 7 is not \"fp32\" or \"fp16\"");
        Expect(n => n["chunks"]![0] = null, "chunks holds a null entry");
        Expect(n => n["metadata"] = null, "metadata is null");
        File.WriteAllText(indexPath, "{ not json");
        Assert.Throws<DataFormatException>(() => FeatureStore.Open(folder));
    }

    [Fact]
    public void Reading_a_disposed_store_throws_ObjectDisposedException_naming_the_store()
    {
        var folder = Write("z", FeatureDType.Fp16, 5, [3], 2, perChunk: 2);
        var store = FeatureStore.Open(folder);
        var stream = store.Batches(2);
        store.Dispose();
        store.Dispose();                                                                        // a second Dispose does nothing
        var buffer = new float[3];
        var e = Assert.Throws<ObjectDisposedException>(() => store.ReadItem(0, buffer));
        Assert.Contains("FeatureStore.ReadItem", e.Message);
        Assert.Contains(folder, e.Message);
        Assert.Contains("Labels", Assert.Throws<ObjectDisposedException>(() => store.Labels(0).ToArray()).Message);
        Assert.Throws<ObjectDisposedException>(() => store.ReadBatch([0, 1], new float[6], new sbyte[4]));
        Assert.Throws<ObjectDisposedException>(() => store.Verify());
        Assert.Contains("VerifyChunk", Assert.Throws<ObjectDisposedException>(() => store.VerifyChunk(0)).Message);
        Assert.Throws<ObjectDisposedException>(() => store.Batches(2));
        Assert.Throws<ObjectDisposedException>(() => stream.Epoch(0, TestContext.Current.CancellationToken));
        Assert.Throws<ObjectDisposedException>(() => stream.ToList());
        Assert.Equal(5, store.Count);                                                           // the index stays readable
    }

    [Fact]
    public void Disposing_while_batches_are_read_on_another_thread_ends_the_enumeration_without_a_crash()
    {
        var folder = Write("p", FeatureDType.Fp16, 400, [64], 1, perChunk: 16);
        for (var round = 0; round < 20; round++)
        {
            var store = FeatureStore.Open(folder);
            var batches = 0;
            var e = Assert.Throws<ObjectDisposedException>(() =>
            {
                foreach (var batch in store.Batches(1, seed: round, prefetch: 1))
                {
                    using (batch) if (++batches == 3) store.Dispose();                          // the producer is reading now
                }
            });
            Assert.Contains("FeatureStore.ReadBatch", e.Message);
            Assert.InRange(batches, 3, 5);                                                      // what was already read, then the error
            store.Dispose();
        }
    }

    [Fact]
    public void Out_of_range_items_and_chunks_say_the_range()
    {
        var folder = Write("r", FeatureDType.Fp32, 10, [2], 1, perChunk: 4);
        using var store = FeatureStore.Open(folder);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => store.Labels(99).ToArray());
        Assert.Contains("FeatureStore.Labels: item 99 is outside [0, 10)", e.Message);
        Assert.Contains("item 10 is outside [0, 10)", Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadItem(10, new float[2])).Message);
        Assert.Contains("FeatureStore.ChunkOf: item -1", Assert.Throws<ArgumentOutOfRangeException>(() => store.ChunkOf(-1)).Message);
        var untouched = new float[4];
        Assert.Contains("FeatureStore.ReadBatch: item 12", Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadBatch([1, 12], untouched)).Message);
        Assert.Equal(new float[4], untouched);                                                  // checked before any copy
        foreach (var chunk in new[] { 3, -1, 7 })
        {
            e = Assert.Throws<ArgumentOutOfRangeException>(() => store.VerifyChunk(chunk));
            Assert.Contains($"FeatureStore.VerifyChunk: chunk {chunk} is outside [0, 3)", e.Message);
            Assert.Equal("chunk", e.ParamName);
        }
        store.VerifyChunk(2);
    }

    [Fact]
    public void Open_without_a_folder_names_the_folder_argument()
    {
        Assert.Equal("folder", Assert.Throws<ArgumentNullException>(() => FeatureStore.Open(null!)).ParamName);
        Assert.Equal("folder", Assert.Throws<ArgumentException>(() => FeatureStore.Open(" ")).ParamName);
        Assert.Equal("folder", Assert.Throws<ArgumentNullException>(() => FeatureStoreIndex.Load(null!)).ParamName);
    }

    [Fact]
    public void The_writer_refuses_label_values_other_than_plus_one_minus_one_and_zero_before_writing()
    {
        var folder = Path.Combine(_root, "l");
        using (var w = new FeatureStoreWriter(folder, new FeatureStoreOptions([2], LabelCount: 3)))
        {
            w.Append([1, 2], [1, 0, -1]);
            var e = Assert.Throws<ArgumentException>(() => w.Append([3, 4], [1, 2, -1]));
            Assert.Contains("labels must hold +1, -1 or 0 (found 2 at [1])", e.Message);
            Assert.Equal("labels", e.ParamName);
            Assert.Contains("found -128 at [0]", Assert.Throws<ArgumentException>(() => w.Append([3, 4], [sbyte.MinValue, 0, 0])).Message);
            Assert.Equal(1, w.Count);
            w.Complete();
        }
        using var store = FeatureStore.Open(folder, verifyChecksums: true);                      // the refused items left no trace
        Assert.Equal(1, store.Count);
        Assert.Equal(new sbyte[] { 1, 0, -1 }, store.Labels(0).ToArray());
    }

    [Fact]
    public void The_writer_refuses_null_options_a_null_item_shape_and_an_undefined_dtype()
    {
        var folder = Path.Combine(_root, "o");
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new FeatureStoreWriter(folder, null!)).ParamName);
        Assert.Equal("folder", Assert.Throws<ArgumentNullException>(() => new FeatureStoreWriter(null!, new FeatureStoreOptions([2]))).ParamName);
        var e = Assert.Throws<ArgumentException>(() => new FeatureStoreWriter(folder, new FeatureStoreOptions(null!)));
        Assert.Contains("options.ItemShape is null", e.Message);
        e = Assert.Throws<ArgumentException>(() => new FeatureStoreWriter(folder, new FeatureStoreOptions([2], (FeatureDType)5)));
        Assert.Contains("options.DType must be Fp32 or Fp16, got 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => new FeatureStoreWriter(folder, new FeatureStoreOptions([2]) { Metadata = null! }));
        Assert.Contains("options.Metadata is null", e.Message);
        Assert.False(Directory.Exists(folder + ".partial"));                                    // refused before any file
    }
}
