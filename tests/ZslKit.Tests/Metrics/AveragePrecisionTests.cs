using ZslKit.Metrics;

namespace ZslKit.Tests.Metrics;

public class AveragePrecisionTests
{
    private static LabelAp Ap(float[] s, sbyte[] y) => AveragePrecision.Compute(s, y, new float[s.Length], new bool[s.Length]);

    [Fact]
    public void Ap_groups_tied_scores_into_one_threshold()
    {
        // 0.9(+) then the tie {0.8(-), 0.8(+)}: 1/2·1 + 1/2·2/3 = 5/6 (an order-dependent AP would give 1/2 + 1/2·2/3 or 1/2 + 1/2·1).
        var r = Ap([0.9f, 0.8f, 0.8f, 0.1f], [1, -1, 1, -1]);
        Assert.Equal(5.0 / 6, r.Ap, 12);
        Assert.Equal(2, r.Positives);
        Assert.Equal(4, r.Annotated);
    }

    [Fact]
    public void Ap_drops_unannotated_entries_before_ranking()
    {
        // The unannotated 0.95 would otherwise be a false positive at rank 1.
        var r = Ap([0.95f, 0.9f, 0.8f, 0.8f, 0.1f], [0, 1, -1, 1, -1]);
        Assert.Equal(5.0 / 6, r.Ap, 12);
        Assert.Equal(4, r.Annotated);
    }

    [Fact]
    public void Ap_of_a_label_without_positives_is_zero()
    {
        Assert.Equal(0, Ap([0.3f, 0.2f], [-1, -1]).Ap);
        Assert.Equal(new LabelAp(0, 0, 0), Ap([0.3f, 0.2f], [0, 0]));
    }

    [Fact]
    public void Ap_with_all_scores_tied_is_the_positive_rate()
    {
        Assert.Equal(0.4, Ap([1, 1, 1, 1, 1], [1, -1, 1, -1, -1]).Ap, 12);
    }

    [Fact]
    public void Ap_image_filter_keeps_only_included_images()
    {
        var r = AveragePrecision.Compute([0.9f, 0.8f, 0.1f], [-1, 1, 1], new float[3], new bool[3], [false, true, true]);
        Assert.Equal(1.0, r.Ap, 12);
        Assert.Equal(2, r.Annotated);
    }

    [Fact]
    public void A_non_finite_score_is_refused_instead_of_hanging_the_tie_grouping()
    {
        var e = Assert.Throws<MetricInputException>(() => Ap([float.NaN, 2, 3], [1, -1, 1]));
        Assert.Equal("scores: score NaN at index 0 is not finite", e.Message);
        e = Assert.Throws<MetricInputException>(() =>
            AveragePrecision.ComputeBoth([1, float.NaN, 3], [1, -1, 1], new float[3], new byte[3], [true, true, true]));
        Assert.Equal("scores: score NaN at index 1 is not finite", e.Message);
        Assert.Contains("at index 2 is not finite", Assert.Throws<MetricInputException>(() => Ap([1, 2, float.PositiveInfinity], [1, -1, 1])).Message);
    }

    [Fact]
    public void Short_labels_small_scratch_buffers_and_bad_labels_are_refused_with_their_sizes()
    {
        float[] s = [0.9f, 0.8f, 0.1f];
        Assert.Equal("labels: 2 labels for 3 scores",
            Assert.Throws<MetricInputException>(() => AveragePrecision.Compute(s, [1, -1], new float[3], new bool[3])).Message);
        Assert.Equal("keys: scratch buffer of 2 elements, needs at least 3 (one per score)",
            Assert.Throws<MetricInputException>(() => AveragePrecision.Compute(s, [1, -1, 1], new float[2], new bool[3])).Message);
        Assert.Equal("isPositive: scratch buffer of 1 elements, needs at least 3 (one per score)",
            Assert.Throws<MetricInputException>(() => AveragePrecision.Compute(s, [1, -1, 1], new float[3], new bool[1])).Message);
        Assert.StartsWith("include: 2 entries for 3 scores",
            Assert.Throws<MetricInputException>(() => AveragePrecision.Compute(s, [1, -1, 1], new float[3], new bool[3], [true, false])).Message);
        Assert.Equal("flags: scratch buffer of 2 elements, needs at least 3 (one per score)",
            Assert.Throws<MetricInputException>(() => AveragePrecision.ComputeBoth(s, [1, -1, 1], new float[3], new byte[2], [true, true, true])).Message);
        Assert.Equal("include: 0 entries for 3 scores",
            Assert.Throws<MetricInputException>(() => AveragePrecision.ComputeBoth(s, [1, -1, 1], new float[3], new byte[3], [])).Message);
        Assert.Equal("labels: label 2 at index 1 is not one of -1, 0, 1",
            Assert.Throws<MetricInputException>(() => Ap(s, [1, 2, 1])).Message);
        Assert.Equal(new LabelAp(0, 0, 0), AveragePrecision.Compute([], [], [], []));   // empty column: still AP 0
    }
}

public class AveragePrecisionBothTests
{
    [Fact]
    public void One_sort_gives_the_same_aps_as_two_separate_computations()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = rng.Next(1, 60);
            var s = Enumerable.Range(0, n).Select(_ => rng.Next(5) / 5f).ToArray();
            var y = Enumerable.Range(0, n).Select(_ => (sbyte)(rng.Next(3) - 1)).ToArray();
            var inc = Enumerable.Range(0, n).Select(_ => rng.Next(3) > 0).ToArray();
            var (all, some) = AveragePrecision.ComputeBoth(s, y, new float[n], new byte[n], inc);
            var wantAll = AveragePrecision.Compute(s, y, new float[n], new bool[n]);
            var wantSome = AveragePrecision.Compute(s, y, new float[n], new bool[n], inc);
            Assert.Equal(wantAll.Ap, all.Ap, 12);
            Assert.Equal(wantSome.Ap, some.Ap, 12);
            Assert.Equal((wantAll.Positives, wantAll.Annotated), (all.Positives, all.Annotated));
            Assert.Equal((wantSome.Positives, wantSome.Annotated), (some.Positives, some.Annotated));
        }
    }
}
