// LesaLocalisationTable3Tests.cs - Table 3 (LesaLocalisationTable3) on a tiny preset: the three rows come from the
// LesaExperiment runs of notebook 01's configs (LesaNotebook.Config), trained once and reused by later calls.
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Models;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaLocalisationTable3Tests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-lesa-t3-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>3x3 regions, D 8, 64 training (16 validation) and 24 test images, H 8, M 3, one epoch.</summary>
    private static readonly LesaPreset Tiny = LesaPresets.Quick with
    {
        Name = "t3-tiny",
        Benchmark = MultiLabelBenchmarkConfig.Quick with
        {
            TrainImages = 64, ValidationFraction = 0.25, TestImages = 24, FeatureDim = 8, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, Seed = 5,
        },
        Hidden = 8, Modules = 3, Training = new LesaTrainingOptions { Epochs = 1, BatchSize = 16, LearningRate = 0.05 },
    };

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private RunOptions Options() => new(_root);

    private string ExperimentFolder => Path.Combine(_root, LesaExperiment.Paper, LesaNotebook.Experiment(Tiny));

    [Fact]
    public void Table3_run_trains_the_three_rows_and_its_mean_of_one_seed_is_that_seed()
    {
        var result = LesaLocalisationTable3.Run(Tiny, [2], runs: Options());
        var (bench, _) = LesaExperiment.Benchmark(LesaNotebook.Config(Tiny, "lesa", 2));
        Assert.Equal(new[] { "One Attention per Label", "One Attention for All (M=1)", "LESA (M=3)" }, result.Mean.Select(m => m.Model));
        Assert.Equal(3, result.Runs.Count);
        Assert.Equal("LESA (M=3), random peaks", result.Chance[2].Model);
        Assert.Equal(new[] { "attention-per-label", "lesa-m1", "lesa" }, result.Runs.Select(r => r.Training.Config.Method));
        for (int k = 0; k < 3; k++)
        {
            var run = result.Runs[k];
            Assert.Equal(2, run.Seed);
            Assert.Equal(2, run.Training.Config.Seed);
            Assert.False(run.Reused);
            Assert.Equal("Completed", run.Training.Final.Stop);
            Assert.InRange(run.Training.Final.Test["zs/map"], 0, 1);
            Assert.Equal(run.Localisation.Report.PerLabel, result.Mean[k].Report.PerLabel);
            Assert.Equal(run.Localisation.Report.MapUnseen, result.Mean[k].Report.MapUnseen);
            Assert.InRange(run.Localisation.Report.MapUnseen, 0, 1);
            Assert.Equal(LesaLocalisation.GroundTruth(bench).Keys.Select(key => key.Label).Distinct().Count(),
                run.Localisation.Report.BoxedImages.Count(g => g > 0));
        }
    }

    [Fact]
    public void Table3_reuses_the_run_notebook_01_trained_for_the_same_row_and_seed_and_trains_nothing_the_second_time()
    {
        // Notebook 01's path: LesaNotebook.Config of the row, run by LesaExperiment into the runs root.
        var first = LesaExperiment.Run(LesaNotebook.Config(Tiny, "lesa", 2), Options());
        var lesaFinal = Path.Combine(first.Folder, RunRecord.FinalFile);
        var lesaWritten = File.GetLastWriteTimeUtc(lesaFinal);

        var table3 = LesaLocalisationTable3.Run(Tiny, [2], runs: Options());
        var lesa = table3.Runs.Single(r => r.Row.Key == "lesa");
        Assert.True(lesa.Reused);
        Assert.Equal(first.Folder, lesa.Training.Folder);
        Assert.Equal(first.Final.Test, lesa.Training.Final.Test);
        Assert.Equal(lesaWritten, File.GetLastWriteTimeUtc(lesaFinal));
        Assert.False(table3.Runs.Single(r => r.Row.Key == "lesa-m1").Reused);
        Assert.Equal(3, Directory.GetDirectories(ExperimentFolder).Length);   // one run folder per row, none added for LESA

        var written = table3.Runs.ToDictionary(r => r.Row.Key, r => File.GetLastWriteTimeUtc(Path.Combine(r.Training.Folder, RunRecord.FinalFile)));
        var again = LesaLocalisationTable3.Run(Tiny, [2], runs: Options());
        Assert.All(again.Runs, r => Assert.True(r.Reused, $"{r.Row.Key} was trained again"));
        Assert.All(again.Runs, r => Assert.Equal(written[r.Row.Key], File.GetLastWriteTimeUtc(Path.Combine(r.Training.Folder, RunRecord.FinalFile))));
        Assert.Equal(3, Directory.GetDirectories(ExperimentFolder).Length);
        // The reloaded selected models localise exactly as the first time.
        for (int k = 0; k < 3; k++) Assert.Equal(table3.Runs[k].Localisation.Report.PerLabel, again.Runs[k].Localisation.Report.PerLabel);
    }
}
