using ZslKit.Metrics;
using ZslKit.Testing;

namespace ZslKit.Tests.Metrics;

/// <summary>The protocol label-space sizes agree with the real label lists in ../shared/data (skipped when absent).</summary>
public class ProtocolLabelSpaceTests
{
    private static string[] Lines(string path) =>
        [.. File.ReadAllLines(path).Select(l => l.Trim().TrimStart('\uFEFF')).Where(l => l.Length > 0)];

    [Fact]
    public void Nus_label_spaces_match_the_tag_and_concept_lists()
    {
        var tags = RepoPaths.SharedFile("nus-wide", "TagList1k.txt");
        var concepts = RepoPaths.SharedFile("nus-wide", "Concepts81.txt");
        Skip.If(tags is null || concepts is null, "NUS-WIDE label lists not in ../shared/data");
        var unseen = Lines(concepts!).ToHashSet();
        int seen = Lines(tags!).Count(t => !unseen.Contains(t)); // tags that are also concepts are removed
        Assert.Equal(MultiLabelProtocol.Nus.Zsl.Columns, unseen.Count);
        Assert.Equal((MultiLabelProtocol.Nus.Gzsl.Seen, MultiLabelProtocol.Nus.Gzsl.Unseen), (seen, unseen.Count));
    }

    [Fact]
    public void Open_images_label_spaces_match_the_trainable_and_unseen_lists()
    {
        var trainable = RepoPaths.SharedFile("openimages-v4", "classes-trainable.txt");
        var unseen = RepoPaths.SharedFile("openimages-v4", "top_400_unseen.csv");
        Skip.If(trainable is null || unseen is null, "Open Images label lists not in ../shared/data");
        Assert.Equal(MultiLabelProtocol.OpenImages.Zsl.Columns, Lines(unseen!).Length);
        Assert.Equal((MultiLabelProtocol.OpenImages.Gzsl.Seen, MultiLabelProtocol.OpenImages.Gzsl.Unseen),
            (Lines(trainable!).Length, Lines(unseen!).Length));
    }
}
