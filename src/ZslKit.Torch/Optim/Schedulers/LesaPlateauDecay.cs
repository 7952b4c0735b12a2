// LesaPlateauDecay.cs - the adaptive learning-rate rule of the LESA reference code (Huynh & Elhamifar, "A Shared
// Multi-Attention Framework for Multi-Label Zero-Shot Learning", CVPR 2020; hbdat/cvpr20_LESA, core/utils.py,
// class LearningRate, method adapt): decay by 0.8 when an exponential moving average of the validation metric drops.
namespace ZslKit.Torch.Optim;

/// <summary>
/// At each evaluation with metric x (higher is better): a_old ← a; a ← (1−s)·a + s·x (a starts at 0, s = signal
/// strength, 0.3 in LESA). When a &lt; a_old, the wait counter m ≤ 0 and lr ≥ lr₀·limit (limit 1e-3), every group's
/// rate is multiplied by the decay rate (0.8) and m ← patience; m then decreases by one every evaluation. LESA's
/// NUS-WIDE and Open Images scripts use patience 5 (the class default is 2). The reference keeps one float32 rate;
/// here each group keeps its own double rate and the lr ≥ lr₀·limit test is made per group, with a and m shared.
/// </summary>
public sealed class LesaPlateauDecay
{
    private int _wait;

    public LesaPlateauDecay(Optimizer optimizer, double signal_strength = 0.3, int patience = 2, double decay_rate = 0.8,
        double limit_lr_scale = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(signal_strength > 0 && signal_strength <= 1))
            throw new ArgumentOutOfRangeException(nameof(signal_strength), signal_strength, "signal_strength must lie in (0, 1]");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be >= 0");
        if (!(decay_rate > 0 && decay_rate < 1)) throw new ArgumentOutOfRangeException(nameof(decay_rate), decay_rate, "decay_rate must lie in (0, 1)");
        Optimizer.CheckNonNegative(limit_lr_scale, nameof(limit_lr_scale));
        this.Optimizer = optimizer;
        SignalStrength = signal_strength;
        Patience = patience;
        DecayRate = decay_rate;
        LimitLearningRateScale = limit_lr_scale;
        BaseLearningRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    public Optimizer Optimizer { get; }
    public double SignalStrength { get; }
    public int Patience { get; }
    public double DecayRate { get; }
    public double LimitLearningRateScale { get; }

    /// <summary>Each group's rate when the scheduler was created (lr₀ of the limit test).</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>The moving average a after the last step.</summary>
    public double MovingAverage { get; private set; }

    public IReadOnlyList<double> get_last_lr() => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    /// <summary>Feeds one validation metric (higher is better) and decays the rates when its moving average dropped.</summary>
    public void step(double metric)
    {
        if (!double.IsFinite(metric)) throw new ArgumentOutOfRangeException(nameof(metric), metric, "the metric must be finite");
        var old = MovingAverage;
        MovingAverage = MovingAverage * (1 - SignalStrength) + metric * SignalStrength;
        if (MovingAverage < old && _wait <= 0)
        {
            var groups = Optimizer.ParamGroups;
            var decayed = false;
            for (var i = 0; i < groups.Count; i++)
                if (groups[i].LearningRate >= BaseLearningRates[i] * LimitLearningRateScale)
                {
                    groups[i].LearningRate *= DecayRate;
                    decayed = true;
                }
            if (decayed) _wait = Patience;
        }
        _wait--;
    }
}
