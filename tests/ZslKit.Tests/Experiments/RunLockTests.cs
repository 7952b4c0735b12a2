using ZslKit.Experiments.Demo;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;

namespace ZslKit.Tests.Experiments;

[Collection("torch-global-state")]
public sealed class RunLockTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-lock-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private sealed class CountingProgress : ITrainingProgress
    {
        public int Starts;
        public int Waits;
        public void OnStart(int startEpoch, int epochs, int stepsPerEpoch) => Interlocked.Increment(ref Starts);
        public void OnStep(int epoch, int step, double loss) { }
        public void OnEpoch(EpochRecord record, string selectionMetric) { }
        public void OnMessage(string message)
        {
            if (message.StartsWith("waiting for another process", StringComparison.Ordinal)) Interlocked.Increment(ref Waits);
        }
    }

    [Fact]
    public void Two_callers_asking_for_one_config_at_once_train_it_once()
    {
        var progress = new CountingProgress();
        var options = new RunOptions(_root, Progress: progress);
        var config = LinearDemoMethod.Defaults with { Training = LinearDemoMethod.Defaults.Training! with { Epochs = 3 } };
        using var ready = new Barrier(2);
        var runs = new RunRecord[2];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            ready.SignalAndWait();
            runs[i] = LinearDemoMethod.Run(config, options);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(1, progress.Starts);
        Assert.Equal(runs[0].RunId, runs[1].RunId);
        Assert.Equal(runs[0].Final.Test, runs[1].Final.Test);
        Assert.True(File.Exists(Path.Combine(runs[0].Folder, ExperimentRunner.LockFile)));
    }
}
