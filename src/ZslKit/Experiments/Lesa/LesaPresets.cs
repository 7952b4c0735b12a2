// LesaPresets.cs - the sizes the LESA notebooks use on the synthetic multi-label benchmark (real NUS-WIDE GloVe semantics):
// "quick" (CI on 2 CPU cores: 7x7 regions, D 64, seconds per run) and "full" (14x14 regions, D 128, longer, three seeds).
using ZslKit.Data.Synthetic;
using ZslKit.Models;

namespace ZslKit.Experiments.Lesa;

/// <summary>A benchmark size, model width and training protocol shared by every LESA notebook in one mode.</summary>
/// <param name="Name">"quick" or "full".</param>
/// <param name="Benchmark">The synthetic benchmark's configuration (its seed is the data seed).</param>
/// <param name="Hidden">Width H of the attention hidden layer (and of the baselines' hidden layers).</param>
/// <param name="Modules">M, the number of shared attention modules of LESA (and clusters of the per-cluster baseline).</param>
/// <param name="Training">The protocol; on synthetic data lr 0.05 replaces the official 1e-3 (docs/lesa.md explains why).</param>
/// <param name="Seeds">Seeds each configuration is run with (mean ± std over them).</param>
public sealed record LesaPreset(string Name, MultiLabelBenchmarkConfig Benchmark, int Hidden, int Modules, LesaTrainingOptions Training,
    IReadOnlyList<int> Seeds);

public static class LesaPresets
{
    /// <summary>Notebook quick mode: 3,600 training + 400 validation + 500 test images on a 7x7 grid with D = 64, H = 64,
    /// 4 epochs at lr 0.05, seed 0. LESA (M=10) trains in about 25 s on an idle 2-core CPU.</summary>
    public static LesaPreset Quick { get; } = new("quick",
        MultiLabelBenchmarkConfig.Quick with { GridHeight = 7, GridWidth = 7, MaxBlobSize = 3, FeatureDim = 64, TestImages = 500 },
        Hidden: 64, Modules: 10, new LesaTrainingOptions { Epochs = 4, LearningRate = 0.05 }, Seeds: [0]);

    /// <summary>Full mode on synthetic data: the 14x14, D = 128 benchmark (<see cref="MultiLabelBenchmarkConfig.Quick"/>),
    /// H = 128, 10 epochs at lr 0.05, seeds 0, 1, 2.</summary>
    public static LesaPreset Full { get; } = new("full", MultiLabelBenchmarkConfig.Quick,
        Hidden: 128, Modules: 10, new LesaTrainingOptions { Epochs = 10, LearningRate = 0.05 }, Seeds: [0, 1, 2]);

    /// <summary>The preset of a notebook's <c>quick</c> parameter.</summary>
    public static LesaPreset For(bool quick) => quick ? Quick : Full;
}
