// BenchRegistry.cs - the named targets of `zsl bench` and the runner that turns a target + options into a BenchReport.
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Options of one `zsl bench TARGET` run.</summary>
public sealed record BenchRunOptions(string Target, torch.Device Device, BenchRepetitions Repetitions, int? Threads = null,
    IReadOnlyList<string>? Overrides = null, TwinLauncher? Twin = null, IReadOnlyList<string>? Self = null);

/// <summary>All targets, looked up by name.</summary>
public static class BenchRegistry
{
    public static IReadOnlyList<IBenchTarget> Targets { get; } =
    [
        new LesaStepBench(), new LesaInferBench(), new LesaEvalBench(), new LesaOpenImagesTestBench(), new LesaEpochBench(), new FeatureStoreStreamBench(), new NotebookStartupBench(),
        new BackboneForwardBench(), new LesaStoresBench(), new ImageTransformBench(), new LesaColumnsBench(),
    ];

    public static IBenchTarget Find(string name) =>
        Targets.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown benchmark '{name}' (known: {string.Join(", ", Targets.Select(t => t.Name))}; `zsl bench list`)");

    /// <summary>The settings of <paramref name="target"/> (its defaults with <paramref name="overrides"/>), checked by the
    /// target for <paramref name="device"/> (<see cref="IBenchTarget.Validate"/>): a bad key or value fails here, before any work.</summary>
    public static BenchSettings Settings(IBenchTarget target, torch.Device device, IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var settings = new BenchSettings(target.Name, target.Defaults, overrides);
        target.Validate(settings, device);
        return settings;
    }

    /// <summary>Runs one target and wraps its result with the environment, settings and repetitions.</summary>
    public static BenchReport Run(BenchRunOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var target = Find(options.Target);
        options.Repetitions.Validate();
        var settings = Settings(target, options.Device, options.Overrides);
        var unavailable = SelfTest.Unavailable(options.Device);
        if (unavailable is not null) throw new CudaUnavailableException(unavailable);
        if (options.Threads is { } t) torch.set_num_threads(t);
        var notes = new List<string>();
        var twin = options.Twin;
        if (twin is not null && !target.HasTwin)
        {
            notes.Add($"--twin ignored: {target.Name} has no PyTorch twin");
            twin = null;
        }
        var environment = BenchEnvironmentProbe.Capture(options.Device);
        var context = new BenchContext(options.Device, options.Repetitions, settings, options.Threads, twin, log ?? (_ => { }), options.Self);
        var result = target.Run(context);
        notes.AddRange(result.Notes);
        if (environment.Device.StartsWith("cuda", StringComparison.Ordinal) && result.Twin?.DeviceName is { } gpu && environment.DeviceName.StartsWith("cuda", StringComparison.Ordinal))
            environment = environment with { DeviceName = gpu };
        var metrics = result.Metrics;
        if (result.Cost is { } cost && result.Measurements.Count > 0)
        {
            // the device's peaks, when it is a known GPU (its name from run.sh / the twin; every CPU has none)
            var peak = environment.Device.StartsWith("cuda", StringComparison.Ordinal) ? DevicePeak.Find(environment.DeviceName) : null;
            var (rates, rateNotes) = BenchRoofline.Of(cost, result.Measurements[0], peak);
            metrics = new Dictionary<string, double>(result.Metrics.Concat(rates));
            notes.AddRange(rateNotes);
        }
        return new BenchReport(BenchReport.CurrentSchema, target.Name, environment, options.Repetitions, settings.Values,
            result.Measurements, metrics, result.Twin, notes);
    }
}
