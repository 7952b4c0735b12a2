// LesaTf32BenchTests.cs - `zsl bench lesa-step|lesa-infer --set tf32=on|off`: the setting defaults to off, is validated,
// is refused off CUDA before any work (on the CPU it would change nothing), and the PyTorch twin takes --tf32 and reports
// it (where /usr/bin/python3 has torch). GPU-tagged: a TF32 run completes and leaves the matmul precision as it found it.
// No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Torch;
using static ZslKit.Tests.Benchmarks.LesaBenchSwitches;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaTf32BenchTests
{
    [Theory]
    [InlineData("lesa-step")]
    [InlineData("lesa-infer")]
    public void Tf32_defaults_to_off_and_on_the_cpu_is_refused_before_any_work(string name)
    {
        var target = Target(name);
        Assert.Equal("off", target.Defaults["tf32"]);
        long live = LiveTensorBaseline.Read();
        Assert.Equal($"{name}: tf32=on selects TF32 tensor cores for CUDA matmuls and needs --device cuda (got cpu)",
            Assert.Throws<ArgumentException>(() => target.Run(Context(target, torch.CPU, null, "tf32=on"))).Message);
        Assert.Equal($"{name}: setting 'tf32' must be one of off, on, got 'yes'",
            Assert.Throws<ArgumentException>(() => target.Run(Context(target, torch.CPU, null, "tf32=yes"))).Message);
        Assert.Equal(live, torch.LiveTensorCount);
        Assert.Equal("highest", torch.get_float32_matmul_precision());
    }

    [Fact]
    public void The_twin_takes_the_tf32_setting_and_reports_it()
    {
        Skip.IfNot(HasPythonTorch(), $"{Python} with torch is not installed");
        var script = TwinScript;
        var twin = Twin();
        var target = new LesaInferBench();
        Assert.Equal("off", target.Run(Context(target, torch.CPU, twin)).Twin?.Tf32);
        // "on" is refused on our side off CUDA; the twin alone accepts it (set_float32_matmul_precision exists from torch 1.12).
        using var on = PyTorchTwin.Start(Python, script, ["--target", "lesa-infer", "--device", "cpu", "--batch", "2", "--regions", "9",
            "--dim", "8", "--hidden", "8", "--modules", "2", "--labels", "5", "--word-dim", "4", "--images", "2", "--tf32", "on"], TimeSpan.FromMinutes(2));
        Assert.Equal("on", on.Info.Tf32);
    }

    [Theory]
    [InlineData("lesa-step")]
    [InlineData("lesa-infer")]
    [Trait("Category", "GPU")]
    public void A_tf32_run_on_cuda_completes_and_restores_the_matmul_precision(string name)
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        var target = Target(name);
        var result = target.Run(Context(target, torch.CUDA, null, "tf32=on"));
        Assert.EndsWith("(TF32)", result.Measurements.Single().Name);
        Assert.Equal("highest", torch.get_float32_matmul_precision());
    }
}
