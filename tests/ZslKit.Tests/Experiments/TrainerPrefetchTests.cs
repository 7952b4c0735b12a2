// TrainerPrefetchTests.cs - the Trainer's batch prefetch (IPrefetchableTask + BatchPrefetcher): the LESA task's step
// losses are bit-identical with and without it, batches keep their order, the worker really runs ahead but never more
// than PrefetchDepth batches, its failures surface on the training thread naming the batch and indices, and NaN stops,
// early stops, cancellation and exceptions leave no running worker and no live tensors behind.
using System.Collections.Concurrent;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments;

/// <summary>TinyLinearTask made prefetchable: the host side is the indices, recorded with the thread that made them; it can
/// be slowed down or made to fail, and it counts host calls in flight.</summary>
internal sealed class PrefetchProbeTask(TinyLinearTask inner, int trainingThread) : IPrefetchableTask<(Tensor X, Tensor Y)>, IDisposable
{
    private int _workerCalls, _inFlight;

    public ConcurrentQueue<(int[] Indices, int Thread)> HostCalls { get; } = new();
    public List<int[]> UsedBatches { get; } = [];
    /// <summary>At each Loss call: (worker host calls made so far, batches used so far).</summary>
    public List<(int Made, int Used)> AtLoss { get; } = [];
    /// <summary>Worker host call number (1-based) that throws (0: none).</summary>
    public int FailAtWorkerCall { get; init; }
    public int HostDelayMs { get; init; }
    public Action<int>? OnLoss { get; init; }
    public int WorkerCalls => Volatile.Read(ref _workerCalls);
    public int InFlight => Volatile.Read(ref _inFlight);

    public ITrainableModel Model => inner.Model;
    public int TrainingExamples => inner.TrainingExamples;
    public IDatasetFingerprint? Dataset => inner.Dataset;

    public HostBatch MakeHostBatch(int[] indices)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            int thread = Environment.CurrentManagedThreadId;
            if (thread != trainingThread)
            {
                int call = Interlocked.Increment(ref _workerCalls);
                if (call == FailAtWorkerCall) throw new IOException($"feature file unreadable (worker call {call})");
            }
            if (HostDelayMs > 0) Thread.Sleep(HostDelayMs);
            HostCalls.Enqueue(((int[])indices.Clone(), thread));
            return new HostBatch(indices, HostArray.Of((int[])indices.Clone(), indices.Length));
        }
        finally { Interlocked.Decrement(ref _inFlight); }
    }

    public (Tensor X, Tensor Y) MakeBatch(HostBatch host)
    {
        var indices = ((HostArray<int>)host.Arrays[0]).Data;
        if (inner.Training && torch.is_grad_enabled()) UsedBatches.Add(indices);
        return inner.MakeBatch(indices);
    }

    public (Tensor X, Tensor Y) MakeBatch(int[] indices) => MakeBatch(MakeHostBatch(indices));

    public Tensor Loss((Tensor X, Tensor Y) batch)
    {
        if (inner.Training && torch.is_grad_enabled())
        {
            AtLoss.Add((WorkerCalls, UsedBatches.Count));
            OnLoss?.Invoke(UsedBatches.Count);
        }
        return inner.Loss(batch);
    }

    public IReadOnlyDictionary<string, double> Evaluate(int[] indices) => inner.Evaluate(indices);
    public IReadOnlyDictionary<string, double> EvaluateTest() => inner.EvaluateTest();
    public void Dispose() => inner.Dispose();
}

[Collection("torch-global-state")]
public sealed class TrainerPrefetchTests
{
    private static readonly int Self = Environment.CurrentManagedThreadId;

    /// <summary>A fresh probe task, torch seeded by the config first (as ExperimentRunner does).</summary>
    private static PrefetchProbeTask Probe(ExperimentConfig config, int failAt = 0, int nanAt = 0, int delayMs = 0, Action<int>? onLoss = null)
    {
        torch.manual_seed(config.Seed);
        return new PrefetchProbeTask(new TinyLinearTask(dropout: 0.2) { NanAtCall = nanAt }, Self)
            { FailAtWorkerCall = failAt, HostDelayMs = delayMs, OnLoss = onLoss };
    }

    /// <summary>Fits <paramref name="task"/> with momentum SGD; <paramref name="cancel"/> defaults to the running test's token.</summary>
    private static TrainResult Fit(PrefetchProbeTask task, ExperimentConfig config, int depth, CancellationToken? cancel = null)
    {
        var parameters = task.Model.NamedParameters();
        using var opt = new MomentumSgd(parameters, config.OptimizerOrDefault.Lr, config.OptimizerOrDefault.Momentum);
        return new Trainer<(Tensor, Tensor)>(task, opt, config) { PrefetchDepth = depth }.Fit(cancellation: cancel ?? TestContext.Current.CancellationToken);
    }

    private static float[] Values(PrefetchProbeTask task) =>
        [.. task.Model.NamedParameters().SelectMany(p => { using var d = p.Value.detach(); return d.ToArray<float>(); })];

    [Fact]
    public void Prefetched_batches_keep_the_synchronous_order_and_give_identical_losses_and_parameters()
    {
        var config = TrainerTests.Config(epochs: 3);
        using var sync = Probe(config);
        var a = Fit(sync, config, depth: 0);
        using var pre = Probe(config);
        var b = Fit(pre, config, depth: 2);
        Assert.Equal(3 * 5, pre.UsedBatches.Count);
        Assert.Equal(sync.UsedBatches, pre.UsedBatches);
        Assert.Equal(a.StepLosses, b.StepLosses);
        Assert.Equal(Values(sync), Values(pre));
        // Synchronous: every host side is made on the training thread; prefetched: the training batches on the worker.
        Assert.All(sync.HostCalls, c => Assert.Equal(Self, c.Thread));
        Assert.Equal(pre.UsedBatches, pre.HostCalls.Where(c => c.Thread != Self).Select(c => c.Indices).ToList());
    }

    [Fact]
    public void The_worker_runs_ahead_of_the_step_but_never_more_than_the_prefetch_depth()
    {
        const int depth = 2, perEpoch = 5;
        var config = TrainerTests.Config(epochs: 2);
        var ranAhead = new List<bool>();
        PrefetchProbeTask? probe = null;
        probe = Probe(config, onLoss: used =>
        {
            int epochEnd = (used + perEpoch - 1) / perEpoch * perEpoch;
            ranAhead.Add(SpinWait.SpinUntil(() => probe!.WorkerCalls >= Math.Min(used + depth, epochEnd), TimeSpan.FromSeconds(20)));
            Thread.Sleep(30);                                     // room to overrun, were the worker unbounded
        });
        using (probe)
        {
            Fit(probe, config, depth);
            Assert.Equal(2 * perEpoch, ranAhead.Count);
            Assert.All(ranAhead, Assert.True);
            foreach (var (made, used) in probe.AtLoss) Assert.InRange(made, used, used + depth);
        }
    }

    [Fact]
    public void A_failing_host_batch_surfaces_on_the_training_thread_with_its_batch_and_indices()
    {
        var config = TrainerTests.Config(epochs: 1);
        using var sync = Probe(config);
        Fit(sync, config, depth: 0);
        using (var failing = Probe(config, failAt: 3))
        {
            long live = LiveTensorBaseline.Read();   // after the task's own tensors
            var e = Assert.Throws<BatchPrefetchException>(() => Fit(failing, config, depth: 2));
            var third = sync.UsedBatches[2];
            Assert.Equal(2, e.Batch);
            Assert.Equal(third, e.Indices);
            Assert.IsType<IOException>(e.InnerException);
            Assert.Contains("epoch 1", e.Message);
            Assert.Contains("batch 3 of 5", e.Message);
            Assert.Contains($"[{string.Join(", ", third)}]", e.Message);
            Assert.Contains("feature file unreadable (worker call 3)", e.Message);
            Assert.Equal(2, failing.UsedBatches.Count);           // steps 1 and 2 ran
            Assert.Equal(0, failing.InFlight);
            Assert.Equal(live, torch.LiveTensorCount);
        }
    }

    [Fact]
    public void A_nan_stop_with_prefetch_waits_for_the_worker_and_leaks_no_tensors()
    {
        var config = TrainerTests.Config(epochs: 2);
        using (var probe = Probe(config, nanAt: 3, delayMs: 40))  // slow host batches: the worker is busy when step 3 is NaN
        {
            long live = LiveTensorBaseline.Read();
            var r = Fit(probe, config, depth: 2);
            Assert.Equal(StopReason.NonFiniteLoss, r.Stop);
            Assert.Equal(2, r.StepLosses.Count);
            Assert.Equal(0, probe.InFlight);
            int made = probe.WorkerCalls;
            Thread.Sleep(150);
            Assert.Equal(made, probe.WorkerCalls);                // nothing runs on after Fit returned
            Assert.InRange(made, 3, 3 + 2);
            Assert.Equal(live, torch.LiveTensorCount);
        }
    }

    [Fact]
    public void An_early_stop_with_prefetch_matches_the_synchronous_run_and_leaks_no_tensors()
    {
        // As TrainerTests' early stop: maximising the validation loss of a model that learns stops after 3 epochs.
        var config = TrainerTests.Config(epochs: 8, metric: "loss", maximize: true, patience: 2, lr: 0.1, momentum: 0);
        using (var sync = Probe(config))
        using (var pre = Probe(config, delayMs: 5))
        {
            long live = LiveTensorBaseline.Read();
            var a = Fit(sync, config, depth: 0);
            var b = Fit(pre, config, depth: 3);
            Assert.Equal(StopReason.EarlyStopped, b.Stop);
            Assert.Equal(3, b.History.Count);
            Assert.Equal(a.StepLosses, b.StepLosses);
            Assert.Equal(0, pre.InFlight);
            Assert.Equal(3 * 5, pre.WorkerCalls);                 // no batch of a 4th epoch was made
            Assert.Equal(live, torch.LiveTensorCount);
        }
    }

    [Fact]
    public void Cancelling_training_with_prefetch_ends_it_at_the_next_epoch_start_as_without_prefetch()
    {
        var config = TrainerTests.Config(epochs: 3);
        foreach (var depth in new[] { 0, 2 })
        {
            using var cts = new CancellationTokenSource();
            using var probe = Probe(config, delayMs: 20, onLoss: used => { if (used == 4) cts.Cancel(); });
            long live = LiveTensorBaseline.Read();
            Assert.ThrowsAny<OperationCanceledException>(() => Fit(probe, config, depth, cts.Token));
            Assert.Equal(5, probe.UsedBatches.Count);              // epoch 1 finished, epoch 2 never started
            Assert.Equal(depth == 0 ? 0 : 5, probe.WorkerCalls);
            Assert.Equal(0, probe.InFlight);
            Assert.Equal(live, torch.LiveTensorCount);
        }
    }

    [Fact]
    public void A_negative_prefetch_depth_is_refused()
    {
        var config = TrainerTests.Config(epochs: 1);
        using var probe = Probe(config);
        using var opt = new MomentumSgd(probe.Model.NamedParameters(), 0.1, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<(Tensor, Tensor)>(probe, opt, config) { PrefetchDepth = -1 });
    }
}
