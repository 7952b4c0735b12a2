// Backbone.cs - the base of the ImageNet CNNs (VGG-19, VGG-19-BN, ResNet-101): torchvision parameter names, a forward
// pass that returns intermediate feature maps by module name ("features.35", "layer4", ...) or alias ("conv5_4"),
// per-stage freezing and loading of torchvision .pth state dicts.
namespace ZslKit.Models.Backbones;

using ZslKit.Torch;

/// <summary>
/// An ImageNet CNN whose forward pass is a chain of named steps (torchvision module names). <see cref="Forward"/>
/// runs the chain up to the last requested tap and returns each tap's output (eval/train as the module is set).
/// </summary>
public abstract class Backbone : Module<Tensor, Tensor>
{
    protected Backbone(string name) : base(name) { }

    /// <summary>The architecture's torchvision name ("vgg19", "vgg19_bn", "resnet101").</summary>
    public abstract string Architecture { get; }

    private readonly List<(string name, Func<Tensor, Tensor> step)> _steps = new();
    private readonly Dictionary<string, string> _aliases = new();
    private readonly Dictionary<string, string[]> _stages = new();

    /// <summary>The forward chain in order: (tap name, step). Names are torchvision module names.</summary>
    protected IReadOnlyList<(string name, Func<Tensor, Tensor> step)> Steps => _steps;

    /// <summary>Paper-style aliases, e.g. "conv5_4" -> "features.35" (the ReLU output after conv5_4).</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    /// <summary>Stages that can be frozen or trained: stage name -> state-dict name prefixes.</summary>
    public IReadOnlyDictionary<string, string[]> Stages => _stages;

    private readonly Dictionary<string, Func<Tensor, Tensor>> _inPlace = new();

    /// <summary>Appends a step to the forward chain (constructors build the chain in torchvision order).
    /// <paramref name="inPlace"/>: the same step overwriting its input (e.g. ReLU as <c>relu_</c>, torchvision's
    /// <c>inplace=True</c>); <see cref="Forward"/> uses it without autograd when the input is an untapped intermediate,
    /// which saves allocating (and page-faulting) one activation per step.</summary>
    protected void AddStep(string name, Func<Tensor, Tensor> step, Func<Tensor, Tensor>? inPlace = null)
    {
        _steps.Add((name, step));
        if (inPlace is not null) _inPlace[name] = inPlace;
    }

    /// <summary>Declares a paper-style alias for a step name.</summary>
    protected void AddAlias(string alias, string step) => _aliases[alias] = step;

    /// <summary>Declares a freezable stage by its state-dict name prefixes.</summary>
    protected void AddStage(string stage, params string[] prefixes) => _stages[stage] = prefixes;

    /// <summary>torchvision's CNN init shared by VGG and ResNet: conv Kaiming-normal (fan_out, ReLU), conv bias 0, BN weight 1 / bias 0.</summary>
    protected void InitConvAndBatchNormLikeTorchvision()
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, m) in named_modules())
        {
            switch (m)
            {
                case Conv2d c:
                    torch.nn.init.kaiming_normal_(c.weight, mode: FanMode.FanOut, nonlinearity: NonlinearityType.ReLU);
                    if (c.bias is not null) torch.nn.init.zeros_(c.bias);
                    break;
                case BatchNorm2d b:
                    if (b.weight is not null) torch.nn.init.ones_(b.weight);
                    if (b.bias is not null) torch.nn.init.zeros_(b.bias);
                    break;
            }
        }
    }

    /// <summary>Every name <see cref="Forward"/> accepts as a tap (step names; aliases are listed in <see cref="Aliases"/>).</summary>
    public IEnumerable<string> TapNames => Steps.Select(s => s.name);

    /// <summary>The step name a tap or alias refers to; throws naming the known taps when unknown.</summary>
    public string ResolveTap(string tap)
    {
        ArgumentException.ThrowIfNullOrEmpty(tap);
        if (Aliases.TryGetValue(tap, out var target)) return target;
        if (Steps.Any(s => s.name == tap)) return tap;
        throw new ArgumentException($"{Architecture}: unknown feature map '{tap}'; known: {string.Join(", ", Aliases.Keys)}, {string.Join(", ", TapNames)}", nameof(tap));
    }

    /// <summary>Logits: the full chain, (N, 3, H, W) -> (N, 1000).</summary>
    public override Tensor forward(Tensor input) => Forward(input, [Steps[^1].name])[Steps[^1].name];

    /// <summary>
    /// Runs the chain up to the last requested tap and returns { tap as given -> its output }. Outputs of steps
    /// that are not tapped are disposed as soon as they are consumed (unless a dispose scope owns them).
    /// </summary>
    public Dictionary<string, Tensor> Forward(Tensor input, IReadOnlyCollection<string> taps)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(taps);
        if (taps.Count == 0) throw new ArgumentException($"{Architecture}: no feature map requested", nameof(taps));
        if (input.ndim != 4 || input.shape[1] != 3)
            throw new ArgumentException($"{Architecture}: expected an image batch (N, 3, H, W), got shape [{string.Join(", ", input.shape)}]", nameof(input));
        var wanted = taps.ToDictionary(t => t, ResolveTap);
        var steps = Steps;
        var last = wanted.Values.Max(n => IndexOf(steps, n));
        var byStep = new Dictionary<string, Tensor>();
        var x = input;
        bool grad = torch.is_grad_enabled();
        for (var i = 0; i <= last; i++)
        {
            var (name, step) = steps[i];
            // An intermediate nobody else holds (not the caller's input, not a tapped output) may be overwritten.
            var y = !grad && _inPlace.TryGetValue(name, out var inPlace) && !ReferenceEquals(x, input) && !byStep.ContainsValue(x)
                ? inPlace(x) : step(x);
            if (!ReferenceEquals(x, input) && !ReferenceEquals(x, y) && !byStep.ContainsValue(x)) x.Dispose();
            if (wanted.ContainsValue(name)) byStep[name] = y;
            x = y;
        }
        return wanted.ToDictionary(kv => kv.Key, kv => byStep[kv.Value]);
    }

    private static int IndexOf(IReadOnlyList<(string name, Func<Tensor, Tensor> step)> steps, string name)
    {
        for (var i = 0; i < steps.Count; i++) if (steps[i].name == name) return i;
        throw new InvalidOperationException($"no step '{name}'");
    }

    /// <summary>Sets requires_grad on every parameter of a stage (see <see cref="Stages"/>).</summary>
    public void SetTrainable(string stage, bool trainable)
    {
        if (!Stages.TryGetValue(stage, out var prefixes))
            throw new ArgumentException($"{Architecture}: unknown stage '{stage}'; known: {string.Join(", ", Stages.Keys)}", nameof(stage));
        foreach (var (name, p) in named_parameters())
            if (prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal))) p.requires_grad = trainable;
    }

    /// <summary>Freezes every stage (feature extraction) or makes every stage trainable.</summary>
    public void SetTrainable(bool trainable)
    {
        foreach (var p in parameters()) p.requires_grad = trainable;
    }

    /// <summary>Loads a torchvision state dict from a .pth file (zip or legacy) through the restricted pickle reader.</summary>
    public Backbone LoadPth(string path, bool strict = true)
    {
        using var scope = torch.NewDisposeScope();
        var device = parameters().FirstOrDefault()?.device;
        load_state_dict(torch.load_pth(path, device), strict);
        return this;
    }
}
