// LesaTrainingTests.cs - LESA trained by LesaTrainer (official protocol: TF-style RMSprop, batch 32, moving-average lr
// rule, selection on validation F1@5) on a small synthetic multi-label benchmark: robust qualitative facts only.
using ZslKit.Data.Synthetic;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Models;

[Collection("torch-global-state")]
public class LesaTrainingTests
{
    private static MultiLabelBenchmark SmallBenchmark() => new(
        MultiLabelBenchmarkConfig.Quick with
        {
            TrainImages = 1000, ValidationFraction = 0.15, TestImages = 250, FeatureDim = 32, NoiseSigma = 0.5, GridHeight = 7, GridWidth = 7, Seed = 7,
        },
        LabelSemantics.StandIn(7, seen: 60, unseen: 15, dim: 24, clusters: 8));

    /// <summary>mAP of scores that ignore the image: every label's AP is its positive rate (expected AP of a random ranking).</summary>
    private static double ChanceZslMap(MultiLabelBenchmark bench)
    {
        var labels = LesaTrainer.SplitLabels(bench, MultiLabelSplit.Test);
        int n = bench.ImageCount(MultiLabelSplit.Test), l = bench.Semantics.Count, s = bench.SeenCount;
        var rates = new List<double>();
        for (int c = s; c < l; c++)
        {
            int pos = 0;
            for (int i = 0; i < n; i++) if (labels[i * l + c] == 1) pos++;
            rates.Add((double)pos / n);
        }
        return rates.Average();
    }

    [Fact]
    public void Trained_lesa_ranks_unseen_labels_well_above_chance_and_above_its_untrained_self()
    {
        var bench = SmallBenchmark();
        using var model = LesaTable1.Create("lesa", bench, hidden: 32, seed: 1, modules: 4);
        using var vectors = LesaTrainer.LabelVectors(bench);
        var untrained = LesaTrainer.Test(model, bench, vectors, 32);
        var run = LesaTrainer.Run(model, bench, new LesaTrainingOptions { Epochs = 6, Seed = 1, LearningRate = 0.05 });
        double chance = ChanceZslMap(bench);
        Assert.True(run.Selected.ZslMap > 2 * chance, $"ZS mAP {run.Selected.ZslMap:F3} vs chance {chance:F3}");
        Assert.True(run.Selected.ZslMap > untrained.ZslMap + 0.05, $"ZS mAP {untrained.ZslMap:F3} -> {run.Selected.ZslMap:F3}");
        Assert.True(run.Selected.GzslMap > untrained.GzslMap, $"GZS mAP {untrained.GzslMap:F3} -> {run.Selected.GzslMap:F3}");
        Assert.Equal(6, run.ValidationF1At5.Count);                    // one validation per epoch
        Assert.Equal(run.ValidationF1At5.Max(), run.BestValidationF1At5);
        Assert.InRange(run.Final.ZslF1At3, 0, 1);
    }
}
