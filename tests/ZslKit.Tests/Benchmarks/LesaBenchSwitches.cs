// LesaBenchSwitches.cs - test support for the on/off settings of `zsl bench lesa-step|lesa-infer` (tf32, twin-graph): a
// tiny shape, a one-repetition context on a device, the target by name, and the PyTorch twin where /usr/bin/python3 has torch.
using ZslKit.Benchmarks;
using ZslKit.Testing;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

internal static class LesaBenchSwitches
{
    public const string Python = "/usr/bin/python3";

    private static readonly string[] Tiny = ["batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6"];

    /// <summary>One repetition, no warm-up, one thread; the step trains 2 steps on dense labels, inference scores 6 images.</summary>
    public static BenchContext Context(IBenchTarget target, torch.Device device, TwinLauncher? twin, params string[] overrides)
    {
        string[] own = target is LesaStepBench ? ["positive-rate=0.3", "steps=2"] : ["images=6"];
        return new(device, new BenchRepetitions(Warmup: 0, Reps: 1), new BenchSettings(target.Name, target.Defaults, [.. Tiny, .. own, .. overrides]),
            Threads: 1, Twin: twin, Log: _ => { });
    }

    public static IBenchTarget Target(string name) => name == "lesa-step" ? new LesaStepBench() : new LesaInferBench();

    public static string TwinScript => Path.Combine(RepoPaths.Root, "bench", "lesa_twin.py");

    public static TwinLauncher Twin() => new(Python, TwinScript, TimeSpan.FromMinutes(2));

    public static bool HasPythonTorch() => File.Exists(Python) && PyTorchTwin.CanImportTorch(Python);
}
