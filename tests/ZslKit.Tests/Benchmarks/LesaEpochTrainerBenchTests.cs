// LesaEpochTrainerBenchTests.cs - `zsl bench lesa-epoch --set prefetch-trainer=N` in-process on a tiny shape: the epoch
// runs through the Trainer with prefetch N and off, alternating; both series and the comparison metrics are reported,
// and no tensor outlives the run; with graph=on (the eager-replay backend standing in for CUDA graphs on the CPU) graph
// epochs alternate with eager ones; graph=on on the CPU is refused. No timing assertions.
using ZslKit.Experiments.Training;
using ZslKit.Benchmarks;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaEpochTrainerBenchTests
{
    private static BenchContext Context(params string[] overrides)
    {
        var target = new LesaEpochBench();
        string[] tiny = ["images=20", "batch=4", "grid=3", "dim=8", "hidden=8", "modules=3", "labels=12", "word-dim=6", "positive-rate=0.3"];
        return new BenchContext(torch.CPU, new BenchRepetitions(Warmup: 0, Reps: 2), new BenchSettings(target.Name, target.Defaults, [.. tiny, .. overrides]),
            Threads: null, Twin: null, Log: _ => { });
    }

    [Fact]
    public void The_trainer_mode_times_prefetch_on_and_off_alternately_and_leaks_no_tensors()
    {
        long live = LiveTensorBaseline.Read();
        var result = new LesaEpochBench().Run(Context("prefetch-trainer=2"));
        Assert.Equal(live, torch.LiveTensorCount);
        Assert.Equal(["Trainer epoch of 20 images, prefetch 2", "Trainer epoch of 20 images, prefetch off"], result.Measurements.Select(m => m.Name));
        Assert.All(result.Measurements, m => Assert.Equal(2, m.Ours.Wall.Count));
        Assert.All(result.Measurements, m => Assert.Equal(20, m.ItemsPerRep));
        Assert.Equal(2, result.Metrics["prefetchDepth"]);
        Assert.Equal(result.Measurements[1].Ours.Wall.Median / result.Measurements[0].Ours.Wall.Median, result.Metrics["offOverOnWall"], 12);
        Assert.True(result.Metrics["hostSecondsPerEpoch"] > 0);
    }

    [Fact]
    public void The_default_mode_is_the_streaming_loop_and_a_bad_depth_names_the_setting()
    {
        Assert.Equal("off", new LesaEpochBench().Defaults["prefetch-trainer"]);
        Assert.Equal(["epoch of 20 images"], new LesaEpochBench().Run(Context()).Measurements.Select(m => m.Name));
        var e = Assert.Throws<ArgumentException>(() => new LesaEpochBench().Run(Context("prefetch-trainer=0")));
        Assert.Contains("setting 'prefetch-trainer' must be off or a positive integer, got '0'", e.Message);
    }

    [Fact]
    public void Graph_on_alternates_graph_and_eager_trainer_epochs_at_the_same_prefetch_depth()
    {
        long live = LiveTensorBaseline.Read();
        var result = new LesaEpochBench(EagerReplayStepGraphs.Instance).Run(Context("prefetch-trainer=2", "graph=on"));
        Assert.Equal(live, torch.LiveTensorCount);
        Assert.Equal(["Trainer epoch of 20 images, prefetch 2, graph on", "Trainer epoch of 20 images, prefetch 2, graph off"],
            result.Measurements.Select(m => m.Name));
        Assert.Equal(result.Measurements[1].Ours.Wall.Median / result.Measurements[0].Ours.Wall.Median, result.Metrics["offOverOnWall"], 12);
        // 20 images, batch 4: 5 full batches per epoch -> 3 warm-up steps, 1 capture, 2 replays, no smaller batch.
        Assert.Equal(3, result.Metrics["graphWarmupStepsPerEpoch"]);
        Assert.Equal(1, result.Metrics["graphCapturesPerEpoch"]);
        Assert.Equal(2, result.Metrics["graphReplaysPerEpoch"]);
        Assert.Equal(0, result.Metrics["eagerStepsPerEpoch"]);
    }

    [Fact]
    public void Graph_on_is_refused_on_the_cpu_and_outside_trainer_mode()
    {
        Assert.Equal("off", new LesaEpochBench().Defaults["graph"]);
        var cpu = Assert.Throws<ArgumentException>(() => new LesaEpochBench().Run(Context("prefetch-trainer=2", "graph=on")));
        Assert.Contains("lesa-epoch: graph=on captures a CUDA graph and needs --device cuda (got cpu)", cpu.Message);
        var loop = Assert.Throws<ArgumentException>(() => new LesaEpochBench(EagerReplayStepGraphs.Instance).Run(Context("graph=on")));
        Assert.Contains("prefetch-trainer=N", loop.Message);
    }
}
