using ZslKit.Metrics;

namespace ZslKit.Tests.Metrics;

public class TopKCounterTests
{
    [Fact]
    public void A_row_of_another_length_than_the_label_count_is_refused_naming_k_and_the_lengths()
    {
        var c = new TopKCounter([3], labels: 3, keepImagesWithoutPositives: true);
        // one score with K = 3 used to count stale indices: TP = 3, P = 1
        var e = Assert.Throws<MetricInputException>(() => c.AddRow([0.5f], [1]));
        Assert.Equal("scores: row of 1 scores and 1 labels; this counter (K up to 3) counts rows of 3 label columns", e.Message);
        e = Assert.Throws<MetricInputException>(() => c.AddRow([0.5f, 0.2f, 0.1f], [1, -1]));
        Assert.StartsWith("labels: row of 3 scores and 2 labels", e.Message);
        Assert.Equal(0, c.Images);
    }

    [Fact]
    public void Non_finite_scores_and_labels_outside_minus_one_zero_one_are_refused_and_nothing_is_counted()
    {
        var c = new TopKCounter([1], labels: 3, keepImagesWithoutPositives: true);
        Assert.Equal("scores: score NaN at column 0 is not finite",
            Assert.Throws<MetricInputException>(() => c.AddRow([float.NaN, float.NaN, float.NaN], [1, -1, -1])).Message);
        Assert.Equal("labels: label 3 at column 2 is not one of -1, 0, 1",
            Assert.Throws<MetricInputException>(() => c.AddRow([0.1f, 0.2f, 0.3f], [1, -1, 3])).Message);
        var oi = new TopKCounter([1], labels: 2, keepImagesWithoutPositives: false);
        Assert.Throws<MetricInputException>(() => oi.AddRow([float.NaN, 0], [-1, -1]));    // a row without positives is checked too
        Assert.Equal((0L, 0L), (c.Images, c.Positives));
        c.AddRow([0.1f, 0.9f, 0.3f], [1, -1, 0]);
        Assert.Equal((1L, 0.0), (c.Images, c.Results()[0].Precision));
    }

    [Fact]
    public void K_outside_one_to_the_label_count_is_refused_without_mentioning_a_cli_flag()
    {
        var e = Assert.Throws<MetricInputException>(() => new TopKCounter([3, 5], labels: 3, keepImagesWithoutPositives: true));
        Assert.Equal("ks: K = 5 must be between 1 and the label count 3", e.Message);
        Assert.Equal("ks: no K given", Assert.Throws<MetricInputException>(() => new TopKCounter([], 3, true)).Message);
        Assert.Throws<ArgumentNullException>(() => new TopKCounter(null!, 3, true));
    }

    [Fact]
    public void Adding_a_counter_with_other_ks_is_refused()
    {
        var c = new TopKCounter([1, 2], labels: 3, keepImagesWithoutPositives: true);
        Assert.Contains("K [1]", Assert.Throws<ArgumentException>(() => c.Add(new TopKCounter([1], 3, true))).Message);
        Assert.Throws<ArgumentNullException>(() => c.Add(null!));
    }
}
