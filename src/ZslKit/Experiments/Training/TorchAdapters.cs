// TorchAdapters.cs - connects the engine's nn.Module and torch.optim optimizers to the trainer: ModuleModel exposes a
// module's named parameters and train/eval switch; TorchOptimizer wraps torch.optim.* (step, zero_grad, state_dict,
// learning rate of every group) and flattens its state into checkpoint tensors and scalars; Optimizers builds the one
// named by an OptimizerConfig.
using System.Globalization;
using ZslKit.Experiments.Config;
using ZslKit.Torch;
using ZslKit.Torch.Optim;
using TorchOptimizerState = ZslKit.Torch.Optim.OptimizerState;

namespace ZslKit.Experiments.Training;

/// <summary>An nn.Module as the trainer's model (parameters by their state_dict names).</summary>
public sealed class ModuleModel(Module module) : ITrainableModel
{
    private IReadOnlyList<KeyValuePair<string, Tensor>>? _params;

    public Module Module { get; } = module ?? throw new ArgumentNullException(nameof(module));

    public IReadOnlyList<KeyValuePair<string, Tensor>> NamedParameters() =>
        _params ??= Module.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)).ToList();

    public void SetTraining(bool training) => Module.train(training);
}

/// <summary>A torch.optim optimizer as the trainer's optimiser.</summary>
public sealed class TorchOptimizer(Optimizer optimizer) : ITrainerOptimizer, IDisposable
{
    public Optimizer Optimizer { get; } = optimizer ?? throw new ArgumentNullException(nameof(optimizer));

    /// <summary>The first group's rate; setting it scales every group by the same factor (groups keep their ratios).</summary>
    public double LearningRate
    {
        get => Optimizer.ParamGroups[0].LearningRate;
        set
        {
            var first = Optimizer.ParamGroups[0].LearningRate;
            foreach (var g in Optimizer.ParamGroups)
                g.LearningRate = first > 0 ? g.LearningRate * (value / first) : value;
            Optimizer.ParamGroups[0].LearningRate = value; // exact for the first group
        }
    }

    public void ZeroGrad() => Optimizer.zero_grad();

    public void Step() => Optimizer.step();

    /// <summary>Tensors "p{i}.{slot}" (e.g. p0.exp_avg) and scalars "p{i}.step", "g{j}.lr", "g{j}.initial_lr", "g{j}.weight_decay".</summary>
    public OptimizerState StateDict()
    {
        using var s = Optimizer.state_dict();
        var tensors = new Dictionary<string, ZslKit.Torch.Serialization.TensorData>(StringComparer.Ordinal);
        var scalars = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < s.State.Count; i++)
        {
            scalars[$"p{i}.step"] = s.State[i].Step;
            foreach (var (name, t) in s.State[i].Tensors) tensors[$"p{i}.{name}"] = Trainer<object>.ToData(t);
        }
        for (int g = 0; g < s.ParamGroups.Count; g++)
        {
            scalars[$"g{g}.lr"] = s.ParamGroups[g].LearningRate;
            scalars[$"g{g}.initial_lr"] = s.ParamGroups[g].InitialLearningRate;
            scalars[$"g{g}.weight_decay"] = s.ParamGroups[g].WeightDecay;
        }
        return new OptimizerState(tensors, scalars);
    }

    public void LoadStateDict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var parameters = Optimizer.parameters();
        var groups = new List<ParamGroupState>();
        for (int g = 0; g < Optimizer.ParamGroups.Count; g++)
        {
            var members = Optimizer.ParamGroups[g].Parameters;
            var indices = Enumerable.Range(0, parameters.Count).Where(i => members.Any(m => ReferenceEquals(m, parameters[i]))).ToArray();
            groups.Add(new ParamGroupState(Need(state, $"g{g}.lr"), Need(state, $"g{g}.initial_lr"), Need(state, $"g{g}.weight_decay"), indices));
        }
        var perParam = new List<ParameterState>();
        try
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                var prefix = $"p{i}.";
                var tensors = state.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key[prefix.Length..], kv => torch.from_data(kv.Value).DetachFromDisposeScope(), StringComparer.Ordinal);
                perParam.Add(new ParameterState((long)Need(state, $"p{i}.step"), tensors));
            }
            using var s = new TorchOptimizerState(Optimizer.Name, groups, perParam);
            Optimizer.load_state_dict(s);
        }
        catch
        {
            foreach (var p in perParam) foreach (var t in p.Tensors.Values) t.Dispose();
            throw;
        }
    }

    private static double Need(OptimizerState state, string key) =>
        state.Scalars.TryGetValue(key, out var v) ? v
            : throw new InvalidOperationException($"optimizer state: '{key}' is missing (the checkpoint was written by another optimizer or model)");

    public void Dispose() => Optimizer.Dispose();
}

/// <summary>Builds torch.optim optimisers from configs.</summary>
public static class Optimizers
{
    /// <summary>sgd (momentum, weight decay), rmsprop (alpha, eps, momentum), rmsprop-tf (the same with TensorFlow 1's update:
    /// eps inside the square root, as the LESA reference), adam / adamw (beta1, beta2, eps, weight decay).</summary>
    public static TorchOptimizer Create(OptimizerConfig c, IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(c);
        var ps = parameters.ToList();
        return new TorchOptimizer(c.Name.ToLowerInvariant() switch
        {
            "sgd" => torch.optim.SGD(ps, c.Lr, momentum: c.Momentum, weight_decay: c.WeightDecay),
            "rmsprop" => torch.optim.RMSprop(ps, c.Lr, alpha: c.Alpha, eps: c.Eps, weight_decay: c.WeightDecay, momentum: c.Momentum),
            "rmsprop-tf" => torch.optim.RMSprop(ps, c.Lr, alpha: c.Alpha, eps: c.Eps, weight_decay: c.WeightDecay, momentum: c.Momentum,
                epsilonInsideSqrt: true),
            "adam" => torch.optim.Adam(ps, c.Lr, c.Beta1, c.Beta2, c.Eps, c.WeightDecay),
            "adamw" => torch.optim.AdamW(ps, c.Lr, c.Beta1, c.Beta2, c.Eps, c.WeightDecay),
            _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"config field 'optimizer.name': '{c.Name}' is not sgd, rmsprop, rmsprop-tf, adam or adamw"), nameof(c)),
        });
    }
}
