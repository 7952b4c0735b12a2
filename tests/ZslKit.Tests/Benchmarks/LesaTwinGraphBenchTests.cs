// LesaTwinGraphBenchTests.cs - `zsl bench lesa-step|lesa-infer --set twin-graph=on|off`: the setting defaults to off, is
// validated and refused off CUDA before any work; the twin reports its mode, refuses --graph on without CUDA, and on a
// GPU (GPU-tagged) replays PyTorch's own CUDA graph beside ours. No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Torch;
using static ZslKit.Tests.Benchmarks.LesaBenchSwitches;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaTwinGraphBenchTests
{
    [Theory]
    [InlineData("lesa-step")]
    [InlineData("lesa-infer")]
    public void Twin_graph_defaults_to_off_and_on_the_cpu_is_refused_before_any_work(string name)
    {
        var target = Target(name);
        Assert.Equal("off", target.Defaults["twin-graph"]);
        long live = LiveTensorBaseline.Read();
        Assert.Equal($"{name}: twin-graph=on makes the twin replay a PyTorch CUDA graph and needs --device cuda (got cpu)",
            Assert.Throws<ArgumentException>(() => target.Run(Context(target, torch.CPU, null, "twin-graph=on"))).Message);
        Assert.Equal($"{name}: setting 'twin-graph' must be one of off, on, got 'eager'",
            Assert.Throws<ArgumentException>(() => target.Run(Context(target, torch.CPU, null, "twin-graph=eager"))).Message);
        Assert.Equal(live, torch.LiveTensorCount);
    }

    [Theory]
    [InlineData("lesa-step")]
    [InlineData("lesa-infer")]
    public void An_eager_twin_reports_graph_off_and_the_measurement_name_stays_plain(string name)
    {
        Skip.IfNot(HasPythonTorch(), $"{Python} with torch is not installed");
        var target = Target(name);
        var result = target.Run(Context(target, torch.CPU, Twin()));
        Assert.Equal("off", result.Twin?.Graph);
        Assert.DoesNotContain("twin:", result.Measurements.Single().Name);
    }

    [Fact]
    public void The_twin_refuses_graph_replays_without_cuda_with_a_message()
    {
        Skip.IfNot(HasPythonTorch(), $"{Python} with torch is not installed");
        var e = Assert.Throws<InvalidOperationException>(() => PyTorchTwin.Start(Python, Twin().Script, ["--target", "lesa-step", "--device", "cpu",
            "--batch", "2", "--regions", "9", "--dim", "8", "--hidden", "8", "--modules", "2", "--labels", "5", "--word-dim", "4", "--graph", "on"],
            TimeSpan.FromMinutes(2)));
        Assert.Contains("--graph on needs a CUDA device (got cpu)", e.Message);
    }

    [Theory]
    [InlineData("lesa-step")]
    [InlineData("lesa-infer")]
    [Trait("Category", "GPU")]
    public void On_cuda_the_twin_replays_its_own_graph_beside_ours(string name)
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        Skip.IfNot(HasPythonTorch(), $"{Python} with torch is not installed");
        var target = Target(name);
        var result = target.Run(Context(target, torch.CUDA, Twin(), "graph=on", "twin-graph=on"));
        Assert.Equal("on", result.Twin?.Graph);
        Assert.EndsWith("(twin: PyTorch CUDA graph replays)", result.Measurements.Single().Name);
        Assert.Equal(1, result.Measurements.Single().PyTorch?.Wall.Count);
    }
}
