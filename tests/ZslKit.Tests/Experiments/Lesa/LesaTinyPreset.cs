// LesaTinyPreset.cs - the LESA preset the experiment, prefetch and graph-step tests train: small enough for a unit test.
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Lesa;
using ZslKit.Models;

namespace ZslKit.Tests.Experiments.Lesa;

internal static class LesaTinyPreset
{
    /// <summary>3x3 regions, D 8, 120 training (18 validation) and 60 test images, M 2, hidden 8, batch 16, 2 epochs, lr 0.05:
    /// 102 fit images -> 6 full steps + 1 of 6 per epoch.</summary>
    public static readonly LesaPreset Tiny = new("tiny",
        MultiLabelBenchmarkConfig.Quick with { TrainImages = 120, TestImages = 60, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, FeatureDim = 8 },
        Hidden: 8, Modules: 2, new LesaTrainingOptions { Epochs = 2, BatchSize = 16, LearningRate = 0.05 }, Seeds: [0]);
}
