// LesaCostTests.cs - the FLOP and traffic counts behind `zsl bench`'s share-of-peak figures: LESA's matmul FLOPs equal
// PyTorch's profiler count on the twin (tests/fixtures/lesa_cost/gen_flops.py, torch 1.13), the traffic models on a
// case counted by hand, the device peak table, and the metrics BenchRegistry.Run adds.
using System.Text.Json.Nodes;
using ZslKit.Benchmarks;
using ZslKit.Testing;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaCostTests
{
    private static readonly Lazy<JsonArray> Cases = new(() =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("lesa_cost", "flops.json")))!["cases"]!.AsArray());

    public static TheoryData<int> CaseIndices() => [0, 1, 2];

    private static LesaShape Shape(JsonNode c, bool appendConstant) => new((long)c["batch"]!, (long)c["regions"]!, (long)c["dim"]!,
        (long)c["hidden"]!, (long)c["modules"]!, (long)c["labels"]!, (long)c["word_dim"]!, appendConstant);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Step_and_inference_flops_equal_the_pytorch_profiler_count_on_the_twin(int index)
    {
        var c = Cases.Value[index]!;
        long batch = (long)c["batch"]!;
        Assert.Equal((double)c["step"]!, Shape(c, appendConstant: true).StepFlops());
        Assert.Equal((double)c["infer_official"]!, Shape(c, appendConstant: true).InferFlops(batch));
        Assert.Equal((double)c["infer_folded"]!, Shape(c, appendConstant: false).InferFlops(batch));
    }

    [Fact]
    public void The_fixture_covers_a_single_module_where_the_diversity_gram_is_skipped()
    {
        Assert.Contains(Cases.Value, c => (long)c!["modules"]! == 1);
        Assert.Contains(Cases.Value, c => (long)c!["modules"]! > 1);
    }

    [Fact]
    public void Folded_traffic_matches_a_count_by_hand()
    {
        // n=2 images, R=3, D=4, H=5, M=2, C=7, folded (float32 = 4 bytes):
        // compulsory: features 24 + W1 20 + b1 5 + W2 10 + b2 2 + θ 28 + scores 14 = 103 values;
        // kernels: mm 24+20+30, +b1 30+5+30, tanh 30+30, mm 30+10+12, +b2 12+2+12, softmax 12+12, bmm 12+24+16,
        //          mm 16+28+28, amax 28+14 = 467 values.
        var shape = new LesaShape(Batch: 2, Regions: 3, Dim: 4, Hidden: 5, Modules: 2, Labels: 7, WordDim: 3, AppendConstant: false);
        Assert.Equal(4 * 103, shape.InferCompulsoryBytes(2));
        Assert.Equal(4 * 467, shape.InferKernelBytes(2));
    }

    [Fact]
    public void The_per_kernel_traffic_is_never_below_the_compulsory_traffic_and_the_concatenations_cost_more()
    {
        foreach (var (b, r, d, h, m, c) in new[] { (1L, 1L, 1L, 1L, 1L, 1L), (32, 196, 512, 512, 10, 7586), (3, 9, 16, 7, 1, 50) })
        {
            var folded = new LesaShape(b, r, d, h, m, c, 300, AppendConstant: false);
            var official = folded with { AppendConstant = true };
            Assert.True(folded.InferKernelBytes(b) >= folded.InferCompulsoryBytes(b), $"folded {b},{r},{d}");
            Assert.True(official.InferKernelBytes(b) >= official.InferCompulsoryBytes(b), $"official {b},{r},{d}");
            Assert.True(official.InferKernelBytes(b) > folded.InferKernelBytes(b), $"the concatenations move more than the bias additions ({b},{r},{d})");
        }
    }

    [Theory]
    [InlineData("NVIDIA H200", "NVIDIA H200 SXM")]
    [InlineData("NVIDIA H200 NVL", "NVIDIA H200 NVL")]
    [InlineData("NVIDIA H100 80GB HBM3", "NVIDIA H100 SXM")]
    [InlineData("NVIDIA H100 PCIe", "NVIDIA H100 PCIe")]
    [InlineData("nvidia h100 nvl", "NVIDIA H100 NVL")]
    public void A_gpu_name_finds_its_most_specific_peak_entry(string deviceName, string expected) =>
        Assert.Equal(expected, DevicePeak.Find(deviceName)?.Name);

    [Theory]
    [InlineData("cpu: AMD EPYC (2 logical)")]
    [InlineData("NVIDIA A100-SXM4-80GB")]
    [InlineData("")]
    [InlineData(null)]
    public void A_device_without_an_entry_has_no_peak(string? deviceName) => Assert.Null(DevicePeak.Find(deviceName));

    [Fact]
    public void Rates_and_shares_of_peak_follow_from_the_cost_and_the_median_times()
    {
        var ours = BenchSeries.From([new BenchSample(0.002, null), new BenchSample(0.004, null), new BenchSample(0.003, null)]);   // median 3 ms
        var twin = BenchSeries.From([new BenchSample(0.006, null)]);                                                               // 6 ms
        var m = new BenchMeasurement("x", 1, "images", ours, twin);
        var cost = new BenchCost(6.7e10, MatmulPrecision.Tf32, "test", CompulsoryBytes: 4.8e9, KernelBytes: 9.6e9);
        var (metrics, notes) = BenchRoofline.Of(cost, m, DevicePeak.Find("NVIDIA H200"));
        Assert.Equal(67.0, metrics["gflopPerRep"], 9);
        Assert.Equal(67.0 / 3, metrics["tflops"], 9);                  // 6.7e10 FLOP in 3 ms
        Assert.Equal(67.0 / 6, metrics["twinTflops"], 9);
        Assert.Equal(100 * (67.0 / 3) / 494.5, metrics["percentPeakFlops"], 9);   // against TF32, not float32
        Assert.Equal(100 * (67.0 / 6) / 494.5, metrics["twinPercentPeakFlops"], 9);
        Assert.Equal(1600, metrics["gbPerSecondCompulsory"], 6);      // 4.8 GB in 3 ms
        Assert.Equal(100 * 1600 / 4800.0, metrics["percentPeakBandwidthCompulsory"], 9);
        Assert.Equal(3200, metrics["gbPerSecondKernels"], 6);
        Assert.Contains(notes, n => n.Contains("NVIDIA H200 SXM 494.5 TFLOP/s TF32 tensor cores, 4.8 TB/s", StringComparison.Ordinal));

        var (cpu, cpuNotes) = BenchRoofline.Of(cost with { CompulsoryBytes = null, KernelBytes = null }, m, peak: null);
        Assert.DoesNotContain(cpu.Keys, k => k.Contains("percent", StringComparison.Ordinal) || k.StartsWith("gbPerSecond", StringComparison.Ordinal));
        Assert.Contains(cpuNotes, n => n.StartsWith("no peak-rate entry", StringComparison.Ordinal));
    }

    private static readonly string[] TinyInfer = ["batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6", "images=6"];

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public void A_cpu_inference_bench_reports_the_flops_of_every_batch_and_no_share_of_peak(string fold)
    {
        long live = LiveTensorBaseline.Read();
        var report = BenchRegistry.Run(new BenchRunOptions("lesa-infer", torch.CPU, new BenchRepetitions(Warmup: 0, Reps: 1), Threads: 1,
            Overrides: [.. TinyInfer, $"fold={fold}"]));
        var shape = new LesaShape(4, 9, 16, 16, 3, 12, 6, AppendConstant: fold == "off");
        Assert.Equal((shape.InferFlops(4) + shape.InferFlops(2)) / 1e9, report.Metrics["gflopPerRep"], 12);   // batches of 4 and 2
        Assert.Equal(report.Metrics["gflopPerRep"] / 1e3 / report.Measurements[0].Ours.Wall.Median, report.Metrics["tflops"], 9);
        Assert.Equal(shape.InferCompulsoryBytes(6) / 1e9 / report.Measurements[0].Ours.Wall.Median, report.Metrics["gbPerSecondCompulsory"], 9);
        Assert.DoesNotContain(report.Metrics.Keys, k => k.Contains("percent", StringComparison.Ordinal));
        Assert.Equal(live, torch.LiveTensorCount);
    }

    [Fact]
    public void Under_bf16_autocast_inference_reports_flops_against_the_bf16_peak_and_no_float32_traffic()
    {
        var s = new BenchSettings("lesa-infer", new LesaInferBench().Defaults, TinyInfer);
        var cfg = LesaStepBench.Config(s);
        var bf16 = LesaInferBench.Cost(s, cfg, fold: true, MatmulPrecision.Bf16);
        var fp32 = LesaInferBench.Cost(s, cfg, fold: true, MatmulPrecision.Float32);
        Assert.Equal(fp32.Flops, bf16.Flops);
        Assert.Null(bf16.CompulsoryBytes);
        Assert.Null(bf16.KernelBytes);
        Assert.NotNull(fp32.KernelBytes);
    }

    [Fact]
    public void A_raw_loop_epoch_reports_the_flops_of_one_step_per_batch_including_the_last_smaller_one()
    {
        var report = BenchRegistry.Run(new BenchRunOptions("lesa-epoch", torch.CPU, new BenchRepetitions(Warmup: 0, Reps: 1), Threads: 1,
            Overrides: ["images=10", "batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6", "positive-rate=0.3"]));
        double Step(long b) => new LesaShape(b, 9, 16, 16, 3, 12, 6).StepFlops();
        Assert.Equal((2 * Step(4) + Step(2)) / 1e9, report.Metrics["gflopPerRep"], 12);
        Assert.Contains(report.Notes, n => n.StartsWith("FLOPs: matmul FLOPs of the epoch's 3 training steps", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cpu_training_step_bench_reports_the_flops_of_all_its_steps()
    {
        var report = BenchRegistry.Run(new BenchRunOptions("lesa-step", torch.CPU, new BenchRepetitions(Warmup: 0, Reps: 1), Threads: 1,
            Overrides: ["batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6", "steps=2"]));
        var shape = new LesaShape(4, 9, 16, 16, 3, 12, 6);
        Assert.Equal(2 * shape.StepFlops() / 1e9, report.Metrics["gflopPerRep"], 12);
        Assert.False(report.Metrics.ContainsKey("gbPerSecondCompulsory"));   // the step's traffic is not modelled
        Assert.Contains(report.Notes, n => n.StartsWith("FLOPs: matmul FLOPs of 2 training steps", StringComparison.Ordinal));
    }
}
