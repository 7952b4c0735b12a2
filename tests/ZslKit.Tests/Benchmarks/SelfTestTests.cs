// SelfTestTests.cs - `zsl selftest`'s checks on the CPU here, and the GPU-tagged checks (the same SelfTest methods on
// CUDA; skipped where torch.cuda.is_available() is false). These replace tests/ZslKit.Torch.Tests/GpuTests.cs so that the
// xunit tests and the published app's selftest share one definition.
using ZslKit.Benchmarks;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

/// <summary>The live-tensor counter is process-wide: the selftest classes run alone, never beside other tensor tests.</summary>
[CollectionDefinition("SelfTestLiveTensors", DisableParallelization = true)]
public sealed class SelfTestLiveTensorsCollection;

[Collection("SelfTestLiveTensors")]
public class SelfTestTests
{
    [Fact]
    public void Selftest_on_the_cpu_passes_every_applicable_check()
    {
        var report = SelfTest.Run(torch.CPU);
        Assert.True(report.Passed, string.Join("\n", report.Checks.Where(c => c.Status == "failed").Select(c => $"{c.Name}: {c.Detail}")));
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(["device-moves", "mixed-devices-error", "lesa-step-parity", "training-step-host-reads", "missing-device-error", "peak-memory", "pinned-copy", "image-transform", "cuda-autocast", "cuda-tf32", "cuda-graph-replay", "cuda-graph-step", "cuda-graph-trainer", "cuda-graph-scores", "cuda-graph-eval", "live-tensors"],
            report.Checks.Select(c => c.Name));
        Assert.Equal("skipped", report.Checks.Single(c => c.Name == "mixed-devices-error").Status);
        Assert.Equal("skipped", report.Checks.Single(c => c.Name == "cuda-graph-step").Status);
        Assert.Equal("skipped", report.Checks.Single(c => c.Name == "cuda-graph-trainer").Status);
        Assert.Equal("skipped", report.Checks.Single(c => c.Name == "cuda-graph-scores").Status);
        Assert.Equal("skipped", report.Checks.Single(c => c.Name == "cuda-autocast").Status);
        Assert.Equal("skipped", report.Checks.Single(c => c.Name == "cuda-tf32").Status);
        Assert.Equal("skipped", report.Checks.Single(c => c.Name == "cuda-graph-replay").Status);
        Assert.Equal("passed", report.Checks.Single(c => c.Name == "lesa-step-parity").Status);
        Assert.Equal("passed", report.Checks.Single(c => c.Name == "training-step-host-reads").Status);
        Assert.Contains("\"schema\": \"zslkit-selftest/1\"", report.ToJson());
    }

    [Fact]
    public void The_graph_trainer_check_passes_with_the_eager_replay_backend_on_the_cpu()
    {
        long live = LiveTensorBaseline.Read();
        var detail = SelfTest.CudaGraphTrainer(torch.CPU, ZslKit.Experiments.Training.EagerReplayStepGraphs.Instance);
        Assert.Equal("14 steps (3 warm-up, 1 capture, 9 replays, 2 small eager) equal eager training", detail[..detail.IndexOf(';')]);
        Assert.Equal(live, torch.LiveTensorCount);
    }

    [Fact]
    public void A_leak_is_reported_by_the_live_tensor_check()
    {
        long start = torch.LiveTensorCount;
        using var leaked = torch.ones(1);
        Assert.Contains("leaked", Assert.Throws<SelfTestException>(() => SelfTest.LiveTensors(start)).Message);
    }

    [Fact]
    public void Without_cuda_the_pinned_copy_check_passes_on_the_clear_pin_memory_error()
    {
        Skip.If(torch.cuda.is_available(), "CUDA is available here");
        Assert.StartsWith("without CUDA, pin_memory raised: pin_memory: page-locked host memory needs CUDA", SelfTest.PinnedCopy(torch.CPU));
    }

    [Fact]
    public void Without_cuda_the_cuda_device_is_reported_unavailable_and_peak_memory_raises()
    {
        Skip.If(torch.cuda.is_available(), "CUDA is available here");
        var why = SelfTest.Unavailable(torch.CUDA);
        Assert.StartsWith("cuda requested, but CUDA is not available (", why);   // the command puts its name in front
        Assert.Null(SelfTest.Unavailable(torch.CPU));
        Assert.Throws<CudaUnavailableException>(() => torch.cuda.max_memory_allocated());
        Assert.Throws<CudaUnavailableException>(() => torch.cuda.reset_peak_memory_stats());
        Assert.Null(torch.cuda.runtime_version());
    }
}

/// <summary>The GPU-tagged checks: run by `dotnet test --filter Category=GPU` where CUDA exists, and by `zsl selftest --device cuda`.</summary>
[Trait("Category", "GPU")]
[Collection("SelfTestLiveTensors")]
public class SelfTestGpuTests
{
    private static void RequireCuda() => Skip.IfNot(torch.cuda.is_available(), "CUDA is not available");

    [Fact]
    public void Every_dtype_moves_to_cuda_and_back_with_its_values() { RequireCuda(); SelfTest.DeviceMoves(torch.CUDA); }

    [Fact]
    public void Mixing_cuda_and_cpu_tensors_raises_a_torch_exception() { RequireCuda(); SelfTest.MixedDevicesError(torch.CUDA); }

    [Fact]
    public void A_lesa_training_step_on_cuda_matches_the_cpu_step() { RequireCuda(); SelfTest.LesaStepParity(torch.CUDA); }

    [Fact]
    public void Lesa_training_steps_on_cuda_read_nothing_back_to_the_host() { RequireCuda(); SelfTest.TrainingStepHostReads(torch.CUDA); }

    [Fact]
    public void An_absent_cuda_device_raises_an_error_naming_it() { RequireCuda(); SelfTest.MissingDeviceError(); }

    [Fact]
    public void Peak_memory_sees_a_64_mib_allocation() { RequireCuda(); Assert.NotNull(SelfTest.PeakMemory(torch.CUDA)); }

    [Fact]
    public void A_cuda_autocast_scope_runs_matmul_in_bfloat16_close_to_float32() { RequireCuda(); Assert.NotNull(SelfTest.CudaAutocast(torch.CUDA)); }

    [Fact]
    public void Cuda_graph_replays_recompute_from_the_static_input_and_misuse_is_refused() { RequireCuda(); Assert.NotNull(SelfTest.CudaGraphReplay(torch.CUDA)); }

    [Fact]
    public void Pinned_non_blocking_copies_to_cuda_and_back_keep_every_value() { RequireCuda(); Assert.NotNull(SelfTest.PinnedCopy(torch.CUDA)); }

    [Fact]
    public void A_lesa_trainer_fit_with_cuda_graph_steps_matches_eager_steps() { RequireCuda(); Assert.NotNull(SelfTest.CudaGraphTrainer(torch.CUDA)); }

    [Fact]
    public void The_whole_selftest_passes_on_cuda()
    {
        RequireCuda();
        var report = SelfTest.Run(torch.CUDA);
        Assert.True(report.Passed, string.Join("\n", report.Checks.Where(c => c.Status == "failed").Select(c => $"{c.Name}: {c.Detail}")));
    }
}
