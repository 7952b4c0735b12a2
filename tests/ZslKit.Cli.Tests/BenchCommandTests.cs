// BenchCommandTests.cs - `zsl bench` in-process: the list, a tiny lesa-step run with JSON output, bad input. No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Cli.Commands;
using ZslKit.Torch;

namespace ZslKit.Cli.Tests;

[Collection("SelftestLiveTensors")]
public class BenchCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(BenchCommand.Create(), args);

    private static readonly string[] TinyLesa = ["--set", "batch=4", "--set", "grid=3", "--set", "dim=8", "--set", "hidden=8", "--set", "modules=3",
        "--set", "labels=12", "--set", "word-dim=6", "--set", "steps=2"];

    [Fact]
    public void Bench_list_names_every_target_with_its_settings()
    {
        var (code, stdout, _) = Run("list");
        Assert.Equal(0, code);
        foreach (var name in new[] { "lesa-step", "lesa-infer", "lesa-eval", "lesa-oi-test", "lesa-epoch", "feature-store", "notebook-startup", "backbone-forward", "lesa-stores", "image-transform", "lesa-columns" })
            Assert.Contains(name, stdout);
        Assert.Contains("labels=7586", stdout);
        Assert.Contains("labels=925", stdout);
        Assert.Contains("layer=conv5_4", stdout);
    }

    [Fact]
    public void Bench_table_prints_saved_reports_as_markdown_and_refuses_a_missing_file_or_stray_arguments()
    {
        var json = Path.Combine(Path.GetTempPath(), $"zsl-bench-table-{Guid.NewGuid():N}.json");
        try
        {
            var (code, _, stderr) = Run(["lesa-step", "--reps", "1", "--warmup", "0", "--threads", "1", "--json", json, .. TinyLesa]);
            Assert.True(code == 0, stderr);
            var table = Run("table", json, json);
            Assert.True(table.Code == 0, table.Err);
            var rows = table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, rows.Length);                                      // header, rule, the same report twice
            Assert.StartsWith("| lesa-step | train step x2 | batch=4 dim=8 grid=3 hidden=8 labels=12 modules=3 steps=2 word-dim=6 |", rows[2]);
            var missing = Run("table", json + ".missing");
            Assert.Equal(BenchCommand.BadInput, missing.Code);
            Assert.Contains(json + ".missing: no such file", missing.Err);
            File.WriteAllText(json, "{\"schema\": \"zslkit-bench/1\",\n  \"target\": ");
            var truncated = Run("table", json);
            Assert.Equal(BenchCommand.BadInput, truncated.Code);
            Assert.StartsWith($"zsl bench table: {json}: not a zslkit-bench/1 report (line 2, column 13: ", truncated.Err);
            Assert.DoesNotContain("LineNumber", truncated.Err);
            var stray = Run("lesa-step", "extra");
            Assert.Equal(BenchCommand.BadInput, stray.Code);
            Assert.Contains("unexpected arguments: extra", stray.Err);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Bench_suite_writes_a_report_per_target_and_the_table_and_refuses_per_target_options()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"zsl-bench-suite-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, stderr) = Run("suite", "--targets", "feature-store", "--reps", "1", "--warmup", "0", "--out", folder);
            Assert.True(code == 0, stderr);
            Assert.Contains("| feature-store | epoch of 1024 items, batch 64 | defaults |", stdout);
            Assert.Contains($"reports: {folder} (1 runs; table.md)", stdout);
            Assert.True(File.Exists(Path.Combine(folder, "feature-store.json")));
            Assert.Contains("suite 1/1: feature-store", stderr);
            var set = Run("suite", "--set", "batch=4");
            Assert.Equal(BenchCommand.BadInput, set.Code);
            Assert.Contains("--set: the suite runs every target at its defaults", set.Err);
            var stray = Run("lesa-step", "--out", folder);
            Assert.Equal(BenchCommand.BadInput, stray.Code);
            Assert.Contains("--out and --targets belong to `zsl bench suite`", stray.Err);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_tiny_lesa_step_run_prints_a_table_and_writes_json()
    {
        var json = Path.Combine(Path.GetTempPath(), $"zsl-bench-test-{Guid.NewGuid():N}.json");
        try
        {
            var (code, stdout, stderr) = Run(["lesa-step", "--reps", "2", "--warmup", "1", "--threads", "1", "--json", json, .. TinyLesa]);
            Assert.True(code == 0, stderr);
            Assert.Contains("zsl bench lesa-step", stdout);
            Assert.Contains($"engine ABI {torch.NativeAbiVersion}", stdout);
            Assert.Contains("train step x2", stdout);
            var report = BenchReport.FromJson(File.ReadAllText(json));
            Assert.Equal("lesa-step", report.Target);
            Assert.Equal(2, report.Measurements[0].Ours.Wall.Count);
            Assert.Equal(8, report.Measurements[0].ItemsPerRep);            // batch 4 x 2 steps
            Assert.Equal("4", report.Settings["batch"]);
            Assert.Equal("cpu", report.Environment.Device);
            Assert.Null(report.Measurements[0].PyTorch);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Tiny_inference_eval_epoch_and_store_runs_complete()
    {
        var infer = Run("lesa-infer", "--reps", "1", "--warmup", "0", "--set", "images=6", "--set", "batch=4", "--set", "grid=3", "--set", "dim=8",
            "--set", "hidden=8", "--set", "modules=3", "--set", "labels=12", "--set", "word-dim=6");
        Assert.True(infer.Code == 0, infer.Err);
        Assert.Contains("score 12 labels", infer.Out);
        Assert.Equal(0, Run("lesa-eval", "--reps", "1", "--warmup", "0", "--set", "images=10", "--set", "batch=4", "--set", "grid=3", "--set", "dim=8",
            "--set", "hidden=8", "--set", "modules=3", "--set", "seen=12", "--set", "unseen=5", "--set", "word-dim=6", "--set", "positive-rate=0.3").Code);
        var epoch = Run("lesa-epoch", "--reps", "1", "--warmup", "0", "--set", "images=10", "--set", "batch=4", "--set", "grid=3", "--set", "dim=8",
            "--set", "hidden=8", "--set", "modules=3", "--set", "labels=12", "--set", "word-dim=6", "--set", "positive-rate=0.3");
        Assert.True(epoch.Code == 0, epoch.Err);
        Assert.Contains("epochSecondsAt129kImages", epoch.Out);
        Assert.Equal(0, Run("feature-store", "--reps", "1", "--warmup", "0", "--set", "items=20", "--set", "grid=2", "--set", "dim=8", "--set", "labels=5",
            "--set", "batch=8").Code);
    }

    [Fact]
    public void A_tiny_lesa_stores_run_writes_json_with_one_measurement_per_dataset_and_bad_settings_exit_2()
    {
        var json = Path.Combine(Path.GetTempPath(), $"zsl-bench-test-{Guid.NewGuid():N}.json");
        try
        {
            var (code, stdout, stderr) = Run("lesa-stores", "--reps", "1", "--warmup", "0", "--json", json, "--set", "items=6", "--set", "shard=4",
                "--set", "images=11", "--set", "csv-rows=24");
            Assert.True(code == 0, stderr);
            Assert.Contains("zsl bench lesa-stores", stdout);
            var report = BenchReport.FromJson(File.ReadAllText(json));
            Assert.Equal("lesa-stores", report.Target);
            Assert.Equal(["nus-wide build (train 5 + test 1 items; 11 Imagelist rows)", "openimages build --split train (6 items; 24 CSV rows)"],
                report.Measurements.Select(m => m.Name));
            Assert.Equal(6, report.Metrics["oiTrainItems"]);
        }
        finally
        {
            File.Delete(json);
        }
        var bad = Run("lesa-stores", "--set", "dataset=coco");
        Assert.Equal(2, bad.Code);
        Assert.Contains("setting 'dataset'", bad.Err);
    }

    [Fact]
    public void A_tiny_open_images_test_pass_prints_measured_n_images_per_second_and_a_labelled_estimate()
    {
        var r = Run("lesa-oi-test", "--reps", "1", "--warmup", "0", "--set", "images=10", "--set", "batch=4", "--set", "grid=3", "--set", "dim=8",
            "--set", "hidden=8", "--set", "modules=3", "--set", "seen=30", "--set", "unseen=24", "--set", "word-dim=6", "--set", "positive-rate=0.2");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("OI test pass (10 images x 54 labels", r.Out);
        Assert.Contains("measuredImages: 10", r.Out);
        Assert.Contains("note: measured: N = 10 images", r.Out);
        Assert.Contains("note: ESTIMATE, not measured: 125,436 test images", r.Out);
        Assert.Contains("estimatedOpenImagesTestSeconds", r.Out);
        Assert.Contains("graphReplaysPerPass: 0", r.Out);     // eager scoring: 10 images in batches of 4 -> 3 batches
        Assert.Contains("eagerBatchesPerPass: 3", r.Out);
        var cycled = Run("lesa-oi-test", "--reps", "1", "--warmup", "0", "--set", "images=10", "--set", "test-images=23", "--set", "batch=4", "--set", "grid=3",
            "--set", "dim=8", "--set", "hidden=8", "--set", "modules=3", "--set", "seen=30", "--set", "unseen=24", "--set", "word-dim=6", "--set", "positive-rate=0.2");
        Assert.True(cycled.Code == 0, cycled.Err);
        Assert.Contains("OI test pass (23 images cycling through 10 stored x 54 labels", cycled.Out);
        Assert.Contains("measuredImages: 23", cycled.Out);
        Assert.Contains("storedImages: 10", cycled.Out);
        Assert.Contains("eagerBatchesPerPass: 6", cycled.Out);               // 23 images in batches of 4
        Assert.Contains("(reads cycle through the 10 stored ones, page-cache warm)", cycled.Out);
        var few = Run("lesa-oi-test", "--set", "images=10", "--set", "test-images=5");
        Assert.Equal(BenchCommand.BadInput, few.Code);
        Assert.Contains("setting 'test-images' (5) must be 0 or >= 'images' (10)", few.Err);
        var g = Run("lesa-oi-test", "--set", "graph=on", "--set", "images=10");
        Assert.Equal(BenchCommand.BadInput, g.Code);
        Assert.Contains("lesa-oi-test: graph=on captures a CUDA graph and needs --device cuda (got cpu)", g.Err);
        // linear scoring plus N·log N metrics: 1 s of scoring and 0 s of metrics at N = 1,000 is 125.436 s
        Assert.Equal(125.436, ZslKit.Benchmarks.LesaOpenImagesTestBench.Estimate(1000, 1.0, 0.0), 9);
        Assert.Equal(125.436 * Math.Log(125_436) / Math.Log(1000), ZslKit.Benchmarks.LesaOpenImagesTestBench.Estimate(1000, 0.0, 1.0), 9);
    }

    [Fact]
    public void Unknown_targets_and_settings_exit_2_naming_them()
    {
        var (code, _, stderr) = Run("lesa-stpe");
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Contains("unknown benchmark 'lesa-stpe'", stderr);
        (code, _, stderr) = Run("lesa-step", "--set", "batchsize=3");
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Contains("unknown setting 'batchsize'", stderr);
        (code, _, stderr) = Run("lesa-step", "--reps", "0");
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Equal("zsl bench: --reps must be >= 1, got 0", stderr.Trim());
        (code, _, stderr) = Run("backbone-forward", "--set", "model=alexnet");
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Contains("setting 'model' must be one of vgg19, vgg19_bn, resnet101, got 'alexnet'", stderr);
        (code, _, stderr) = Run("lesa-step", "--device", "tpu");
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Equal("zsl bench: unknown device 'tpu' (expected cpu, cuda or cuda:N)", stderr.Trim());
    }

    [Fact]
    public void Cuda_without_cuda_exits_2_with_the_unavailable_message()
    {
        Skip.If(torch.cuda.is_available(), "CUDA is available here");
        var (code, _, stderr) = Run(["lesa-step", "--device", "cuda", "--reps", "1", .. TinyLesa]);
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Contains("bench: cuda requested, but CUDA is not available", stderr);
    }
}
