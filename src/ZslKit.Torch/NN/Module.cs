// Module.cs - the base of every layer (as torch.nn.Module / TorchSharp's Module): registered parameters, buffers and
// submodules, PyTorch-named state dicts, train/eval, device moves, zero_grad, save/load and disposal.
using System.Reflection;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch;

/// <summary>A layer or model: owns its parameters, buffers and submodules (disposing it disposes them).</summary>
public abstract class Module : IDisposable
{
    private readonly OrderedDictionary<string, Parameter?> _parameters = new();
    private readonly OrderedDictionary<string, Tensor?> _buffers = new();
    private readonly HashSet<string> _nonPersistent = new();
    private readonly OrderedDictionary<string, Module> _modules = new();

    protected Module(string name) => GetName = name;

    /// <summary>The module type's name (for messages).</summary>
    public string GetName { get; }

    /// <summary>True in training mode (the default), false after <see cref="eval"/>.</summary>
    public bool training { get; private set; } = true;

    public bool IsDisposed { get; private set; }

    // ------------------------------------------------------------------ registration

    /// <summary>Registers (and takes ownership of) a parameter; null registers an absent optional one (e.g. no bias).</summary>
    public void register_parameter(string name, Parameter? parameter)
    {
        CheckName(name, _parameters.ContainsKey(name) ? null : "parameter");
        _parameters[name] = parameter;
    }

    /// <summary>Registers (and takes ownership of) a buffer: state that is saved but not trained (e.g. running_mean).</summary>
    public void register_buffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckName(name, _buffers.ContainsKey(name) ? null : "buffer");
        tensor?.DetachFromDisposeScope();
        _buffers[name] = tensor;
        if (!persistent) _nonPersistent.Add(name);
    }

    public void register_module(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name, _modules.ContainsKey(name) ? null : "module");
        _modules[name] = module;
    }

    private void CheckName(string name, string? kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.')) throw new ArgumentException($"{GetName}: name '{name}' must not contain '.'", nameof(name));
        if (kind is null) return;
        if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name))
            throw new ArgumentException($"{GetName}: '{name}' is already registered", nameof(name));
    }

    /// <summary>
    /// Registers the fields of the derived class (as TorchSharp): Module fields as submodules, Parameter fields as
    /// parameters, other Tensor fields as buffers, named after the field (a leading '_' is dropped); skips names taken.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075",
        Justification = "Field reflection as TorchSharp's RegisterComponents; trimmed apps register components explicitly.")]
    protected void RegisterComponents()
    {
        // Base classes first, then declaration order within a class (as PyTorch registers in assignment order).
        var types = new List<Type>();
        for (var type = GetType(); type is not null && type != typeof(Module); type = type.BaseType) types.Insert(0, type);
        foreach (var type in types)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)) && !field.Name.Contains("k__BackingField")) continue;
                var name = FieldName(field.Name);
                if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name)) continue;
                switch (field.GetValue(this))
                {
                    case Module m: register_module(name, m); break;
                    case Parameter p: register_parameter(name, p); break;
                    case Tensor t: register_buffer(name, t); break;
                }
            }
        }
    }

    private static string FieldName(string raw)
    {
        // Auto-property backing fields are named "<Name>k__BackingField".
        if (raw.StartsWith('<') && raw.IndexOf('>') is var end and > 0) raw = raw[1..end];
        return raw.TrimStart('_');
    }

    // ------------------------------------------------------------------ traversal

    public IEnumerable<(string name, Module module)> named_children() => _modules.Select(kv => (kv.Key, kv.Value));

    public IEnumerable<Module> children() => _modules.Values;

    /// <summary>This module ("") and every descendant with its dotted name, depth first in registration order.</summary>
    public IEnumerable<(string name, Module module)> named_modules()
    {
        yield return ("", this);
        foreach (var (name, child) in _modules)
            foreach (var (sub, m) in child.named_modules())
                yield return (sub.Length == 0 ? name : $"{name}.{sub}", m);
    }

    public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
    {
        foreach (var (prefix, m) in recurse ? named_modules() : [("", this)])
            foreach (var (name, p) in m._parameters)
                if (p is not null) yield return (Join(prefix, name), p);
    }

    public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(x => x.parameter);

    public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
    {
        foreach (var (prefix, m) in recurse ? named_modules() : [("", this)])
            foreach (var (name, b) in m._buffers)
                if (b is not null) yield return (Join(prefix, name), b);
    }

    public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(x => x.buffer);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    // ------------------------------------------------------------------ state dict

    /// <summary>
    /// Parameters and persistent buffers under PyTorch's dotted names (module order, parameters before buffers per
    /// module). The values are new tensor objects sharing storage with the module's tensors (detached); they belong to
    /// the current dispose scope.
    /// </summary>
    public Dictionary<string, Tensor> state_dict()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (prefix, m) in named_modules())
        {
            foreach (var (name, p) in m._parameters)
                if (p is not null) result[Join(prefix, name)] = p.detach();
            foreach (var (name, b) in m._buffers)
                if (b is not null && !m._nonPersistent.Contains(name)) result[Join(prefix, name)] = b.detach();
        }
        return result;
    }

    /// <summary>Names and tensors state_dict() would produce, without creating new tensor objects.</summary>
    private Dictionary<string, Tensor> StateTensors()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (prefix, m) in named_modules())
        {
            foreach (var (name, p) in m._parameters)
                if (p is not null) result[Join(prefix, name)] = p;
            foreach (var (name, b) in m._buffers)
                if (b is not null && !m._nonPersistent.Contains(name)) result[Join(prefix, name)] = b;
        }
        return result;
    }

    /// <summary>
    /// Copies values into the module's tensors (same names as state_dict()). Shapes must match; with
    /// <paramref name="strict"/> the key sets must be equal. Returns the missing and unexpected keys.
    /// </summary>
    public (IReadOnlyList<string> missing_keys, IReadOnlyList<string> unexpected_keys) load_state_dict(
        IReadOnlyDictionary<string, Tensor> state_dict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state_dict);
        var own = StateTensors();
        var missing = own.Keys.Where(k => !state_dict.ContainsKey(k)).ToList();
        var unexpected = state_dict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var errors = new List<string>();
        if (strict && missing.Count > 0) errors.Add($"missing keys: {string.Join(", ", missing)}");
        if (strict && unexpected.Count > 0) errors.Add($"unexpected keys: {string.Join(", ", unexpected)}");
        foreach (var (name, target) in own)
        {
            if (!state_dict.TryGetValue(name, out var source)) continue;
            if (source is null) { errors.Add($"'{name}' is null"); continue; }
            var (have, want) = (source.shape, target.shape);
            if (!have.SequenceEqual(want))
                errors.Add($"size mismatch for '{name}': the state dict has shape [{string.Join(", ", have)}], the module [{string.Join(", ", want)}]");
        }
        if (errors.Count > 0)
            throw new ArgumentException($"load_state_dict into {GetName}: {string.Join("; ", errors)}", nameof(state_dict));
        using (torch.no_grad())
            foreach (var (name, target) in own)
                if (state_dict.TryGetValue(name, out var source)) target.copy_(source);
        return (missing, unexpected);
    }

    /// <summary>Writes state_dict() to a safetensors file.</summary>
    public void save(string path)
    {
        var data = StateTensors().Select(kv => new KeyValuePair<string, TensorData>(kv.Key, kv.Value.ToData()));
        SafeTensors.Write(path, data, new Dictionary<string, string> { ["format"] = "pt", ["module"] = GetName });
    }

    /// <summary>Loads a safetensors file written by <see cref="save"/> (or by PyTorch) with <see cref="load_state_dict"/>.</summary>
    public Module load(string path, bool strict = true)
    {
        using var scope = torch.NewDisposeScope();
        var device = parameters().FirstOrDefault()?.device;
        load_state_dict(torch.load_safetensors(path, device), strict);
        return this;
    }

    // ------------------------------------------------------------------ modes, devices, gradients

    /// <summary>Sets training mode on this module and all descendants.</summary>
    public virtual Module train(bool mode = true)
    {
        training = mode;
        foreach (var child in _modules.Values) child.train(mode);
        return this;
    }

    public Module eval() => train(false);

    /// <summary>Moves parameters and buffers (in place: the same Parameter objects) to a device.</summary>
    public Module to(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        torch.EnsureAvailable(device);
        return Apply(t => t.to(device));
    }

    /// <summary>Converts floating-point parameters and buffers to <paramref name="type"/> (integer buffers are kept).</summary>
    public Module to(ScalarType type) => Apply(t => t.dtype is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16 ? t.to(type) : t.alias());

    public Module cuda(int index = 0) => to(new torch.Device(DeviceType.CUDA, index));

    public Module cpu() => to(torch.CPU);

    private Module Apply(Func<Tensor, Tensor> convert)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (_, m) in named_modules())
        {
            foreach (var p in m._parameters.Values)
            {
                if (p is null) continue;
                p.set_data(convert(p));
                using var g = p.grad;
                if (g is not null) p.grad = convert(g);   // keep the gradient on the parameter's device/dtype
            }
            foreach (var b in m._buffers.Values)
                if (b is not null) b.set_data(convert(b));
        }
        return this;
    }

    /// <summary>Clears the gradients of all parameters (to none by default, as PyTorch 2.x).</summary>
    public void zero_grad(bool set_to_none = true)
    {
        foreach (var p in parameters())
        {
            if (set_to_none)
            {
                p.grad = null;
                continue;
            }
            using var g = p.grad;
            g?.zero_();
        }
    }

    // ------------------------------------------------------------------ disposal

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (IsDisposed || !disposing) return;
        IsDisposed = true;
        foreach (var m in _modules.Values) m.Dispose();
        foreach (var p in _parameters.Values) p?.Dispose();
        foreach (var b in _buffers.Values) b?.Dispose();
    }

    public override string ToString() => GetName;
}

/// <summary>A module with a typed forward: <c>y = module.call(x)</c>.</summary>
public abstract class Module<T, TResult>(string name) : Module(name)
{
    public abstract TResult forward(T input);

    /// <summary>Runs <see cref="forward"/> (the place for hooks, as PyTorch's __call__).</summary>
    public TResult call(T input) => forward(input);
}
