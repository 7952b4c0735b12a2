// ExperimentRunner.cs - turns a config into a run folder: config.json, provenance.json, metrics.csv (rewritten after every
// epoch), checkpoints/, and final.json (validation of the selected epoch + test metrics). A finished run is not redone
// unless forced; an interrupted one resumes from its newest complete checkpoint.
using System.Text.Json;
using ZslKit.Experiments.Checkpoints;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Training;
using ZslKit.Torch;

namespace ZslKit.Experiments.Runs;

/// <summary>Where runs go and how they are run.</summary>
/// <param name="RunsRoot">Usually artifacts/runs.</param>
/// <param name="Resume">Continue an interrupted run from its checkpoint (default) instead of starting over.</param>
/// <param name="Force">Redo a finished run (its old checkpoints are removed).</param>
/// <param name="RepositoryDir">Where `git rev-parse HEAD` runs (default: the current directory).</param>
public sealed record RunOptions(string RunsRoot, ITrainingProgress? Progress = null, bool Resume = true, bool Force = false, string? RepositoryDir = null);

/// <summary>What a method builds for one config: the task and its optimiser; disposing it frees them.</summary>
public sealed class TrainingSetup<TBatch>(ITrainingTask<TBatch> task, ITrainerOptimizer optimizer, Action? dispose = null) : IDisposable
{
    public ITrainingTask<TBatch> Task { get; } = task;
    public ITrainerOptimizer Optimizer { get; } = optimizer;
    public void Dispose() => dispose?.Invoke();
}

public static class ExperimentRunner
{
    /// <summary>Runs one config (or returns its finished run). torch is seeded with config.seed before <paramref name="setup"/>
    /// builds the model, so initialisation is reproducible.</summary>
    public static RunRecord Run<TBatch>(ExperimentConfig config, RunOptions options, Func<ExperimentConfig, TrainingSetup<TBatch>> setup)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(setup);
        config = config.Validate();
        var folder = RunRecord.FolderFor(options.RunsRoot, config);
        if (!options.Force && RunRecord.TryLoad(folder) is { } finished) return finished;
        Directory.CreateDirectory(folder);
        using var exclusive = LockFolder(folder, options.Progress);
        if (!options.Force && RunRecord.TryLoad(folder) is { } finishedMeanwhile) return finishedMeanwhile;
        var checkpoints = Path.Combine(folder, RunRecord.CheckpointFolder);
        if (options.Force)
        {
            if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
            File.Delete(Path.Combine(folder, RunRecord.FinalFile));
        }
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, RunRecord.ConfigFile), ConfigJson.Serialize(config));

        torch.manual_seed(config.Seed);
        using var s = setup(config);
        var provenance = RunProvenance.Capture(config.Device, s.Task.Dataset, options.RepositoryDir);
        WriteJson(Path.Combine(folder, RunRecord.ProvenanceFile), provenance);
        var progress = new MetricsFileProgress(Path.Combine(folder, RunRecord.MetricsFile), options.Progress ?? NullProgress.Instance);
        var trainer = new Trainer<TBatch>(s.Task, s.Optimizer, config, progress);
        var started = DateTime.UtcNow;
        var result = trainer.Fit(checkpoints, resume: options.Resume && Checkpoint.List(checkpoints).Count > 0);

        IReadOnlyDictionary<string, double> test = new Dictionary<string, double>();
        if (result.Stop != StopReason.NonFiniteLoss)
        {
            s.Task.Model.SetTraining(false);
            using var noGrad = torch.no_grad();
            using var tf32 = trainer.OpenTf32();           // training.tf32 and
            using var autocast = trainer.OpenAutocast();   // training.bf16Autocast: test metrics under the same precision as validation
            test = s.Task.EvaluateTest();
        }
        AtomicFile.WriteAllText(Path.Combine(folder, RunRecord.MetricsFile), MetricsCsv.Format(result.History));
        WriteJson(Path.Combine(folder, RunRecord.ProvenanceFile), provenance with { End = DateTimeOffset.UtcNow });
        var final = new FinalMetrics(result.Stop.ToString(), result.Message, result.BestEpoch + 1, result.History.Count,
            result.BestValidation, test, (DateTime.UtcNow - started).TotalSeconds);
        WriteJson(Path.Combine(folder, RunRecord.FinalFile), final);
        return RunRecord.TryLoad(folder)!;
    }

    /// <summary>Runs the config once per seed; the records aggregate with <see cref="SeedAggregate.Aggregate"/>.</summary>
    public static IReadOnlyList<RunRecord> RunSeeds<TBatch>(ExperimentConfig config, IEnumerable<int> seeds, RunOptions options,
        Func<ExperimentConfig, TrainingSetup<TBatch>> setup) =>
        seeds.Select(seed => Run(config with { Seed = seed }, options, setup)).ToList();

    /// <summary>Holds run.lock in the folder exclusively (an OS file lock, released when the process dies), waiting while
    /// another process trains the same config, so that two notebooks asking for one run train it once.</summary>
    private static FileStream LockFolder(string folder, ITrainingProgress? progress)
    {
        var path = Path.Combine(folder, LockFile);
        bool told = false;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (File.Exists(path))
            {
                if (!told) (progress ?? NullProgress.Instance).OnMessage($"waiting for another process training {folder}");
                told = true;
                Thread.Sleep(250);
            }
        }
    }

    /// <summary>The lock file held while a run trains.</summary>
    public const string LockFile = "run.lock";

    internal static void WriteJson<T>(string path, T value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, ConfigJson.Options));

    /// <summary>Rewrites metrics.csv after every epoch, then forwards events.</summary>
    private sealed class MetricsFileProgress(string path, ITrainingProgress inner) : ITrainingProgress
    {
        private readonly List<EpochRecord> _epochs = [];
        public void OnStart(int startEpoch, int epochs, int stepsPerEpoch) => inner.OnStart(startEpoch, epochs, stepsPerEpoch);
        public void OnStep(int epoch, int step, double loss) => inner.OnStep(epoch, step, loss);
        public void OnMessage(string message) => inner.OnMessage(message);

        public void OnEpoch(EpochRecord record, string selectionMetric)
        {
            _epochs.Add(record);
            AtomicFile.WriteAllText(path, MetricsCsv.Format(_epochs));
            inner.OnEpoch(record, selectionMetric);
        }
    }
}
