// Fuzz-style robustness test: random mutations (fixed seed, bounded iterations) of valid files are fed to every
// reader; the only exception any reader may raise is DataFormatException, and no read may hang.
using System.Text;
using ZslKit.Data;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Formats;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public class FuzzTests
{
    private const int Iterations = 400;

    /// <summary>One random mutation: bit flips, byte overwrites, 32-bit extremes, truncation, deletion, insertion, duplication.</summary>
    internal static byte[] Mutate(byte[] original, Random rng)
    {
        var b = original.ToList();
        var edits = rng.Next(1, 4);
        for (var e = 0; e < edits && b.Count > 0; e++)
        {
            var at = rng.Next(b.Count);
            switch (rng.Next(7))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[at] = (byte)rng.Next(256); break;
                case 2:
                    var v = rng.Next(4) switch { 0 => 0xFFFFFFFFu, 1 => 0x7FFFFFFFu, 2 => 0x80000000u, _ => (uint)rng.Next() };
                    for (var k = 0; k < 4 && at + k < b.Count; k++) b[at + k] = (byte)(v >> (8 * k));
                    break;
                case 3: b.RemoveRange(at, b.Count - at); break;
                case 4: b.RemoveRange(at, Math.Min(rng.Next(1, 16), b.Count - at)); break;
                case 5: b.InsertRange(at, Enumerable.Range(0, rng.Next(1, 16)).Select(_ => (byte)rng.Next(256))); break;
                default:
                    var len = Math.Min(rng.Next(1, 32), b.Count - at);
                    b.InsertRange(rng.Next(b.Count), b.GetRange(at, len));
                    break;
            }
        }
        return b.ToArray();
    }

    private static void Fuzz(string what, byte[] valid, Action<byte[]> read, int seed)
    {
        read(valid);   // the unmutated file must read cleanly
        var rng = new Random(seed);
        var raised = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var mutated = Mutate(valid, rng);
            var task = Task.Run(() =>
            {
                try { read(mutated); return (Exception?)null; }
                catch (Exception e) { return e; }
            });
            Assert.True(task.Wait(TimeSpan.FromSeconds(20)), $"{what}: mutation {i} hung");
            if (task.Result is DataFormatException) raised++;
            else if (task.Result is { } unexpected)
                Assert.Fail($"{what}: mutation {i} raised {unexpected.GetType().Name}: {unexpected.Message}\n{unexpected.StackTrace}");
        }
        // The mutations must actually hit the error paths (a reader that accepted everything would pass otherwise).
        Assert.True(raised >= Iterations / 10, $"{what}: only {raised} of {Iterations} mutations were rejected");
    }

    private static void ReadMat(byte[] bytes)
    {
        var mat = MatFile.Read(new MemoryStream(bytes), "fuzz.mat");
        foreach (var name in mat.Names)
        {
            var a = mat[name];
            foreach (var use in new Action[] { () => a.ToDoubleArray(), () => a.ToSingleArray(), () => a.ToInt32Array(), () => a.ToInt64Array(),
                                               () => a.ToBooleanArray(), () => a.ToStrings(), () => a.ToText(), () => a.ToCellStrings() })
            {
                try { use(); } catch (DataFormatException) { }
            }
        }
    }

    [Theory]
    [InlineData("mat", "basic_le.mat", 1)]
    [InlineData("mat", "basic_zlib.mat", 2)]
    [InlineData("mat", "basic_be.mat", 3)]
    [InlineData("gbu-tiny/TINY", "att_splits.mat", 4)]
    [InlineData("gbu-tiny/TINY", "res101.mat", 5)]
    public void Mutated_mat_files_raise_only_format_errors(string folder, string file, int seed) =>
        Fuzz(file, File.ReadAllBytes(RepoPaths.Fixture(["data", .. folder.Split('/'), file])), ReadMat, seed);

    [Theory]
    [InlineData("records.tfrecord", TfRecordCompression.None, 6)]
    [InlineData("records.tfrecord.zlib", TfRecordCompression.Zlib, 7)]
    public void Mutated_tfrecord_files_raise_only_format_errors(string file, TfRecordCompression compression, int seed) =>
        Fuzz(file, File.ReadAllBytes(RepoPaths.Fixture("data", "tfrecord", file)), bytes =>
        {
            using var reader = new TfRecordReader(new MemoryStream(bytes), "fuzz.tfrecord", compression, verifyChecksums: seed % 2 == 0);
            foreach (var record in reader.ReadAll())
            {
                var ex = TfExample.Parse(record, "fuzz");
                foreach (var (name, f) in ex.Features)
                {
                    try { ex.RawFloat32(name, 32); } catch (DataFormatException) { }
                    try { ex.Labels(name); } catch (DataFormatException) { }
                    _ = f.Floats.Length + f.Int64s.Length;
                }
            }
        }, seed);

    [Fact]
    public void Mutated_tf_examples_raise_only_format_errors()
    {
        var record = TfRecordReader.ReadFile(RepoPaths.Fixture("data", "tfrecord", "records.tfrecord"))[0];
        Fuzz("example", record, bytes => TfExample.Parse(bytes, "fuzz"), 8);
    }

    [Fact]
    public void Mutated_csv_and_glove_text_raise_only_format_errors()
    {
        var csv = Encoding.UTF8.GetBytes("\uFEFFindex,image,label,split\r\n0,\"a/b, c.jpg\",3,trainval\r\n1,x.jpg,0,\"test_\"\"seen\"\r\n2,y.jpg,1,test_unseen\r\n");
        Fuzz("csv", csv, bytes => Csv.Parse(bytes, "fuzz.csv"), 9);
        var glove = Encoding.UTF8.GetBytes("the 0.418 0.24968 -0.41242\ncat -1.5e-3 2 3\nrésumé 4 5 6\n");
        Fuzz("glove", glove, bytes => GloveText.Read(new MemoryStream(bytes), "fuzz.txt"), 10);
    }

    [Fact]
    public void Mutated_feature_store_files_raise_only_format_errors()
    {
        var root = Directory.CreateTempSubdirectory("zsl-fuzz-").FullName;
        try
        {
            var folder = Path.Combine(root, "s");
            using (var w = new FeatureStoreWriter(folder, new FeatureStoreOptions([2, 3], FeatureDType.Fp16, LabelCount: 2, ItemsPerChunk: 3)))
            {
                for (var i = 0; i < 7; i++) w.Append([i, 1, 2, 3, 4, 5], [1, -1]);
                w.Complete();
            }
            var buffer = new float[6];
            void OpenAndRead()
            {
                using var store = FeatureStore.Open(folder, verifyChecksums: true);
                for (var i = 0; i < store.Count; i++) { store.ReadItem(i, buffer); _ = store.Labels(i).Length; }
                foreach (var b in store.Batches(3, seed: 1)) b.Dispose();
            }
            foreach (var (file, seed) in new[] { ("index.json", 11), ("chunk-00001.bin", 12), ("labels.i8", 13) })
            {
                var path = Path.Combine(folder, file);
                var valid = File.ReadAllBytes(path);
                Fuzz(file, valid, bytes => { File.WriteAllBytes(path, bytes); OpenAndRead(); }, seed);
                File.WriteAllBytes(path, valid);
            }
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
