// LesaEvaluation.TestMetrics from explicit arrays: bad input names "scores", "labels", "ks", "n", "l", "seen" in the caller's terms.
using ZslKit.Metrics;
using ZslKit.Models;

namespace ZslKit.Tests.Models;

public class LesaEvaluationTests
{
    // 2 images over 4 labels: columns 0, 1 seen, 2, 3 unseen
    private static readonly float[] Scores = [0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f, 0.1f, 0.6f];
    private static readonly sbyte[] Labels = [1, -1, 1, -1, -1, 1, -1, 1];

    [Fact]
    public void A_bad_score_or_label_is_reported_in_the_callers_full_label_space()
    {
        var s = (float[])Scores.Clone();
        s[2] = float.NaN;                                        // row 0, column 2 (the first unseen column)
        var e = Assert.Throws<MetricInputException>(() => LesaEvaluation.TestMetrics(s, Labels, 2, 4, 2, [1]));
        Assert.Equal("scores: score NaN at row 0, column 2 is not finite", e.Message);
        var y = (sbyte[])Labels.Clone();
        y[7] = 2;                                                // row 1, column 3
        e = Assert.Throws<MetricInputException>(() => LesaEvaluation.TestMetrics(Scores, y, 2, 4, 2, [1]));
        Assert.Equal("labels: label 2 at row 1, column 3 is not one of -1, 0, 1", e.Message);
    }

    [Fact]
    public void K_above_the_unseen_label_count_is_refused_before_any_evaluation()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LesaEvaluation.TestMetrics(Scores, Labels, 2, 4, 2, [1, 3]));
        Assert.Equal("ks", e.ParamName);
        Assert.StartsWith("K = 3 must be between 1 and the unseen label count 2 (the ZS test metrics rank the 2 unseen labels)", e.Message);
        Assert.DoesNotContain("--k", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LesaEvaluation.TestMetrics(Scores, Labels, 2, 4, 2, [0]));
        Assert.Equal("ks", Assert.Throws<ArgumentNullException>(() => LesaEvaluation.TestMetrics(Scores, Labels, 2, 4, 2, null!)).ParamName);
        var m = LesaEvaluation.TestMetrics(Scores, Labels, 2, 4, 2, [1, 2]);
        Assert.Equal(["zs/map", "zs/p@1", "zs/r@1", "zs/f1@1", "zs/p@2", "zs/r@2", "zs/f1@2", "gzs/map"], m.Keys.Take(8));
        Assert.Equal(1.0, m["zs/map"], 12);
    }

    [Fact]
    public void Bad_sizes_name_the_size_argument()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LesaEvaluation.TestMetrics([], [], -1, 0, 0, [1]));
        Assert.Equal("n", e.ParamName);
        Assert.StartsWith("the image count n must be >= 0", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => LesaEvaluation.TestMetrics([], [], 0, 0, 0, [1]));
        Assert.Equal("l", e.ParamName);
        Assert.StartsWith("the label count l must be >= 1", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => LesaEvaluation.TestMetrics(Scores, Labels, 2, 4, 4, [1]));
        Assert.Equal("seen", e.ParamName);
        Assert.StartsWith("the seen column count must be in [0, 4): at least one of the l = 4 columns must be unseen", e.Message);
    }
}
