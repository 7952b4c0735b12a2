// TrainCommandTests.cs - `zsl train` in-process: method and preset listing, presets resolved by --dry-run (no training), bad input
// refused with exit code 2 and one line before any run folder is made.
using ZslKit.Cli.Commands;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Models;

namespace ZslKit.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zslkit-train-" + Guid.NewGuid().ToString("N")[..8]);

    public TrainCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(TrainCommand.Create(), args);

    /// <summary>The run folder of seed 0 that --dry-run names for these arguments.</summary>
    private static string DryRunFolder(params string[] args)
    {
        var (code, stdout, err) = Run([.. args, "--dry-run"]);
        Assert.True(code == 0, err);
        var line = stdout.Split('\n').Single(l => l.StartsWith("seed 0: hash ", StringComparison.Ordinal));
        return line[(line.IndexOf(" -> ", StringComparison.Ordinal) + 4)..].Trim();
    }

    /// <summary>Asserts exit code 2 and exactly one stderr line "zsl train: <paramref name="message"/>".</summary>
    private static void AssertBadInput((int Code, string Out, string Err) result, string message)
    {
        Assert.True(result.Code == 2, $"exit {result.Code}: {result.Err}");
        Assert.Equal($"zsl train: {message}", result.Err.TrimEnd('\n', '\r'));
    }

    /// <summary>The config JSON that --dry-run prints before its "seed N: hash ..." lines.</summary>
    private static ExperimentConfig DryRunConfig(string stdout)
    {
        int end = stdout.IndexOf("\nseed ", StringComparison.Ordinal);
        Assert.True(end > 0, stdout);
        return ConfigJson.Deserialize(stdout[..end]);
    }

    [Fact]
    public void Train_list_shows_every_lesa_row_with_its_presets()
    {
        var (code, stdout, _) = Run("--list");
        Assert.Equal(0, code);
        foreach (var row in LesaTable1.Rows) Assert.Contains(row, stdout);
        foreach (var preset in new[] { "quick", "full", "openimages-quick", "openimages-full", "nus-wide", "openimages" })
            Assert.Contains($"--preset {preset} ", stdout);
    }

    [Fact]
    public void The_quick_preset_is_the_default_config_and_full_is_the_notebooks_full_mode()
    {
        var (code, plain, err) = Run("lesa", "--dry-run");
        Assert.True(code == 0, err);
        var (code2, quick, err2) = Run("lesa", "--preset", "quick", "--dry-run");
        Assert.True(code2 == 0, err2);
        Assert.Equal(ConfigJson.Hash(DryRunConfig(plain)), ConfigJson.Hash(DryRunConfig(quick)));

        var (code3, full, err3) = Run("lesa", "--preset", "full", "--dry-run", "--seeds", "0,1");
        Assert.True(code3 == 0, err3);
        var c = DryRunConfig(full);
        Assert.Equal(ConfigJson.Hash(LesaExperiment.Config(LesaPresets.Full, "train", "lesa", 0)), ConfigJson.Hash(c));
        Assert.Equal(10, c.TrainingOrDefault.Epochs);
        Assert.Contains("seed 1: hash", full);
    }

    [Fact]
    public void The_open_images_preset_uses_the_open_images_label_space_and_takes_overrides()
    {
        var (code, stdout, err) = Run("fast0tag", "--preset", "openimages-quick", "--set", "training.epochs=1", "--dry-run");
        Assert.True(code == 0, err);
        var c = DryRunConfig(stdout);
        Assert.True(LesaExperiment.IsOpenImages(c.DatasetOrDefault.Name), c.DatasetOrDefault.Name);
        Assert.Equal("fast0tag", c.Method);
        Assert.Equal(1, c.TrainingOrDefault.Epochs);
        Assert.Equal(LesaPresets.OpenImagesQuick.Training.LearningRate, c.OptimizerOrDefault.Lr);
    }

    [Fact]
    public void The_real_data_presets_describe_the_official_protocol_on_real_features()
    {
        var (code, stdout, err) = Run("lesa", "--preset", "openimages", "--dry-run");
        Assert.True(code == 0, err);
        var c = DryRunConfig(stdout);
        Assert.Equal(LesaExperiment.OpenImages, c.DatasetOrDefault.Name);
        Assert.False(c.DatasetOrDefault.Synthetic);
        Assert.Equal("rmsprop-tf", c.OptimizerOrDefault.Name);
    }

    [Fact]
    public void An_unknown_preset_or_a_preset_with_a_config_file_is_refused_with_exit_code_2()
    {
        var (code, _, stderr) = Run("lesa", "--preset", "huge", "--dry-run");
        Assert.Equal(2, code);
        Assert.Contains("no preset 'huge'", stderr);
        Assert.Contains("openimages-quick", stderr);

        var (code2, _, stderr2) = Run("lesa", "--preset", "quick", "--config", "x.json", "--dry-run");
        Assert.Equal(2, code2);
        Assert.Contains("--config or --preset, not both", stderr2);

        var (code3, _, stderr3) = Run("no-such-method", "--preset", "quick");
        Assert.Equal(2, code3);
        Assert.Contains("unknown method 'no-such-method'", stderr3);
    }

    [Fact]
    public void A_cuda_run_without_cuda_and_graph_steps_on_the_cpu_stop_with_exit_code_2_and_one_clear_line()
    {
        Skip.If(ZslKit.Torch.torch.cuda.is_available(), "CUDA is available here");
        var runs = Path.Combine(Path.GetTempPath(), "zslkit-train-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, _, stderr) = Run("lesa", "--preset", "quick", "--set", "device=cuda", "--runs", runs);
            Assert.Equal(2, code);
            Assert.StartsWith("zsl train: seed 0: cuda requested, but CUDA is not available", stderr);
            Assert.DoesNotContain("   at ", stderr);                                      // no stack trace

            var (code2, _, stderr2) = Run("lesa", "--preset", "quick", "--set", "training.cudaGraph=true", "--runs", runs);
            Assert.Equal(2, code2);
            Assert.Contains("training.cudaGraph captures CUDA graphs and needs a CUDA device; the config has device 'cpu'", stderr2);
        }
        finally
        {
            if (Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        }
    }

    [Fact]
    public void A_config_path_that_is_a_folder_or_missing_exits_2_naming_the_option()
    {
        AssertBadInput(Run("linear-demo", "--dry-run", "-c", _dir), $"--config: {_dir} is a folder, not a config file");
        var missing = Path.Combine(_dir, "nonexist.json");
        AssertBadInput(Run("linear-demo", "--dry-run", "-c", missing), $"--config: file not found: {missing}");
    }

    [Fact]
    public void An_empty_config_file_is_called_empty()
    {
        var empty = Path.Combine(_dir, "empty.json");
        File.WriteAllText(empty, "\n");
        AssertBadInput(Run("linear-demo", "--dry-run", "-c", empty), $"{empty}: the file is empty, not an experiment config");
    }

    [Fact]
    public void A_config_file_field_of_the_wrong_type_says_what_the_field_takes()
    {
        var file = Path.Combine(_dir, "badtype.json");
        File.WriteAllText(file, "{\"seed\":\"abc\"}");
        AssertBadInput(Run("linear-demo", "--dry-run", "-c", file),
            $"{file}: not a valid experiment config (line 1, column 14: 'seed' takes an integer (at $.seed))");
    }

    [Fact]
    public void A_config_file_naming_another_method_is_refused_naming_both()
    {
        var file = Path.Combine(_dir, "conse.json");
        File.WriteAllText(file, "{\"method\": \"conse\", \"dataset\": {\"name\": \"linear-demo\"}}");
        AssertBadInput(Run("linear-demo", "--dry-run", "-c", file),
            $"--config: {file} is a config of method 'conse', not 'linear-demo' (train 'conse', or change the file's method)");
        // The same file without "method" (or naming linear-demo) is the linear-demo config it describes.
        File.WriteAllText(file, "{\"dataset\": {\"name\": \"linear-demo\"}}");
        var (code, stdout, err) = Run("linear-demo", "--dry-run", "-c", file);
        Assert.True(code == 0, err);
        Assert.Equal("linear-demo", DryRunConfig(stdout).Method);
    }

    [Fact]
    public void A_minimal_linear_demo_config_file_without_a_dataset_section_is_accepted()
    {
        var file = Path.Combine(_dir, "minimal.json");
        File.WriteAllText(file, "{\"seed\": 3}");
        var (code, stdout, err) = Run("linear-demo", "--dry-run", "-c", file);
        Assert.True(code == 0, err);
        Assert.Equal(3, DryRunConfig(stdout).Seed);
    }

    [Fact]
    public void An_unknown_selection_metric_exits_2_before_any_run_folder_is_made_and_under_dry_run()
    {
        var runs = Path.Combine(_dir, "runs");
        const string Message = "config field 'training.selectionMetric': 'nosuch' is not one of the validation metrics (map, f1@3, loss)";
        AssertBadInput(Run("linear-demo", "--runs", runs, "-s", "dataset.size=64", "-s", "training.epochs=1",
            "-s", "training.selectionMetric=nosuch"), Message);
        Assert.False(Directory.Exists(runs));
        AssertBadInput(Run("linear-demo", "--dry-run", "-s", "training.selectionMetric=nosuch"), Message);
        AssertBadInput(Run("lesa", "--dry-run", "-s", "training.selectionMetric=f1@3"),
            "config field 'training.selectionMetric': 'f1@3' is not f1@5, map or loss");
    }

    [Fact]
    public void An_unknown_optimizer_exits_2_before_any_run_folder_is_made_and_under_dry_run()
    {
        var runs = Path.Combine(_dir, "runs");
        const string Message = "config field 'optimizer.name': 'nosuchopt' is not sgd, rmsprop, rmsprop-tf, adam or adamw";
        AssertBadInput(Run("linear-demo", "--runs", runs, "-s", "optimizer.name=nosuchopt"), Message);
        Assert.False(Directory.Exists(runs));
        AssertBadInput(Run("linear-demo", "--dry-run", "-s", "optimizer.name=nosuchopt"), Message);
    }

    [Fact]
    public void A_runs_path_that_is_a_file_exits_2_naming_runs_before_training()
    {
        var file = Path.Combine(_dir, "runs.txt");
        File.WriteAllText(file, "not a folder");
        AssertBadInput(Run("linear-demo", "--runs", file, "-s", "training.epochs=1"), $"--runs {file} is a file, not a folder");
        AssertBadInput(Run("linear-demo", "--runs", Path.Combine(file, "sub"), "--dry-run"), $"--runs {Path.Combine(file, "sub")}: {file} is a file, not a folder");
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Fact]
    public void A_damaged_final_json_exits_2_naming_the_file_and_what_to_do()
    {
        var runs = Path.Combine(_dir, "runs");
        string[] args = ["linear-demo", "--runs", runs, "-s", "dataset.size=64", "-s", "training.epochs=1"];
        var folder = DryRunFolder(args);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        var final = Path.Combine(folder, "final.json");
        File.WriteAllText(final, "{bad");
        var (code, _, stderr) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith($"zsl train: {final}: line 1, column 2: ", stderr);
        Assert.EndsWith("; the run folder is damaged: delete it, or rerun with force (zsl train --force, RunOptions.Force)", stderr.TrimEnd());
        Assert.DoesNotContain("FinalMetrics", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("{bad", File.ReadAllText(final));                      // nothing was retrained or rewritten
    }

    [Fact]
    public void An_unknown_method_is_refused_even_under_dry_run()
    {
        var (code, stdout, stderr) = Run("nosuch", "--dry-run");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("zsl train: unknown method 'nosuch' (registered: ", stderr);
        Assert.Contains("linear-demo", stderr);
    }

    [Theory]
    [InlineData(",", "--seeds: no seeds in ',' (give e.g. 0,1,2)")]
    [InlineData("1,2,1", "--seeds: seed 1 is given twice")]
    [InlineData("99999999999", "--seeds: '99999999999' is not a seed (-2147483648 to 2147483647)")]
    [InlineData("1,x", "--seeds: 'x' is not an integer")]
    public void Seeds_are_at_least_one_distinct_int_each(string seeds, string message) =>
        AssertBadInput(Run("linear-demo", "--dry-run", "--seeds", seeds), message);

    [Fact]
    public void List_refuses_a_method_or_other_options_instead_of_ignoring_them()
    {
        AssertBadInput(Run("--list", "linear-demo"), "--list takes no method or other options (got method 'linear-demo')");
        AssertBadInput(Run("--list", "--dry-run", "--runs", _dir), "--list takes no method or other options (got --runs, --dry-run)");
    }

    [Theory]
    [InlineData("linear-demo", "options.bogus=1", "config field 'options.bogus': linear-demo takes no options")]
    [InlineData("linear-demo", "lossWeights.bogus=1", "config field 'lossWeights.bogus': linear-demo has one loss and no loss weights")]
    [InlineData("linear-demo", "dataset.name=nosuch", "config field 'dataset.name': 'nosuch' is not linear-demo (the demo generates its own data)")]
    [InlineData("lesa", "lossWeights.bogus=1", "config field 'lossWeights.bogus': unknown LESA loss weight (known: rel, div, dist)")]
    [InlineData("lesa", "dataset.name=nosuch", "config field 'dataset.name': 'nosuch' is not synthetic-nus-wide, synthetic-standin, nus-wide, " +
                                               "synthetic-openimages, synthetic-openimages-standin or openimages")]
    public void Options_loss_weights_and_datasets_the_method_does_not_know_are_refused_under_dry_run(string method, string set, string message) =>
        AssertBadInput(Run(method, "--dry-run", "-s", set), message);

    [Theory]
    [InlineData("training.epochs=1.5", "override 'training.epochs=1.5': 'training.epochs' takes an integer, got 1.5")]
    [InlineData("seed=99999999999", "override 'seed=99999999999': 'seed' takes an integer (-2147483648 to 2147483647), got 99999999999")]
    [InlineData("seed=null", "override 'seed=null': 'seed' takes an integer, got null")]
    [InlineData("dType=null", "config field 'dType': null is not float32 or float64")]
    [InlineData("device=cuda:x", "config field 'device': 'cuda:x' is not cpu, cuda or cuda:N (N = 0, 1, ...)")]
    public void A_bad_override_names_the_field_and_what_it_takes_without_positions_or_dotnet_types(string set, string message) =>
        AssertBadInput(Run("linear-demo", "--dry-run", "-s", set), message);
}
