// LesaFoldBenchTests.cs - `zsl bench lesa-infer --set fold=on|off`: the setting is validated, folded and concatenated
// scoring give the same scores, the measurement names the official path, and the PyTorch twin receives and reports the
// setting (where /usr/bin/python3 has torch). No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Testing;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaFoldBenchTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly string[] Tiny = ["batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6", "images=6"];

    private static BenchSettings Settings(params string[] overrides) => new("lesa-infer", new LesaInferBench().Defaults, [.. Tiny, .. overrides]);

    private static BenchContext Context(TwinLauncher? twin, params string[] overrides) =>
        new(torch.CPU, new BenchRepetitions(Warmup: 0, Reps: 2), Settings(overrides), Threads: 1, Twin: twin, Log: _ => { });

    [Fact]
    public void Fold_defaults_to_on_and_a_bad_value_names_the_setting_and_the_allowed_values()
    {
        Assert.Equal("on", new LesaInferBench().Defaults["fold"]);
        var e = Assert.Throws<ArgumentException>(() => new LesaInferBench().Run(Context(null, "fold=maybe")));
        Assert.Equal("lesa-infer: setting 'fold' must be one of on, off, got 'maybe'", e.Message);
    }

    [Fact]
    public void Folded_and_concatenated_scoring_give_the_same_scores()
    {
        var folded = LesaInferBench.FirstBatchScores(Settings("fold=on"), torch.CPU, bf16: false);
        var official = LesaInferBench.FirstBatchScores(Settings("fold=off"), torch.CPU, bf16: false);
        Assert.Equal(4 * 12, folded.Length);
        for (int i = 0; i < folded.Length; i++)
            Assert.True(Math.Abs(folded[i] - official[i]) <= 1e-5 * (1 + Math.Abs(official[i])), $"score {i}: folded {folded[i]} vs concatenated {official[i]}");
    }

    [Fact]
    public void The_measurement_says_when_it_timed_the_official_concatenations()
    {
        long live = LiveTensorBaseline.Read();
        Assert.Equal("score 12 labels", new LesaInferBench().Run(Context(null)).Measurements.Single().Name);
        Assert.Equal("score 12 labels (official concatenations)", new LesaInferBench().Run(Context(null, "fold=off")).Measurements.Single().Name);
        Assert.Equal(live, torch.LiveTensorCount);
    }

    [Fact]
    public void The_twin_receives_and_reports_the_fold_setting()
    {
        Skip.IfNot(File.Exists(Python) && PyTorchTwin.CanImportTorch(Python), $"{Python} with torch is not installed");
        var twin = new TwinLauncher(Python, Path.Combine(RepoPaths.Root, "bench", "lesa_twin.py"), TimeSpan.FromMinutes(2));
        foreach (var fold in new[] { "on", "off" })
        {
            var result = new LesaInferBench().Run(Context(twin, $"fold={fold}"));
            Assert.Equal(fold, result.Twin?.Fold);
            Assert.Equal(2, result.Measurements.Single().PyTorch?.Wall.Count);
        }
    }
}
