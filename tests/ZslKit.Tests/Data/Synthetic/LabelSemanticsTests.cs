// LabelSemantics: the generated stand-in (shape, normalisation, determinism, cluster structure) and argument checks.
using ZslKit.Data.Synthetic;

namespace ZslKit.Tests.Data.Synthetic;

public class LabelSemanticsTests
{
    [Fact]
    public void Stand_in_rows_are_unit_length_and_deterministic()
    {
        var a = LabelSemantics.StandIn(3, seen: 50, unseen: 10, dim: 40, clusters: 5);
        var b = LabelSemantics.StandIn(3, seen: 50, unseen: 10, dim: 40, clusters: 5);
        Assert.Equal(a.Vectors, b.Vectors);
        Assert.NotEqual(a.Vectors, LabelSemantics.StandIn(4, seen: 50, unseen: 10, dim: 40, clusters: 5).Vectors);
        Assert.Equal((60, 50, 10, 40), (a.Count, a.SeenCount, a.UnseenCount, a.Dim));
        for (int c = 0; c < a.Count; c++)
            Assert.Equal(1.0, Math.Sqrt(a.Row(c).ToArray().Sum(v => (double)v * v)), 1e-6);
    }

    [Fact]
    public void Stand_in_labels_have_close_neighbours_from_their_cluster()
    {
        var s = LabelSemantics.StandIn(3, seen: 200, unseen: 20, dim: 100, clusters: 8);
        double nearest = 0, mean = 0;
        for (int a = 0; a < s.Count; a++)
        {
            double best = -1;
            for (int c = 0; c < s.Count; c++)
            {
                if (c == a) continue;
                double cos = 0;
                for (int j = 0; j < s.Dim; j++) cos += s.Row(a)[j] * s.Row(c)[j];
                best = Math.Max(best, cos);
                mean += cos / (s.Count - 1);
            }
            nearest += best;
        }
        nearest /= s.Count; mean /= s.Count;
        // Same-cluster cos ≈ (1.09)/(1.09 + 0.81) ≈ 0.57, across clusters ≈ 0.05: the nearest neighbour is a cluster mate.
        Assert.True(nearest > 0.45 && mean < 0.2, $"nearest {nearest:F3}, mean {mean:F3}");
    }

    [Fact]
    public void Mismatched_sizes_and_zero_vectors_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new LabelSemantics(["a", "b"], new float[5], 3, 1, "test"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LabelSemantics(["a", "b"], new float[6], 3, 2, "test"));
        var e = Assert.Throws<ArgumentException>(() => new LabelSemantics(["a", "b"], [1, 0, 0, 0, 0, 0], 3, 1, "test"));
        Assert.Contains("label 1", e.Message);
    }
}
