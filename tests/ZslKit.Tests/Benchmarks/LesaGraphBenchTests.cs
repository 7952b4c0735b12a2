// LesaGraphBenchTests.cs - `zsl bench lesa-step --set graph=on`: the setting is validated and refused off CUDA with a
// message naming the device; GPU-tagged: a timed run with graph replays completes, and graph-replayed LESA steps give the
// losses of eager steps (the selftest's cuda-graph-step check). No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaGraphBenchTests
{
    private static readonly string[] Tiny = ["batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6", "positive-rate=0.3", "steps=2"];

    private static BenchContext Context(torch.Device device, params string[] overrides)
    {
        var target = new LesaStepBench();
        return new(device, new BenchRepetitions(Warmup: 0, Reps: 2), new BenchSettings(target.Name, target.Defaults, [.. Tiny, .. overrides]),
            Threads: 1, Twin: null, Log: _ => { });
    }

    [Fact]
    public void Graph_defaults_to_off_and_a_bad_value_names_the_allowed_values()
    {
        Assert.Equal("off", new LesaStepBench().Defaults["graph"]);
        var e = Assert.Throws<ArgumentException>(() => new LesaStepBench().Run(Context(torch.CPU, "graph=yes")));
        Assert.Equal("lesa-step: setting 'graph' must be one of off, on, got 'yes'", e.Message);
    }

    [Fact]
    public void Graph_on_the_cpu_is_refused_before_any_work_naming_the_device()
    {
        long live = LiveTensorBaseline.Read();
        var e = Assert.Throws<ArgumentException>(() => new LesaStepBench().Run(Context(torch.CPU, "graph=on")));
        Assert.Equal("lesa-step: graph=on captures a CUDA graph and needs --device cuda (got cpu)", e.Message);
        Assert.Equal(live, torch.LiveTensorCount);
    }

    [Fact]
    public void Inference_graph_on_the_cpu_is_refused_before_any_work_and_a_bad_value_names_the_allowed_values()
    {
        var target = new LesaInferBench();
        Assert.Equal("off", target.Defaults["graph"]);
        BenchContext Infer(torch.Device device, string graph) => new(device, new BenchRepetitions(Warmup: 0, Reps: 1),
            new BenchSettings(target.Name, target.Defaults, ["batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6", "images=8", "graph=" + graph]),
            Threads: 1, Twin: null, Log: _ => { });
        long live = LiveTensorBaseline.Read();
        Assert.Equal("lesa-infer: graph=on captures a CUDA graph and needs --device cuda (got cpu)",
            Assert.Throws<ArgumentException>(() => target.Run(Infer(torch.CPU, "on"))).Message);
        Assert.Equal(live, torch.LiveTensorCount);
        Assert.Equal("lesa-infer: setting 'graph' must be one of off, on, got 'maybe'",
            Assert.Throws<ArgumentException>(() => target.Run(Infer(torch.CPU, "maybe"))).Message);
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void Inference_scores_replayed_from_a_cuda_graph_equal_eager_scores_and_follow_the_static_input()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        Assert.StartsWith("2 inputs x 4x12 scores: graph replays equal eager scoring", SelfTest.CudaGraphScores(torch.CUDA));
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void A_timed_run_of_graph_replays_on_cuda_completes_and_names_its_measurement()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        var result = new LesaStepBench().Run(Context(torch.CUDA, "graph=on"));
        Assert.Equal("train step x2 (CUDA graph replays)", Assert.Single(result.Measurements).Name);
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void Lesa_steps_replayed_from_a_cuda_graph_give_the_losses_of_eager_steps()
    {
        Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");
        Assert.StartsWith("5 steps: 2 eager + 3 graph replays equal 5 eager steps", SelfTest.CudaGraphStep(torch.CUDA));
    }
}
