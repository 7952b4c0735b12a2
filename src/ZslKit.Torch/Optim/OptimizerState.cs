// OptimizerState.cs - the checkpointable state of an optimizer (torch's optimizer.state_dict()): per-parameter step
// counts and state tensors (exp_avg, exp_avg_sq, momentum_buffer, square_avg, grad_avg, ...) plus per-group rates.
namespace ZslKit.Torch.Optim;

/// <summary>Saved hyper-parameters of one group; <see cref="Params"/> are indices into the optimizer's parameter order.</summary>
public sealed record ParamGroupState(double LearningRate, double InitialLearningRate, double WeightDecay, int[] Params);

/// <summary>Step count and named state tensors of one parameter (tensors are copies owned by the state object).</summary>
public sealed record ParameterState(long Step, IReadOnlyDictionary<string, Tensor> Tensors);

/// <summary>
/// A detached copy of an optimizer's state: load it into a fresh optimizer of the same kind over parameters of the same
/// shapes with <see cref="Optimizer.load_state_dict"/> to resume exactly. The tensors belong to this object (never to a
/// dispose scope); dispose it when done.
/// </summary>
public sealed class OptimizerState(string optimizer, IReadOnlyList<ParamGroupState> paramGroups, IReadOnlyList<ParameterState> state)
    : IDisposable
{
    /// <summary>The optimizer kind that wrote it ("SGD", "RMSprop", "Adam", "AdamW").</summary>
    public string Optimizer { get; } = optimizer;

    public IReadOnlyList<ParamGroupState> ParamGroups { get; } = paramGroups;

    /// <summary>One entry per parameter, in the optimizer's parameter order.</summary>
    public IReadOnlyList<ParameterState> State { get; } = state;

    public void Dispose()
    {
        foreach (var p in State)
            foreach (var t in p.Tensors.Values) t.Dispose();
    }
}
