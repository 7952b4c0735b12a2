// LesaColumnsBenchTests.cs - `zsl bench lesa-columns` in-process at a tiny size: registration and defaults (Open Images'
// 7,186 seen labels), both measurements with K < S annotated columns and equal losses, rows that cannot drop columns or
// do not exist refused by name, and no tensor left behind. No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaColumnsBenchTests
{
    private static BenchContext Context(params string[] overrides)
    {
        var target = new LesaColumnsBench();
        return new BenchContext(torch.CPU, new BenchRepetitions(Warmup: 1, Reps: 2),
            new BenchSettings(target.Name, target.Defaults,
                ["batch=4", "grid=3", "dim=8", "hidden=8", "modules=3", "labels=60", "word-dim=6", "annotated=5", .. overrides]),
            Threads: null, Twin: null, Log: _ => { });
    }

    [Fact]
    public void The_defaults_are_open_images_sized_and_the_target_has_no_twin()
    {
        var t = Assert.IsType<LesaColumnsBench>(BenchRegistry.Find("lesa-columns"));
        Assert.Equal(("lesa", "7186", "10", "32"), (t.Defaults["row"], t.Defaults["labels"], t.Defaults["annotated"], t.Defaults["batch"]));
        Assert.False(t.HasTwin);
    }

    [Theory]
    [InlineData("lesa")]
    [InlineData("attention-per-label")]
    public void A_run_times_all_and_annotated_columns_with_the_same_loss(string row)
    {
        long live = LiveTensorBaseline.Read();
        var result = new LesaColumnsBench().Run(Context($"row={row}"));
        Assert.Equal(live, torch.LiveTensorCount);
        Assert.Equal(2, result.Measurements.Count);
        Assert.Contains("over all 60 columns", result.Measurements[0].Name);
        int k = (int)result.Metrics["annotatedColumns"];
        Assert.InRange(k, 5, 20);                                              // 4 images x 5 annotated labels, some shared
        Assert.Contains($"over the {k} annotated columns", result.Measurements[1].Name);
        Assert.True(Math.Abs(result.Metrics["lossAllColumns"] - result.Metrics["lossAnnotatedColumns"]) <= 1e-5 * (1 + Math.Abs(result.Metrics["lossAllColumns"])));
    }

    [Fact]
    public void Rows_that_keep_every_column_or_do_not_exist_are_refused_by_name()
    {
        Assert.Contains("row 'conse' (CONSE", Assert.Throws<ArgumentException>(() => new LesaColumnsBench().Run(Context("row=conse"))).Message);
        Assert.Contains("setting 'row' must be one of", Assert.Throws<ArgumentException>(() => new LesaColumnsBench().Run(Context("row=bilinear"))).Message);
        Assert.Contains("setting 'annotated' (61) must be <= 'labels' (60)", Assert.Throws<ArgumentException>(() => new LesaColumnsBench().Run(Context("annotated=61"))).Message);
    }
}
