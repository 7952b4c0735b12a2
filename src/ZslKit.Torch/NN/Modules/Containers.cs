// Containers.cs - Sequential (chains Tensor -> Tensor modules; children named "0", "1", ... or as given) and ModuleList.
namespace ZslKit.Torch;

public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _layers = new();

    public Sequential(params (string name, Module<Tensor, Tensor> module)[] layers) : base(nameof(Sequential))
    {
        foreach (var (name, module) in layers) append(name, module);
    }

    public Sequential(params Module<Tensor, Tensor>[] layers) : base(nameof(Sequential))
    {
        foreach (var module in layers) append(module);
    }

    public int Count => _layers.Count;

    public Module<Tensor, Tensor> this[int index] => _layers[index];

    public Sequential append(Module<Tensor, Tensor> module) => append(_layers.Count.ToString(), module);

    public Sequential append(string name, Module<Tensor, Tensor> module)
    {
        register_module(name, module);
        _layers.Add(module);
        return this;
    }

    /// <summary>Feeds the input through every layer in order; intermediates are disposed unless a scope owns them.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input;
        foreach (var layer in _layers)
        {
            var y = layer.call(x);
            if (!ReferenceEquals(x, input) && !ReferenceEquals(x, y) && x.OwningScope is null) x.Dispose();
            x = y;
        }
        return x;
    }
}

/// <summary>A list of submodules named "0", "1", ... (not callable itself).</summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _items = new();

    public ModuleList(params Module[] modules) : base(nameof(ModuleList))
    {
        foreach (var m in modules) append(m);
    }

    public ModuleList append(Module module)
    {
        register_module(_items.Count.ToString(), module);
        _items.Add(module);
        return this;
    }

    public int Count => _items.Count;

    public Module this[int index] => _items[index];

    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
