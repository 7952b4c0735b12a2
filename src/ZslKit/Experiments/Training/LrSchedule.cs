// LrSchedule.cs - epoch-level learning-rate rules driven by the validation metric: constant, step decay, and LESA's
// "multiply by Factor when the moving average of the validation metric drops" rule (Huynh & Elhamifar, CVPR 2020, §5.1).
using ZslKit.Experiments.Config;

namespace ZslKit.Experiments.Training;

/// <summary>Serialisable schedule state: the current rate, the validation metrics seen so far, and the "lesa" rule's
/// moving average and wait counter.</summary>
public sealed record LrScheduleState(double LearningRate, List<double> Metrics, double Average = 0, int Wait = 0);

/// <summary>
/// Computes the learning rate for the next epoch from the validation metric of the epoch just finished.
/// moving-average: with W = Window and m_t the metric after epoch t, MA_t = mean(m_{t-W+1..t}); once t ≥ W+1 epochs
/// are seen, the rate is multiplied by Factor whenever MA_t is worse than MA_{t-1} ("worse" = smaller when the metric is
/// maximised, larger when minimised). step: rate = Lr·Factor^⌊epochs/StepEpochs⌋. lesa (hbdat/cvpr20_LESA core/utils.py,
/// LearningRate.adapt; the same rule as ZslKit.Torch.Optim.LesaPlateauDecay): with x the metric (negated when minimised),
/// a_old ← a, a ← (1−s)·a + s·x (a starts at 0); if a &lt; a_old and the wait counter m ≤ 0 and rate ≥ Lr·LimitScale, the
/// rate is multiplied by Factor and m ← Patience; m then decreases by one each epoch. The rate never goes below MinLr.
/// </summary>
public sealed class LrSchedule
{
    private readonly ScheduleConfig _config;
    private readonly bool _maximize;
    private readonly double _initial;

    public LrSchedule(ScheduleConfig config, double initialLr, bool maximize)
    {
        _config = config;
        _maximize = maximize;
        _initial = initialLr;
        State = new LrScheduleState(initialLr, []);
    }

    public LrScheduleState State { get; private set; }

    public double LearningRate => State.LearningRate;

    /// <summary>Records the finished epoch's validation metric (null when there is no validation) and returns the next rate.</summary>
    public double OnEpochEnd(double? metric)
    {
        var metrics = State.Metrics;
        if (metric is { } m) metrics.Add(m);
        double lr = State.LearningRate;
        switch (_config.Kind)
        {
            case "constant":
                break;
            case "step":
                break; // set below from the epoch count
            case "moving-average":
                int w = _config.Window, t = metrics.Count;
                if (metric is not null && t >= w + 1)
                {
                    double now = metrics.Skip(t - w).Take(w).Average();
                    double before = metrics.Skip(t - w - 1).Take(w).Average();
                    bool worse = _maximize ? now < before : now > before;
                    if (worse) lr *= _config.Factor;
                }
                break;
            case "lesa":
                if (metric is { } x && double.IsFinite(x))
                {
                    if (!_maximize) x = -x;
                    double old = State.Average, avg = old * (1 - _config.SignalStrength) + x * _config.SignalStrength;
                    int wait = State.Wait;
                    if (avg < old && wait <= 0 && lr >= _initial * _config.LimitScale)
                    {
                        lr *= _config.Factor;
                        wait = _config.Patience;
                    }
                    State = State with { Average = avg, Wait = wait - 1 };
                }
                break;
            default:
                throw new ArgumentException($"schedule.kind '{_config.Kind}' is not constant, step, moving-average or lesa");
        }
        _epochs++;
        if (_config.Kind == "step") lr = _initial * Math.Pow(_config.Factor, Math.Floor((double)_epochs / _config.StepEpochs));
        lr = Math.Max(lr, _config.MinLr);
        State = State with { LearningRate = lr };
        return lr;
    }

    private int _epochs;

    /// <summary>Restores a saved state (and the number of epochs it has seen).</summary>
    public void Load(LrScheduleState state, int epochsSeen)
    {
        State = state with { Metrics = [.. state.Metrics] };
        _epochs = epochsSeen;
    }
}
