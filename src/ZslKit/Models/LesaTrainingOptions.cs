// LesaTrainingOptions.cs - the knobs of the LESA training protocol (Huynh & Elhamifar, CVPR 2020, Sec. 5.1 and the
// official NUS-WIDE script): TF-style RMSprop (lr 1e-3, decay 0.9, momentum 0.9, epsilon 1.0), batch 32, lr x0.8 when the
// moving average (0.3) of validation F1@5 drops (patience 5). A LesaPreset carries them; LesaExperiment.Config writes them
// into the ExperimentConfig the generic Trainer runs.
namespace ZslKit.Models;

/// <summary>Training-protocol knobs (defaults: the official NUS-WIDE script); <see cref="ZslKit.Experiments.Lesa.LesaExperiment"/> turns them into an ExperimentConfig.</summary>
public sealed record LesaTrainingOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>RMSprop decay (PyTorch alpha), momentum and epsilon, TensorFlow 1 placement (eps inside the square root).</summary>
    public double RmsDecay { get; init; } = 0.9;
    public double RmsMomentum { get; init; } = 0.9;
    public double RmsEpsilon { get; init; } = 1.0;
    /// <summary>LesaPlateauDecay: moving-average strength, patience (5 NUS, 2 Open Images), decay factor.</summary>
    public double SignalStrength { get; init; } = 0.3;
    public int Patience { get; init; } = 5;
    public double DecayRate { get; init; } = 0.8;
    /// <summary>Clip the global gradient norm to this value before each step; null (official) = no clipping. The NUS-shaped
    /// synthetic presets use 5 with their lr 0.05 (docs/lesa.md, "Quick-preset stability").</summary>
    public double? ClipGradNorm { get; init; }
}
