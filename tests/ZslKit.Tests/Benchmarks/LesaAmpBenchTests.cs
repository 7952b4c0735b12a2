// LesaAmpBenchTests.cs - `zsl bench lesa-step|lesa-infer --set amp=bf16`: the setting is validated, the bf16 autocast scope
// really changes the numbers on the CPU (close to float32 at bf16 precision, never bit-identical), the timed runs complete
// without leaking tensors, and the PyTorch twin receives and reports the setting (where /usr/bin/python3 has torch).
// No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Testing;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaAmpBenchTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly string[] Tiny = ["batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6"];

    private static BenchSettings Settings(IBenchTarget target, params string[] overrides) =>
        new(target.Name, target.Defaults, [.. Tiny, .. target is LesaStepBench ? ["positive-rate=0.3"] : Array.Empty<string>(), .. overrides]);

    private static BenchContext Context(IBenchTarget target, TwinLauncher? twin, params string[] overrides) =>
        new(torch.CPU, new BenchRepetitions(Warmup: 0, Reps: 2), Settings(target, overrides), Threads: 1, Twin: twin, Log: _ => { });

    [Fact]
    public void Amp_defaults_to_off_and_a_bad_value_names_the_setting_and_the_allowed_values()
    {
        foreach (IBenchTarget target in new IBenchTarget[] { new LesaStepBench(), new LesaInferBench() })
        {
            Assert.Equal("off", target.Defaults["amp"]);
            var e = Assert.Throws<ArgumentException>(() => target.Run(Context(target, null, "amp=fp16")));
            Assert.Equal($"{target.Name}: setting 'amp' must be one of off, bf16, got 'fp16'", e.Message);
        }
        Assert.True(LesaStepBench.Bf16Autocast(Settings(new LesaStepBench(), "amp=BF16"), "lesa-step"));
        Assert.False(LesaStepBench.Bf16Autocast(Settings(new LesaStepBench()), "lesa-step"));
    }

    [Fact]
    public void Bf16_training_losses_stay_within_bf16_precision_of_float32_but_are_not_identical()
    {
        var s = Settings(new LesaStepBench());
        var fp32 = LesaStepBench.Losses(s, torch.CPU, bf16: false, steps: 3);
        var bf16 = LesaStepBench.Losses(s, torch.CPU, bf16: true, steps: 3);
        Assert.Equal(fp32, LesaStepBench.Losses(s, torch.CPU, bf16: false, steps: 3));   // the float32 run is repeatable
        Assert.NotEqual(fp32, bf16);                                                       // the autocast scope changed the numbers
        // bf16 keeps 8 significant bits (relative rounding 2^-9 per op); after a few matmuls and three optimiser steps
        // the objective agrees to a few percent. Tolerance: 3% of the float32 loss.
        for (int i = 0; i < fp32.Length; i++)
            Assert.True(Math.Abs(bf16[i] - fp32[i]) <= 0.03 * Math.Abs(fp32[i]), $"step {i}: bf16 {bf16[i]} vs float32 {fp32[i]}");
    }

    [Fact]
    public void Bf16_scores_stay_within_bf16_precision_of_float32_but_are_not_identical()
    {
        var s = Settings(new LesaInferBench());
        var fp32 = LesaInferBench.FirstBatchScores(s, torch.CPU, bf16: false);
        var bf16 = LesaInferBench.FirstBatchScores(s, torch.CPU, bf16: true);
        Assert.Equal(4 * 12, fp32.Length);
        Assert.NotEqual(fp32, bf16);
        // Tolerance: 3% of the largest |score| (scores near zero carry the absolute error of their larger terms).
        double scale = fp32.Max(Math.Abs);
        for (int i = 0; i < fp32.Length; i++)
            Assert.True(Math.Abs(bf16[i] - fp32[i]) <= 0.03 * scale, $"score {i}: bf16 {bf16[i]} vs float32 {fp32[i]} (max |score| {scale})");
    }

    [Fact]
    public void Timed_bf16_runs_of_both_targets_complete_and_leak_no_tensors()
    {
        long live = LiveTensorBaseline.Read();
        var step = new LesaStepBench().Run(Context(new LesaStepBench(), null, "amp=bf16", "steps=2"));
        var infer = new LesaInferBench().Run(Context(new LesaInferBench(), null, "amp=bf16", "images=6"));
        Assert.Equal(live, torch.LiveTensorCount);
        Assert.Equal(0, torch.autocast_depth());
        Assert.Equal(2, step.Measurements.Single().Ours.Wall.Count);
        Assert.Equal(6, infer.Measurements.Single().ItemsPerRep);
    }

    [Fact]
    public void The_twin_amp_survives_json_and_an_older_report_without_it_reads_as_null()
    {
        var series = BenchSeries.From([new BenchSample(0.5, 0.9)]);
        var env = new BenchEnvironment("2026-11-28T15:00:00Z", "abc1234", "cpu", "cpu: test (2 logical)", 9, "1.13.0", null, "10.0.12", "Linux", 2, 1, null);
        var report = new BenchReport(BenchReport.CurrentSchema, "lesa-step", env, new BenchRepetitions(0, 1),
            new SortedDictionary<string, string> { ["amp"] = "bf16" }, [new BenchMeasurement("train step", 8, "images", series, series)],
            new Dictionary<string, double>(), new TwinInfo("/usr/bin/python3", "bench/lesa_twin.py", "1.13.0", "cpu", null, "bf16"), []);
        var json = report.ToJson();
        Assert.Equal("bf16", BenchReport.FromJson(json).Twin?.Amp);
        Assert.Equal("bf16", BenchReport.FromJson(json).Settings["amp"]);
        var older = json.Replace("\"amp\": \"bf16\",\n    \"fold\": null", "\"fold\": null");   // the twin's amp line removed
        Assert.NotEqual(json, older);
        Assert.Null(BenchReport.FromJson(older).Twin?.Amp);
    }

    private static bool HasPythonTorch() => File.Exists(Python) && PyTorchTwin.CanImportTorch(Python);

    private static TwinLauncher Twin() => new(Python, Path.Combine(RepoPaths.Root, "bench", "lesa_twin.py"), TimeSpan.FromMinutes(2));

    [Fact]
    public void The_twin_receives_the_amp_setting_from_both_targets()
    {
        Skip.IfNot(HasPythonTorch(), $"{Python} with torch is not installed");
        var step = new LesaStepBench().Run(Context(new LesaStepBench(), Twin(), "amp=bf16", "steps=1"));
        Assert.Equal("bf16", step.Twin?.Amp);
        Assert.Equal(2, step.Measurements.Single().PyTorch?.Wall.Count);
        var infer = new LesaInferBench().Run(Context(new LesaInferBench(), Twin(), "amp=bf16", "images=6"));
        Assert.Equal("bf16", infer.Twin?.Amp);
        Assert.Equal(2, infer.Measurements.Single().PyTorch?.Wall.Count);
        Assert.Equal("off", new LesaInferBench().Run(Context(new LesaInferBench(), Twin(), "images=6")).Twin?.Amp);
    }

    [Fact]
    public void The_twin_rejects_an_unknown_amp_value_naming_the_option()
    {
        Skip.IfNot(HasPythonTorch(), $"{Python} with torch is not installed");
        var e = Assert.Throws<InvalidOperationException>(() => Twin().Start(["--target", "lesa-step", "--amp", "fp16"]));
        Assert.Contains("--amp", e.Message);
        Assert.Contains("fp16", e.Message);
    }
}
