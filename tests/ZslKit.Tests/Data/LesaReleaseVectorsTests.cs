// LesaReleaseVectorsTests.cs - importing the LESA release's Open Images word-vector pickle (seen_vecs, unseen_vecs) into
// w2v_seen.npy / w2v_unseen.npy, read back through LabelSemantics.LoadOpenImages, on a miniature openimages-v4 folder
// (5 seen, 3 unseen candidates, top-2 picked) and the numpy-written fixture tests/fixtures/pickle/w2v_p3.pkl ([5, 4], [3, 4]).
using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Testing;
using Semantics = ZslKit.Data.Synthetic.LabelSemantics;

namespace ZslKit.Tests.Data;

public sealed class LesaReleaseVectorsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "zslkit-lesa-w2v-" + Guid.NewGuid().ToString("N")[..8]);
    private string Folder => Path.Combine(_data, "openimages-v4");

    public LesaReleaseVectorsTests()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllLines(Path.Combine(Folder, "classes-trainable.txt"), ["/m/s0", "/m/s1", "/m/s2", "/m/s3", "/m/s4"]);
        File.WriteAllLines(Path.Combine(Folder, "unseen_labels.txt"), ["/m/u0", "/m/u1", "/m/u2"]);
        File.WriteAllLines(Path.Combine(Folder, "top_400_unseen.csv"), ["2", "0"]);
        File.WriteAllLines(Path.Combine(Folder, "class-descriptions.csv"), ["/m/s0,cat", "/m/u2,zebra", "/m/u0,owl"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private static string Pickle(string name) => RepoPaths.Fixture("pickle", name);

    [Fact]
    public void The_release_pickle_becomes_the_two_npy_files_that_LoadOpenImages_reads_with_the_top_unseen_rows_picked()
    {
        var r = LesaReleaseVectors.ImportOpenImages(Pickle("w2v_p3.pkl"), Folder);
        Assert.Equal((5, 3, 4), (r.SeenRows, r.UnseenRows, r.Dim));
        var semantics = Semantics.LoadOpenImages(_data);
        Assert.Equal(5, semantics.SeenCount);
        Assert.Equal(7, semantics.Count);                                  // 5 seen + the 2 picked unseen
        Assert.Equal(["cat", "/m/s1", "/m/s2", "/m/s3", "/m/s4", "zebra", "owl"], semantics.Names);
        // The generator's formulas: seen (i - 7.5) / 4, unseen i * -0.375 + 1, row-major [rows, 4]; LabelSemantics
        // L2-normalises every row.
        var seen = Enumerable.Range(0, 20).Select(i => (i - 7.5) / 4).ToArray();
        var unseen = Enumerable.Range(0, 12).Select(i => i * -0.375 + 1).ToArray();
        var rows = seen.Chunk(4).Concat([unseen[8..12], unseen[0..4]]);     // unseen rows 2 and 0
        var expected = rows.SelectMany(r => { var n = Math.Sqrt(r.Sum(v => v * v)); return r.Select(v => v / n); }).ToArray();
        Assert.Equal(expected.Length, semantics.Vectors.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], semantics.Vectors[i], 6);
        Assert.StartsWith("openimages-w2v:", semantics.Source);
    }

    [Fact]
    public void Every_pickle_protocol_of_the_pair_imports_to_the_same_files()
    {
        byte[]? first = null;
        foreach (var protocol in new[] { 2, 3, 4, 5 })
        {
            var r = LesaReleaseVectors.ImportOpenImages(Pickle($"w2v_p{protocol}.pkl"), Folder, overwrite: true);
            var bytes = File.ReadAllBytes(r.SeenFile).Concat(File.ReadAllBytes(r.UnseenFile)).ToArray();
            if (first is null) first = bytes;
            else Assert.Equal(first, bytes);
        }
    }

    [Fact]
    public void A_pickle_whose_rows_do_not_match_the_label_lists_is_refused_and_writes_nothing()
    {
        File.WriteAllLines(Path.Combine(Folder, "classes-trainable.txt"), ["/m/s0", "/m/s1", "/m/s2", "/m/s3"]);
        var e = Assert.Throws<DataFormatException>(() => LesaReleaseVectors.ImportOpenImages(Pickle("w2v_p3.pkl"), Folder));
        Assert.Contains("seen_vecs has shape (5, 4); expected (4, dim): one row per line of classes-trainable.txt", e.Message);
        Assert.False(File.Exists(Path.Combine(Folder, Semantics.OpenImagesSeenVectorsFile)));
        Assert.False(File.Exists(Path.Combine(Folder, Semantics.OpenImagesUnseenVectorsFile)));
    }

    [Fact]
    public void Something_other_than_a_pair_of_matrices_or_an_unsafe_pickle_is_refused_naming_the_file()
    {
        var dict = Assert.Throws<DataFormatException>(() => LesaReleaseVectors.ImportOpenImages(Pickle("mixed_p2.pkl"), Folder));
        Assert.Contains("expected a pickled pair (seen_vecs, unseen_vecs), found a dict", dict.Message);
        var unsafePickle = Assert.Throws<DataFormatException>(() => LesaReleaseVectors.ImportOpenImages(Pickle("malicious_system.pkl"), Folder));
        Assert.Contains("malicious_system.pkl", unsafePickle.Message);
        Assert.Contains("forbidden pickle global", unsafePickle.Message);
    }

    [Fact]
    public void Existing_vector_files_are_kept_unless_overwrite_is_asked()
    {
        LesaReleaseVectors.ImportOpenImages(Pickle("w2v_p3.pkl"), Folder);
        var e = Assert.Throws<IOException>(() => LesaReleaseVectors.ImportOpenImages(Pickle("w2v_p4.pkl"), Folder));
        Assert.Contains("w2v_seen.npy exists", e.Message);
        LesaReleaseVectors.ImportOpenImages(Pickle("w2v_p4.pkl"), Folder, overwrite: true);
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp-*"));
    }
}
