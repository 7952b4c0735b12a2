// The test-local mAP used by the learnability checks, on hand-computed cases.
namespace ZslKit.Tests.Data.Synthetic;

public class TinyMetricsTests
{
    [Fact]
    public void Map_averages_precision_at_each_positive_and_skips_labels_without_positives()
    {
        // [4 images, 3 labels] row-major. Label 0: scores 0.9..0.6, ranks 1 and 3 are positive → AP = (1/1 + 2/3) / 2. Label 1: only the lowest score is positive → AP = 1/4.
        // Label 2: no positive → skipped. Chance = mean positive rate of labels 0 and 1 = (2/4 + 1/4) / 2.
        double[] scores = [0.9, 0.1, 0.5, 0.8, 0.2, 0.5, 0.7, 0.3, 0.5, 0.6, 0.4, 0.5];
        bool[] positive = [true, true, false, false, false, false, true, false, false, false, false, false];
        var (map, chance) = TinyMetrics.MeanAveragePrecision(scores, positive, 4, 3);
        Assert.Equal(((1 + 2.0 / 3) / 2 + 0.25) / 2, map, 1e-12);
        Assert.Equal(0.375, chance, 1e-12);
    }
}
