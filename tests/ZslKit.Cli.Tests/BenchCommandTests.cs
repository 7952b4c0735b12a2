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
        Assert.StartsWith("zsl bench: cuda requested, but CUDA is not available (", stderr);
        (code, _, stderr) = Run(["feature-store", "--device", "cuda", .. TinyStore]);
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.StartsWith("zsl bench: cuda requested, but CUDA is not available (", stderr);
    }

    private static readonly string[] TinyStore = ["--reps", "1", "--warmup", "0", "--set", "items=8", "--set", "grid=2", "--set", "dim=8",
        "--set", "labels=5", "--set", "batch=4"];

    [Fact]
    public void A_json_path_that_is_a_folder_lies_under_a_file_or_is_empty_exits_2_before_the_run()
    {
        var dir = Directory.CreateTempSubdirectory("zsl-bench-json-");
        try
        {
            var file = Path.Combine(dir.FullName, "file");
            File.WriteAllText(file, "");
            foreach (var (json, message) in new[]
            {
                (dir.FullName, $"zsl bench: --json {dir.FullName} is a folder, not a file"),
                (Path.Combine(file, "x.json"), $"zsl bench: --json {Path.Combine(file, "x.json")}: {file} is a file, not a folder"),
                ("", "zsl bench: --json: the path is empty"),
            })
            {
                var (code, stdout, stderr) = Run(["feature-store", .. TinyStore, "--json", json]);
                Assert.Equal(BenchCommand.BadInput, code);
                Assert.Equal(message, stderr.Trim());                                     // one line: nothing ran
                Assert.Equal("", stdout);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_report_that_cannot_be_written_after_the_run_exits_1_with_one_line_and_the_results_on_stdout()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/proc takes no new files on Linux only");
        var (code, stdout, stderr) = Run(["feature-store", .. TinyStore, "--json", "/proc/zsl-bench-test.json"]);
        Assert.Equal(1, code);
        Assert.Contains("epoch of 8 items, batch 4", stdout);
        var last = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.StartsWith("zsl bench feature-store: --json: the report was not written to /proc/zsl-bench-test.json (", last);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void A_suite_out_path_that_is_a_file_exits_2_naming_out_before_any_run()
    {
        var file = Path.Combine(Path.GetTempPath(), $"zsl-bench-suite-{Guid.NewGuid():N}");
        File.WriteAllText(file, "keep");
        try
        {
            var (code, stdout, stderr) = Run("suite", "--targets", "image-transform", "--out", file);
            Assert.Equal(BenchCommand.BadInput, code);
            Assert.Equal($"zsl bench suite: --out {file} is a file, not a folder", stderr.Trim());
            Assert.Equal("", stdout);
            Assert.Equal("keep", File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_suite_naming_a_target_twice_exits_2_with_the_prefix_once()
    {
        var (code, _, stderr) = Run("suite", "--targets", "feature-store,feature-store");
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Equal("zsl bench suite: --targets: 'feature-store' is named twice", stderr.Trim());
    }

    [Fact]
    public void Bench_table_refuses_a_folder_and_reports_with_missing_or_null_fields_naming_the_field()
    {
        var dir = Directory.CreateTempSubdirectory("zsl-bench-table-");
        try
        {
            var table = Run("table", dir.FullName);
            Assert.Equal(BenchCommand.BadInput, table.Code);
            Assert.Equal($"zsl bench table: {dir.FullName}: is a folder, not a report file", table.Err.Trim());
            var series = BenchSeries.From([new BenchSample(0.5, 0.5)]);
            var report = new BenchReport(BenchReport.CurrentSchema, "lesa-step",
                new BenchEnvironment("2026-11-29T06:34:43Z", "abc1234", "cpu", "cpu: test", 11, "1.13.0", null, "10.0", "Linux", 2, 1, null),
                new BenchRepetitions(0, 1), new Dictionary<string, string>(), [new BenchMeasurement("step", 1, "images", series, null)],
                new Dictionary<string, double>(), null, []);
            foreach (var (change, field) in new (Action<System.Text.Json.Nodes.JsonObject>, string)[]
            {
                (j => j.Remove("measurements"), "measurements"),
                (j => j["environment"] = null, "environment"),
                (j => j["measurements"] = new System.Text.Json.Nodes.JsonArray((System.Text.Json.Nodes.JsonNode?)null), "measurements[0]"),
                (j => j["target"] = null, "target"),
                (j => j["measurements"]![0]!["ours"] = null, "measurements[0].ours"),
                (j => j["environment"]!.AsObject().Remove("commit"), "environment.commit"),
            })
            {
                var json = System.Text.Json.Nodes.JsonNode.Parse(report.ToJson())!.AsObject();
                change(json);
                var path = Path.Combine(dir.FullName, "report.json");
                File.WriteAllText(path, json.ToJsonString());
                var (code, stdout, stderr) = Run("table", path);
                Assert.Equal(BenchCommand.BadInput, code);
                Assert.Equal($"zsl bench table: {path}: not a zslkit-bench/1 report ('{field}' is missing)", stderr.Trim());
                Assert.Equal("", stdout);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_twin_script_or_python_interpreter_exits_2_before_any_work()
    {
        var (code, stdout, stderr) = Run(["lesa-step", .. TinyLesa, "--twin", "--twin-script", "nope.py"]);
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Equal("zsl bench: --twin-script: no such file: nope.py", stderr.Trim());
        Assert.Equal("", stdout);
        var script = Path.Combine(Path.GetTempPath(), $"zsl-twin-{Guid.NewGuid():N}.py");
        File.WriteAllText(script, "");
        try
        {
            (code, stdout, stderr) = Run(["lesa-step", .. TinyLesa, "--twin", "--twin-script", script, "--python", "/nonexistent/python3"]);
            Assert.Equal(BenchCommand.BadInput, code);
            Assert.Equal("zsl bench: --python: /nonexistent/python3 is neither an executable file nor a program on PATH", stderr.Trim());
            Assert.Equal("", stdout);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Theory]
    [InlineData("feature-store", "dtype=fp13", "feature-store: setting 'dtype' must be one of fp16, fp32, got 'fp13'")]
    [InlineData("lesa-epoch", "dtype=fp8", "lesa-epoch: setting 'dtype' must be one of fp16, fp32, got 'fp8'")]
    [InlineData("lesa-epoch", "prefetch-trainer=some", "lesa-epoch: setting 'prefetch-trainer' must be off or a positive integer, got 'some'")]
    [InlineData("lesa-oi-test", "dtype=bf16", "lesa-oi-test: setting 'dtype' must be one of fp16, fp32, got 'bf16'")]
    [InlineData("lesa-oi-test", "graph=yes", "lesa-oi-test: setting 'graph' must be one of off, on, got 'yes'")]
    [InlineData("lesa-step", "amp=fp8", "lesa-step: setting 'amp' must be one of off, bf16, got 'fp8'")]
    [InlineData("lesa-step", "tf32=yes", "lesa-step: setting 'tf32' must be one of off, on, got 'yes'")]
    [InlineData("lesa-step", "twin-graph=eager", "lesa-step: setting 'twin-graph' must be one of off, on, got 'eager'")]
    [InlineData("lesa-infer", "fold=maybe", "lesa-infer: setting 'fold' must be one of on, off, got 'maybe'")]
    [InlineData("lesa-stores", "lists=real", "lesa-stores: setting 'lists' must be auto or generated, got 'real'")]
    [InlineData("lesa-columns", "row=bilinear", "lesa-columns: setting 'row' must be one of conse, labelem, fast0tag, attention-per-label, attention-per-cluster, lesa-m1, lesa, got 'bilinear'")]
    public void A_bad_one_of_setting_exits_2_naming_the_target_and_setting_before_any_work(string target, string setting, string message)
    {
        var (code, stdout, stderr) = Run(target, "--reps", "1", "--warmup", "0", "--set", setting);
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Equal("zsl bench: " + message, stderr.Trim());                          // one line: no progress or "writing" log
        Assert.Equal("", stdout);
    }

    [Fact]
    public void A_positional_argument_after_set_is_refused_with_a_hint()
    {
        var (code, _, stderr) = Run("feature-store", "--set", "batch=4", "extra.json");
        Assert.Equal(BenchCommand.BadInput, code);
        Assert.Equal("zsl bench: feature-store: --set expects key=value, got 'extra.json' (--set takes one key=value; put other arguments before it)",
            stderr.Trim());
    }
}
