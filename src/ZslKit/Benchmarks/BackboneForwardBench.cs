// BackboneForwardBench.cs - `zsl bench backbone-forward`: decode-free feature extraction speed (issue #8). The backbone
// `zsl extract` uses (src/ZslKit/Models/Backbones; default VGG-19 tapped at conv5_4 = features.35, the map LESA reads),
// random torchvision-style init after torch.manual_seed(seed), eval mode, no grad, forwarded on
// torch.randn([batch, 3, size, size]) up to the tap. The twin (bench/backbone_twin.py through bench/lesa_twin.py) runs
// torchvision's model cut after the same step; its output shape must equal ours or the run fails.
using ZslKit.Models.Backbones;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Times backbone forward passes to a tapped layer (images/s = batch x batches per repetition / wall time).</summary>
public sealed class BackboneForwardBench : IBenchTarget
{
    public string Name => "backbone-forward";
    public string Description => "Backbone forward to a feature map (VGG-19 conv5_4) on random images, no decoding (twin: torchvision).";
    public bool HasTwin => true;

    /// <summary>Smallest input side: VGG-19 and ResNet-101 both downsample by 32 before their last stage's output.</summary>
    public const int MinSize = 32;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["model"] = "vgg19", ["layer"] = "conv5_4", ["batch"] = "64", ["size"] = "224", ["batches"] = "2", ["seed"] = "0",
    };

    /// <summary>The model name of the settings, checked against <see cref="Backbones.Names"/> before anything is built.</summary>
    internal static string ModelName(BenchSettings s)
    {
        var name = s.String("model");
        if (!Backbones.Names.Contains(name))
            throw new ArgumentException($"backbone-forward: setting 'model' must be one of {string.Join(", ", Backbones.Names)}, got '{name}'");
        return name;
    }

    /// <summary>The input side of the settings (at least <see cref="MinSize"/>).</summary>
    internal static int Size(BenchSettings s)
    {
        var size = s.Int("size");
        if (size < MinSize)
            throw new ArgumentException($"backbone-forward: setting 'size' must be >= {MinSize} (the backbones downsample by 32), got {size}");
        return size;
    }

    /// <summary>The step name the 'layer' setting (alias or step) names on <paramref name="model"/>.</summary>
    internal static string Tap(Backbone model, BenchSettings s)
    {
        var layer = s.String("layer");
        try
        {
            return model.ResolveTap(layer);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"backbone-forward: setting 'layer': {e.Message}", e);
        }
    }

    /// <summary>Throws when the twin's output shape (from its ready line) differs from ours.</summary>
    internal static void CheckTwinShape(IReadOnlyList<long> ours, IReadOnlyList<long>? theirs)
    {
        if (theirs is null)
            throw new InvalidOperationException("backbone-forward: the PyTorch twin did not report its output shape (output_shape in its ready line)");
        if (!ours.SequenceEqual(theirs))
            throw new InvalidOperationException(
                $"backbone-forward: output shapes differ: ours [{string.Join(", ", ours)}], twin [{string.Join(", ", theirs)}]; the two sides do not run the same network");
    }

    public void Validate(BenchSettings settings, torch.Device device) => ModelName(settings);

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var modelName = ModelName(s);
        int batch = s.Int("batch"), size = Size(s), batches = s.Int("batches"), seed = s.Int("seed", 0);
        var dev = context.Device;
        using var outer = torch.NewDisposeScope();
        torch.manual_seed(seed);
        using var model = Backbones.Create(modelName);
        var tap = Tap(model, s);
        model.to(dev);
        model.eval();
        model.SetTrainable(false);
        var x = torch.randn([batch, 3, size, size], device: dev);                                  // [B, 3, S, S]
        long[] shape;
        using (torch.no_grad())
        using (var probe = torch.NewDisposeScope())
            shape = model.Forward(x, [tap])[tap].shape;                                            // e.g. [B, 512, S/16, S/16]
        void Rep()
        {
            using var noGrad = torch.no_grad();
            for (int i = 0; i < batches; i++)
            {
                using var scope = torch.NewDisposeScope();
                model.Forward(x, [tap]);
            }
        }
        using var twin = context.Twin?.Start(context.TwinArguments(Name, ("model", modelName), ("layer", tap), ("batch", batch),
            ("size", size), ("batches", batches), ("seed", seed)));
        var notes = new List<string>();
        if (twin is not null)
        {
            CheckTwinShape(shape, twin.OutputShape);
            notes.Add($"twin output shape [{string.Join(", ", shape)}] equals ours");
        }
        var metrics = new Dictionary<string, double>();
        bool peakArmed = context.ResetPeakMemory();
        var (ours, theirs) = BenchHarness.Measure(Rep, context.Repetitions, context.Sync, twin is null ? null : twin.Rep, progress: context.Log);
        context.RecordPeakMemory(metrics, peakArmed);
        var measurement = new BenchMeasurement($"{modelName} forward to {s.String("layer")} ({tap}) x{batches}", (double)batch * batches, "images", ours, theirs);
        metrics["msPerBatch"] = ours.Wall.Median / batches * 1e3;
        metrics["outputElementsPerImage"] = shape.Skip(1).Aggregate(1L, (a, d) => a * d);
        return new BenchTargetResult([measurement], metrics, notes, twin?.Info);
    }
}
