// Optimizer.cs - the base of ZslKit's torch.optim optimizers: parameter groups, per-parameter state tensors, step()
// and zero_grad() as ONE native call each over all parameters (src/ZslKit.Native/src/optim.cpp), and
// state_dict()/load_state_dict() for exact resumption. Hyper-parameter checks happen before any native call.
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Optim;

/// <summary>
/// An optimizer over leaf tensors. <see cref="step"/> updates every parameter that has a gradient (others are skipped,
/// as in PyTorch); state tensors are created on the first step (or on <see cref="load_state_dict"/>) and owned by the
/// optimizer, never by a dispose scope. Dispose the optimizer to free them. Not thread-safe.
/// </summary>
public abstract unsafe class Optimizer : IDisposable
{
    private readonly List<ParamGroup> _groups;
    private readonly Tensor[] _params;
    private readonly int[] _groupOf;
    private readonly long[] _steps;
    private Tensor?[]? _state;  // _params.Length * OptimSlots, parameter-major
    private bool _disposed;

    /// <param name="groups">Parameter groups (each non-empty, leaf tensors, no tensor twice).</param>
    /// <param name="lr">Default learning rate of groups that do not set their own.</param>
    /// <param name="weightDecay">Default weight decay of groups that do not set their own.</param>
    private protected Optimizer(IEnumerable<ParamGroup> groups, double lr, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        CheckNonNegative(lr, nameof(lr));
        CheckNonNegative(weightDecay, "weight_decay");
        _groups = groups.ToList();
        if (_groups.Count == 0) throw new ArgumentException("optimizer got an empty parameter list", "parameters");
        var all = new List<Tensor>();
        var groupOf = new List<int>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (var g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g] ?? throw new ArgumentNullException("parameters", $"parameter group {g} is null");
            if (group.Parameters.Count == 0)
                throw new ArgumentException($"optimizer got an empty parameter list (group {g})", "parameters");
            for (var i = 0; i < group.Parameters.Count; i++)
            {
                var p = group.Parameters[i] ?? throw new ArgumentNullException("parameters", $"parameter {i} of group {g} is null");
                if (!seen.Add(p)) throw new ArgumentException($"parameter {i} of group {g} appears more than once", "parameters");
                all.Add(p);
                groupOf.Add(g);
            }
            group.Resolve(lr, weightDecay);
        }
        // Leaf checks need the engine; they still run before the optimizer allocates or updates anything.
        for (var i = 0; i < all.Count; i++)
        {
            ObjectDisposedException.ThrowIf(all[i].IsDisposed, all[i]);
            if (!all[i].is_leaf)
                throw new ArgumentException($"can't optimize a non-leaf tensor (parameter {i}, shape {all[i].ShapeText}); pass the leaf or a detach().requires_grad_() copy", "parameters");
        }
        _params = all.ToArray();
        _groupOf = groupOf.ToArray();
        _steps = new long[_params.Length];
    }

    /// <summary>PyTorch's name of the optimizer ("SGD", "Adam", ...), recorded in state dicts.</summary>
    public abstract string Name { get; }

    /// <summary>The parameter groups; set <see cref="ParamGroup.LearningRate"/> to change a rate.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>All parameters in optimizer order (group by group).</summary>
    public IReadOnlyList<Tensor> parameters() => _params;

    /// <summary>Step count of parameter <paramref name="index"/> (steps in which it had a gradient).</summary>
    public long StepCount(int index) => _steps[index];

    internal abstract OptimKind Kind { get; }

    /// <summary>The name of each state slot (null: unused), <see cref="NativeMethods.OptimSlots"/> entries.</summary>
    private protected abstract string?[] SlotNames { get; }

    /// <summary>The value a state slot starts at (TF-style RMSprop starts its mean square at 1).</summary>
    private protected virtual double SlotInitialValue(int slot) => 0;

    /// <summary>The native hyper-parameters of a group.</summary>
    private protected abstract ZslOptimGroup NativeGroup(ParamGroup group);

    /// <summary>One optimization step over all parameters with a gradient: a single native call.</summary>
    public void step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = EnsureState();
        var n = _params.Length;
        var groups = new ZslOptimGroup[_groups.Count];
        for (var g = 0; g < groups.Length; g++) groups[g] = NativeGroup(_groups[g]);
        var rawParams = new IntPtr[n];
        var rawState = new IntPtr[state.Length];
        var borrowed = new List<TensorHandle>(n + state.Length);
        try
        {
            for (var i = 0; i < n; i++) rawParams[i] = Borrow(_params[i], borrowed);
            for (var i = 0; i < state.Length; i++) rawState[i] = state[i] is { } t ? Borrow(t, borrowed) : IntPtr.Zero;
            fixed (ZslOptimGroup* pg = groups)
            fixed (int* pgi = _groupOf)
            fixed (IntPtr* pp = rawParams)
            fixed (IntPtr* ps = rawState)
            fixed (long* pst = _steps)
                NativeMethods.Check(NativeMethods.zsl_optim_step((int)Kind, pg, groups.Length, pgi, pp, n, ps, NativeMethods.OptimSlots, pst));
        }
        finally
        {
            foreach (var h in borrowed) h.DangerousRelease();
        }
    }

    /// <summary>Clears all gradients in one native call: dropped (<paramref name="set_to_none"/>) or zeroed in place.</summary>
    public void zero_grad(bool set_to_none = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var raw = new IntPtr[_params.Length];
        var borrowed = new List<TensorHandle>(_params.Length);
        try
        {
            for (var i = 0; i < raw.Length; i++) raw[i] = Borrow(_params[i], borrowed);
            fixed (IntPtr* p = raw)
                NativeMethods.Check(NativeMethods.zsl_optim_zero_grad(p, raw.Length, set_to_none ? 1 : 0));
        }
        finally
        {
            foreach (var h in borrowed) h.DangerousRelease();
        }
    }

    /// <summary>A copy of the step counts, state tensors and group rates (the caller disposes it).</summary>
    public OptimizerState state_dict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = EnsureState();
        var names = SlotNames;
        var groups = new List<ParamGroupState>();
        for (var g = 0; g < _groups.Count; g++)
        {
            var indices = Enumerable.Range(0, _params.Length).Where(i => _groupOf[i] == g).ToArray();
            groups.Add(new ParamGroupState(_groups[g].LearningRate, _groups[g].InitialLearningRate, _groups[g].WeightDecay, indices));
        }
        var perParam = new List<ParameterState>(_params.Length);
        try
        {
            for (var i = 0; i < _params.Length; i++)
            {
                var tensors = new Dictionary<string, Tensor>();
                perParam.Add(new ParameterState(_steps[i], tensors));
                for (var s = 0; s < names.Length; s++)
                    if (names[s] is { } name && state[Slot(i, s)] is { } t)
                        tensors[name] = new Tensor(NativeMethods.zsl_clone(t.Handle), registerInScope: false);
            }
        }
        catch
        {
            new OptimizerState(Name, groups, perParam).Dispose();
            throw;
        }
        return new OptimizerState(Name, groups, perParam);
    }

    /// <summary>
    /// Restores a state written by <see cref="state_dict"/> of the same optimizer kind over parameters of the same shapes
    /// and grouping: step counts, state tensors (copied in) and group learning rates / weight decays.
    /// </summary>
    public void load_state_dict(OptimizerState state_dict)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(state_dict);
        if (state_dict.Optimizer != Name)
            throw new ArgumentException($"load_state_dict: the state was written by {state_dict.Optimizer}, this optimizer is {Name}", nameof(state_dict));
        if (state_dict.ParamGroups.Count != _groups.Count)
            throw new ArgumentException($"load_state_dict: the state has {state_dict.ParamGroups.Count} parameter groups, this optimizer {_groups.Count}", nameof(state_dict));
        if (state_dict.State.Count != _params.Length)
            throw new ArgumentException($"load_state_dict: the state has {state_dict.State.Count} parameters, this optimizer {_params.Length}", nameof(state_dict));
        for (var g = 0; g < _groups.Count; g++)
        {
            var expected = Enumerable.Range(0, _params.Length).Where(i => _groupOf[i] == g);
            if (!expected.SequenceEqual(state_dict.ParamGroups[g].Params))
                throw new ArgumentException($"load_state_dict: parameter group {g} holds other parameters than this optimizer's", nameof(state_dict));
        }
        var names = SlotNames;
        var state = EnsureState();
        // Check every entry before changing anything.
        for (var i = 0; i < _params.Length; i++)
        {
            var ps = state_dict.State[i];
            if (ps.Step < 0) throw new ArgumentException($"load_state_dict: parameter {i} has a negative step count {ps.Step}", nameof(state_dict));
            var shape = _params[i].shape;
            foreach (var (name, t) in ps.Tensors)
            {
                var s = Array.IndexOf(names, name);
                if (s < 0)
                    throw new ArgumentException($"load_state_dict: parameter {i} has state '{name}', which {Name} with these options does not keep ({string.Join(", ", names.Where(x => x is not null))})", nameof(state_dict));
                if (!t.shape.SequenceEqual(shape))
                    throw new ArgumentException($"load_state_dict: state '{name}' of parameter {i} has shape {t.ShapeText}, the parameter {_params[i].ShapeText}", nameof(state_dict));
            }
            if (ps.Step > 0)
                for (var s = 0; s < names.Length; s++)
                    if (names[s] is { } need && !ps.Tensors.ContainsKey(need))
                        throw new ArgumentException($"load_state_dict: parameter {i} lacks state '{need}'", nameof(state_dict));
        }
        for (var i = 0; i < _params.Length; i++)
        {
            var ps = state_dict.State[i];
            _steps[i] = ps.Step;
            for (var s = 0; s < names.Length; s++)
            {
                if (names[s] is not { } name || state[Slot(i, s)] is not { } mine) continue;
                if (ps.Tensors.TryGetValue(name, out var t)) mine.copy_(t);
                else mine.fill_(SlotInitialValue(s));
            }
        }
        for (var g = 0; g < _groups.Count; g++)
        {
            var gs = state_dict.ParamGroups[g];
            _groups[g].LearningRate = gs.LearningRate;
            _groups[g].InitialLearningRate = gs.InitialLearningRate;
            _groups[g].WeightDecay = gs.WeightDecay;
        }
    }

    /// <summary>Frees the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_state is not null)
            foreach (var t in _state) t?.Dispose();
        _state = null;
        GC.SuppressFinalize(this);
    }

    // ------------------------------------------------------------------ helpers

    private static int Slot(int param, int slot) => param * NativeMethods.OptimSlots + slot;

    /// <summary>Allocates the state tensors (zeros, or the slot's initial value) on first use.</summary>
    private Tensor?[] EnsureState()
    {
        if (_state is not null) return _state;
        var names = SlotNames;
        var state = new Tensor?[_params.Length * NativeMethods.OptimSlots];
        try
        {
            for (var i = 0; i < _params.Length; i++)
                for (var s = 0; s < names.Length; s++)
                {
                    if (names[s] is null) continue;
                    var init = SlotInitialValue(s);
                    var h = init == 1 ? NativeMethods.zsl_ones_like(_params[i].Handle) : NativeMethods.zsl_zeros_like(_params[i].Handle);
                    var t = new Tensor(h, registerInScope: false);
                    state[Slot(i, s)] = t;
                    if (init != 0 && init != 1) t.fill_(init);
                }
        }
        catch
        {
            foreach (var t in state) t?.Dispose();
            throw;
        }
        return _state = state;
    }

    private static IntPtr Borrow(Tensor t, List<TensorHandle> borrowed)
    {
        var ok = false;
        t.Handle.DangerousAddRef(ref ok);
        borrowed.Add(t.Handle);
        return t.Handle.DangerousGetHandle();
    }

    internal static double CheckNonNegative(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite non-negative number");

    internal static double CheckUnit(double value, string name) =>
        double.IsFinite(value) && value >= 0 && value < 1 ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1)");
}
