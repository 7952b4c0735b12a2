// ReduceLROnPlateau.cs - lowers the learning rate when a metric stops improving (torch.optim.lr_scheduler.
// ReduceLROnPlateau semantics: mode min/max, relative or absolute threshold, patience, cooldown, per-group min_lr, eps).
namespace ZslKit.Torch.Optim;

/// <summary>
/// step(metric): a metric is better than the best so far when (min, rel) m &lt; best·(1−θ), (min, abs) m &lt; best − θ,
/// (max, rel) m &gt; best·(1+θ), (max, abs) m &gt; best + θ. After more than <c>patience</c> epochs without improvement
/// each group's rate becomes max(lr·factor, min_lr) (skipped when the change is ≤ eps), then <c>cooldown</c> epochs
/// ignore bad epochs.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly double[] _minLrs;
    private int _cooldownCounter;

    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, int patience = 10,
        double threshold = 1e-4, string threshold_mode = "rel", int cooldown = 0, double min_lr = 0, double eps = 1e-8)
        : this(optimizer, mode, factor, patience, threshold, threshold_mode, cooldown,
            Enumerable.Repeat(min_lr, optimizer?.ParamGroups.Count ?? 0).ToArray(), eps) { }

    /// <param name="min_lrs">One lower bound per parameter group.</param>
    public ReduceLROnPlateau(Optimizer optimizer, string mode, double factor, int patience, double threshold,
        string threshold_mode, int cooldown, IReadOnlyList<double> min_lrs, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(min_lrs);
        if (mode is not ("min" or "max")) throw new ArgumentException($"mode '{mode}' is unknown (min or max)", nameof(mode));
        if (threshold_mode is not ("rel" or "abs"))
            throw new ArgumentException($"threshold_mode '{threshold_mode}' is unknown (rel or abs)", nameof(threshold_mode));
        if (!(factor < 1) || !(factor >= 0)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must lie in [0, 1)");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be >= 0");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "cooldown must be >= 0");
        Optimizer.CheckNonNegative(threshold, nameof(threshold));
        Optimizer.CheckNonNegative(eps, nameof(eps));
        if (min_lrs.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"expected {optimizer.ParamGroups.Count} min_lrs (one per group), got {min_lrs.Count}", nameof(min_lrs));
        foreach (var m in min_lrs) Optimizer.CheckNonNegative(m, nameof(min_lrs));
        this.Optimizer = optimizer;
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = threshold_mode;
        Cooldown = cooldown;
        Eps = eps;
        _minLrs = min_lrs.ToArray();
        Best = mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;
    }

    public Optimizer Optimizer { get; }
    public string Mode { get; }
    public double Factor { get; }
    public int Patience { get; }
    public double Threshold { get; }
    public string ThresholdMode { get; }
    public int Cooldown { get; }
    public double Eps { get; }

    /// <summary>The best metric seen (±∞ before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement (reset by a reduction and during cooldown).</summary>
    public int NumBadEpochs { get; private set; }

    public int LastEpoch { get; private set; }

    public IReadOnlyList<double> get_last_lr() => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    /// <summary>Records one epoch's metric and reduces the rates when it has plateaued.</summary>
    public void step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else
        {
            NumBadEpochs++;
        }
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            NumBadEpochs = 0;
        }
        if (NumBadEpochs > Patience)
        {
            var groups = Optimizer.ParamGroups;
            for (var i = 0; i < groups.Count; i++)
            {
                var old = groups[i].LearningRate;
                var next = Math.Max(old * Factor, _minLrs[i]);
                if (old - next > Eps) groups[i].LearningRate = next;
            }
            _cooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        ("min", "rel") => a < best * (1 - Threshold),
        ("min", _) => a < best - Threshold,
        (_, "rel") => a > best * (Threshold + 1),
        _ => a > best + Threshold,
    };
}
