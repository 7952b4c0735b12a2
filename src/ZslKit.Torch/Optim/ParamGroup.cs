// ParamGroup.cs - one parameter group of an optimizer: its tensors and the hyper-parameters it may override
// (learning rate and weight decay), as torch.optim's param_groups entries.
namespace ZslKit.Torch.Optim;

/// <summary>
/// A group of parameters sharing a learning rate and weight decay. Create groups to give parts of a model their own
/// rates (<c>new ParamGroup(head.parameters(), lr: 1e-3)</c>); values left null take the optimizer's defaults.
/// Learning-rate schedulers write <see cref="LearningRate"/>.
/// </summary>
public sealed class ParamGroup
{
    private double _lr;
    private double _weightDecay;

    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weight_decay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        if (lr is { } l) Optimizer.CheckNonNegative(l, nameof(lr));
        if (weight_decay is { } w) Optimizer.CheckNonNegative(w, nameof(weight_decay));
        RequestedLearningRate = lr;
        RequestedWeightDecay = weight_decay;
    }

    /// <summary>The tensors this group updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The current learning rate (settable at any time; schedulers set it each epoch).</summary>
    public double LearningRate
    {
        get => _lr;
        set => _lr = Optimizer.CheckNonNegative(value, nameof(LearningRate));
    }

    /// <summary>The learning rate the group started with (PyTorch's <c>initial_lr</c>), the base of schedulers.</summary>
    public double InitialLearningRate { get; internal set; }

    /// <summary>The weight-decay coefficient (L2 added to the gradient; decoupled for AdamW).</summary>
    public double WeightDecay
    {
        get => _weightDecay;
        set => _weightDecay = Optimizer.CheckNonNegative(value, nameof(WeightDecay));
    }

    /// <summary>Whether a scheduler has fixed <see cref="InitialLearningRate"/> (torch's setdefault('initial_lr')).</summary>
    internal bool InitialRateClaimed { get; set; }

    internal double? RequestedLearningRate { get; }
    internal double? RequestedWeightDecay { get; }

    /// <summary>Fills the values the caller left open with the optimizer's defaults.</summary>
    internal void Resolve(double lr, double weightDecay)
    {
        _lr = RequestedLearningRate ?? lr;
        InitialLearningRate = _lr;
        _weightDecay = RequestedWeightDecay ?? weightDecay;
    }
}
