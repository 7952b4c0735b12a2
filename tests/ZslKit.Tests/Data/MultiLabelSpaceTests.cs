// Tests of the NUS-WIDE and Open Images label spaces against the real label files in ../shared/data.
using ZslKit.Data.Datasets;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public class MultiLabelSpaceTests
{
    private static string Folder(string name, string probe)
    {
        var path = RepoPaths.SharedFile(name, probe);
        Skip.If(path is null, $"shared data {name} absent");
        return Path.GetDirectoryName(path)!;
    }

    [Fact]
    public void Nus_wide_has_925_seen_tags_and_81_unseen_concepts()
    {
        var labels = NusWideLabels.Load(Folder("nus-wide", "TagList1k.txt"));
        Assert.Equal(925, labels.SeenLabels.Length);
        Assert.Equal(81, labels.UnseenLabels.Length);
        Assert.Empty(labels.SeenLabels.Intersect(labels.UnseenLabels));
        Assert.Equal(75, labels.Tags1k.Intersect(labels.Concepts81).Count());
        Assert.Equal(labels.SeenTagRows.Order(), labels.SeenTagRows);
    }

    [Fact]
    public void Nus_wide_seen_semantics_keep_the_rows_of_the_seen_tags()
    {
        var labels = NusWideLabels.Load(Folder("nus-wide", "TagList1k.txt"));
        const int dim = 3;
        var tagVectors = new float[1000 * dim];
        for (var i = 0; i < tagVectors.Length; i++) tagVectors[i] = i / dim;   // row r holds r
        var seen = labels.SeenSemantics(tagVectors, dim);
        Assert.Equal(925 * dim, seen.Length);
        for (var k = 0; k < 925; k++) Assert.Equal(labels.SeenTagRows[k], seen[k * dim + 2]);
        Assert.Throws<ArgumentException>(() => labels.SeenSemantics(new float[999 * dim], dim));
    }

    [Fact]
    public void Nus_wide_glove_gives_925_seen_and_81_unseen_raw_300d_vectors()
    {
        var folder = Folder("nus-wide", "tags1k_glove300.npy");
        var labels = NusWideLabels.Load(folder);
        var (seen, unseen, dim) = labels.LoadGloVe(folder);
        Assert.Equal(300, dim);
        Assert.Equal(925 * 300, seen.Length);
        Assert.Equal(81 * 300, unseen.Length);
        // Raw GloVe rows are not normalised: their norms are around 5-7 (README of the shared data).
        var norm = Math.Sqrt(unseen.AsSpan(0, 300).ToArray().Sum(x => (double)x * x));
        Assert.InRange(norm, 2.0, 12.0);
    }

    [Fact]
    public void Open_images_has_7186_seen_and_400_named_unseen_labels()
    {
        var labels = OpenImagesLabels.Load(Folder("openimages-v4", "classes-trainable.txt"));
        Assert.Equal(7186, labels.SeenIds.Length);
        Assert.Equal(400, labels.UnseenIds.Length);
        Assert.Equal(400, labels.UnseenIds.Distinct().Count());
        Assert.Empty(labels.SeenIds.Intersect(labels.UnseenIds));
        Assert.All(labels.UnseenIds, id => Assert.True(labels.Names.ContainsKey(id), id));
        Assert.All(labels.SeenIds, id => Assert.True(labels.Names.ContainsKey(id), id));
        Assert.Equal("Ducks, geese and swans", labels.NameOf("/m/01c_0l"));   // a quoted name with commas
    }

    [Fact]
    public void L2_normalised_rows_have_unit_norm_and_zero_rows_stay_zero()
    {
        var m = new float[] { 3, 4, 0, 0, 1, 1 };
        var n = LabelSemantics.L2NormalizeRows(m, 2);
        Assert.Equal(new[] { 0.6f, 0.8f, 0f, 0f }, n[..4]);
        Assert.Equal(1 / MathF.Sqrt(2), n[4], 6);
        Assert.Equal(3f, m[0]);   // input untouched
        Assert.Throws<ArgumentException>(() => LabelSemantics.L2NormalizeRows(m, 4));
    }
}
