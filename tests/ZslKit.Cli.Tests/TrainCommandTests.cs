// TrainCommandTests.cs - `zsl train` in-process: method and preset listing, presets resolved by --dry-run (no training), bad input.
using ZslKit.Cli.Commands;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Models;

namespace ZslKit.Cli.Tests;

public class TrainCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(TrainCommand.Create(), args);

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
}
