// LesaGraphTrainerTests.cs - graph training steps (training.cudaGraph, Training/GraphSteps.cs) with a tiny LESA config: on
// the CPU through the eager-replay backend (the step delegate recorded at capture and run again per replay on the static
// buffers), on a GPU (when present) through CUDA graphs. Loss trajectories with graphs on equal those with graphs off; the
// last smaller batch of each epoch runs eagerly; a learning-rate change forces a new capture; the static batch's positives
// bound is the fit split's maximum; NaN stop and cancellation leave no graph tensors alive.
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaGraphTrainerTests
{
    private static readonly LesaPreset Tiny = LesaTinyPreset.Tiny;

    private static ExperimentConfig Config(int epochs = 2, string device = "cpu")
    {
        var c = LesaExperiment.Config(Tiny, "graph", "lesa", seed: 0, dataDir: "/nonexistent-zslkit-data");
        return c with { Device = device, Training = c.TrainingOrDefault with { Epochs = epochs } };
    }

    private sealed record Run(TrainResult Result, float[] Params, long LiveChange, int StateTensors, GraphStepCounts? Counts);

    /// <summary>
    /// Trains the config's model from its seed, with graph steps through <paramref name="backend"/> (null: eager);
    /// <paramref name="cancel"/> defaults to the running test's token.
    /// </summary>
    private static Run Train(ExperimentConfig c, IStepGraphBackend? backend, Func<LesaTask, ITrainingTask<LesaBatch>>? wrap = null,
        ITrainingProgress? progress = null, CancellationToken? cancel = null, string? folder = null, bool resume = false)
    {
        var (bench, cache) = LesaExperiment.Benchmark(c);
        torch.manual_seed(c.Seed);
        var model = LesaExperiment.CreateModel(c, bench);
        using var task = new LesaTask(model, bench, cache, c.TrainingOrDefault.BatchSize, c.Device);
        var opt = Optimizers.Create(c.OptimizerOrDefault, model.Module.parameters());
        long live = LiveTensorBaseline.Read();
        TrainResult result;
        GraphStepCounts? counts;
        try
        {
            var trainer = new Trainer<LesaBatch>(wrap?.Invoke(task) ?? task, opt, c, progress) { GraphBackend = backend };
            try { result = trainer.Fit(folder, resume, cancel ?? TestContext.Current.CancellationToken); }
            catch (OperationCanceledException)
            {
                result = new TrainResult([], -1, null, StopReason.Completed, "cancelled", 0, []);
            }
            counts = trainer.GraphCounts;
        }
        finally { opt.Dispose(); }
        long change = torch.LiveTensorCount - live;       // after the optimiser's state is freed
        using var scope = torch.NewDisposeScope();
        var values = task.Model.NamedParameters().SelectMany(p => p.Value.detach().cpu().ToArray<float>()).ToArray();
        return new Run(result, values, change, model.Module.state_dict().Count, counts);
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relative)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Abs(expected[i]),
                $"step {i}: {actual[i]:R} vs {expected[i]:R} (relative tolerance {relative})");
    }

    [Fact]
    public void Losses_with_eager_replay_graph_steps_equal_eager_training_and_the_last_small_batch_runs_eagerly()
    {
        var c = Config(epochs: 2);
        var off = Train(c, backend: null);
        var on = Train(c, EagerReplayStepGraphs.Instance);
        Assert.Null(off.Counts);
        Assert.Equal(2 * 7, off.Result.StepLosses.Count);
        AssertClose(off.Result.StepLosses, on.Result.StepLosses, 1e-6);
        for (int i = 0; i < off.Params.Length; i++) Assert.True(Math.Abs(off.Params[i] - on.Params[i]) <= 1e-5f * (1 + Math.Abs(off.Params[i])), $"parameter {i}");
        // 12 full-size steps: 3 warm-up, 1 capture, 9 replays (the capture's batch is the first replay); 2 smaller batches eager.
        Assert.Equal(new GraphStepCounts("eager-replay", WarmupSteps: 3, Captures: 1, Replays: 9, EagerSteps: 2), on.Counts);
        Assert.Equal(off.LiveChange, on.LiveChange);       // only the task's last-epoch snapshot stays alive
        Assert.Equal(off.StateTensors, on.LiveChange);
    }

    [Fact]
    public void A_learning_rate_change_disposes_the_graph_and_captures_a_new_one()
    {
        var c = Config(epochs: 3) with { Schedule = new ScheduleConfig("step", Factor: 0.5, StepEpochs: 1) };
        var off = Train(c, backend: null);
        var on = Train(c, EagerReplayStepGraphs.Instance);
        Assert.Equal([0.05, 0.025, 0.0125], on.Result.History.Select(h => h.LearningRate));
        AssertClose(off.Result.StepLosses, on.Result.StepLosses, 1e-6);
        // Each epoch: a new graph (3 warm-up steps, a capture, 3 replays) and 1 eager small batch.
        Assert.Equal(new GraphStepCounts("eager-replay", WarmupSteps: 9, Captures: 3, Replays: 9, EagerSteps: 3), on.Counts);
        Assert.Equal(off.StateTensors, on.LiveChange);
    }

    [Fact]
    public void A_graph_run_resumed_from_its_checkpoint_continues_the_uninterrupted_trajectory()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"zslkit-graph-ckpt-{Guid.NewGuid():N}");
        try
        {
            var whole = Train(Config(epochs: 2), EagerReplayStepGraphs.Instance);
            var first = Train(Config(epochs: 1), EagerReplayStepGraphs.Instance, folder: folder);
            var rest = Train(Config(epochs: 2), EagerReplayStepGraphs.Instance, folder: folder, resume: true);
            Assert.Equal(7, first.Result.StepLosses.Count);
            Assert.Equal(7, rest.Result.FirstStep);
            AssertClose(whole.Result.StepLosses, [.. first.Result.StepLosses, .. rest.Result.StepLosses], 1e-6);
            Assert.Equal(new GraphStepCounts("eager-replay", 3, 1, 3, 1), rest.Counts);   // the resumed Fit warms up and captures anew
        }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Graph_steps_combine_with_bf16_autocast()
    {
        var c = Config(epochs: 1);
        c = c with { Training = c.TrainingOrDefault with { Bf16Autocast = true } };
        var off = Train(c, backend: null);
        var on = Train(c, EagerReplayStepGraphs.Instance);
        AssertClose(off.Result.StepLosses, on.Result.StepLosses, 1e-6);
        Assert.Equal(1, on.Counts!.Captures);
    }

    [Fact]
    public void The_static_batch_uses_the_most_positives_of_any_fit_image()
    {
        var c = Config();
        var (bench, cache) = LesaExperiment.Benchmark(c);
        torch.manual_seed(0);
        using var task = new LesaTask(LesaExperiment.CreateModel(c, bench), bench, cache, 16);
        var fit = task.HoldOut.Fit;
        var labels = LesaBatches.SplitLabels(bench, MultiLabelSplit.Train);
        int l = bench.LabelCount(MultiLabelSplit.Train);
        var positives = fit.Select(i => labels.AsSpan(i * l, l).Count((sbyte)1)).ToArray();   // per fit image
        using var statics = (LesaTask.StaticLesaBatch)task.CreateStaticBatch(16, fit);
        Assert.Equal(positives.Max(), statics.MaxPositives);
        // The bound comes from the given split: the image with the fewest positives alone gives its own, smaller count.
        int fewest = Array.IndexOf(positives, positives.Min());
        Assert.True(positives[fewest] < positives.Max());
        using (var one = (LesaTask.StaticLesaBatch)task.CreateStaticBatch(16, [fit[fewest]])) Assert.Equal(positives[fewest], one.MaxPositives);
        // A batch is copied in place; a batch of another size is refused with the shapes in the message.
        using var scope = torch.NewDisposeScope();
        statics.CopyFrom(task.MakeBatch(fit[..16]));
        var e = Assert.Throws<ArgumentException>(() => statics.CopyFrom(task.MakeBatch(fit[..5])));
        Assert.Contains("[5, 9, 8]", e.Message);
    }

    /// <summary>A LesaTask whose static batch multiplies the loss by NaN from the <paramref name="nanAt"/>-th copy on (set at
    /// copy time, outside the captured step, so a replay sees it).</summary>
    private sealed class NanAfter(LesaTask inner, int nanAt) : IGraphableTask<LesaBatch>, IFixedHoldOut
    {
        public ITrainableModel Model => inner.Model;
        public int TrainingExamples => inner.TrainingExamples;
        public LesaBatch MakeBatch(int[] indices) => inner.MakeBatch(indices);
        public Tensor Loss(LesaBatch batch) => inner.Loss(batch);
        public IReadOnlyDictionary<string, double> Evaluate(int[] indices) => inner.Evaluate(indices);
        public IReadOnlyDictionary<string, double> EvaluateTest() => inner.EvaluateTest();
        public IDatasetFingerprint? Dataset => inner.Dataset;
        public HoldOutSplit HoldOut => inner.HoldOut;
        public IStaticBatch<LesaBatch> CreateStaticBatch(int batchSize, int[] fitIndices) =>
            new Static(inner.CreateStaticBatch(batchSize, fitIndices), nanAt);

        private sealed class Static(IStaticBatch<LesaBatch> s, int nanAt) : IStaticBatch<LesaBatch>
        {
            private readonly Tensor _scale = torch.ones([]).DetachFromDisposeScope();
            private int _copies;

            public void CopyFrom(LesaBatch batch)
            {
                s.CopyFrom(batch);
                if (++_copies == nanAt) using (torch.no_grad()) _scale.fill_(double.NaN);
            }

            public Tensor Loss() => s.Loss() * _scale;

            public void Dispose()
            {
                _scale.Dispose();
                s.Dispose();
            }
        }
    }

    [Fact]
    public void A_nan_loss_in_a_replay_stops_training_and_leaves_no_graph_tensors_alive()
    {
        var c = Config(epochs: 2);
        var run = Train(c, EagerReplayStepGraphs.Instance, task => new NanAfter(task, nanAt: 6));
        Assert.Equal(StopReason.NonFiniteLoss, run.Result.Stop);
        Assert.Contains("step 6", run.Result.Message);
        Assert.Equal(5, run.Result.StepLosses.Count);
        Assert.Equal(1, run.Counts!.Captures);
        Assert.Equal(0, run.LiveChange);                  // stopped in epoch 1: no snapshot, no static buffers, no graph loss
    }

    /// <summary>Cancels its source once the first epoch has finished (Fit sees it at the next epoch start).</summary>
    private sealed class CancelAfterFirstEpoch(CancellationTokenSource cts) : ITrainingProgress
    {
        public void OnStart(int startEpoch, int epochs, int stepsPerEpoch) { }
        public void OnStep(int epoch, int step, double loss) { }
        public void OnEpoch(EpochRecord record, string selectionMetric) => cts.Cancel();
        public void OnMessage(string message) { }
    }

    [Fact]
    public void Cancellation_after_a_captured_epoch_leaves_no_graph_tensors_alive()
    {
        using var cts = new CancellationTokenSource();
        var run = Train(Config(epochs: 3), EagerReplayStepGraphs.Instance, progress: new CancelAfterFirstEpoch(cts), cancel: cts.Token);
        Assert.Equal("cancelled", run.Result.Message);
        Assert.Equal(new GraphStepCounts("eager-replay", 3, 1, 3, 1), run.Counts);
        Assert.Equal(run.StateTensors, run.LiveChange);   // the task's last-epoch snapshot only
    }

    [Fact]
    public void Cuda_graph_is_refused_on_the_cpu_at_trainer_construction()
    {
        var c = Config();
        c = c with { Training = c.TrainingOrDefault with { CudaGraph = true } };
        var (bench, cache) = LesaExperiment.Benchmark(c);
        torch.manual_seed(0);
        var model = LesaExperiment.CreateModel(c, bench);
        using var task = new LesaTask(model, bench, cache, 16);
        using var opt = Optimizers.Create(c.OptimizerOrDefault, model.Module.parameters());
        var e = Assert.Throws<ArgumentException>(() => new Trainer<LesaBatch>(task, opt, c));
        Assert.Contains("training.cudaGraph", e.Message);
        Assert.Contains("'cpu'", e.Message);
    }

    [Fact]
    public void Graph_steps_refuse_adam_whose_bias_correction_needs_the_host_step_count()
    {
        var c = Config() with { Optimizer = new OptimizerConfig("adam", Lr: 0.01) };
        var (bench, cache) = LesaExperiment.Benchmark(c);
        torch.manual_seed(0);
        var model = LesaExperiment.CreateModel(c, bench);
        using var task = new LesaTask(model, bench, cache, 16);
        using var opt = Optimizers.Create(c.OptimizerOrDefault, model.Module.parameters());
        var e = Assert.Throws<ArgumentException>(() => new Trainer<LesaBatch>(task, opt, c) { GraphBackend = EagerReplayStepGraphs.Instance });
        Assert.Contains("Adam's bias correction uses the step count on the host", e.Message);
        using var rms = Optimizers.Create(c.OptimizerOrDefault with { Name = "rmsprop-tf" }, model.Module.parameters());
        Assert.NotNull(new Trainer<LesaBatch>(task, rms, c) { GraphBackend = EagerReplayStepGraphs.Instance }.GraphBackend);
    }

    [Fact]
    public void Cuda_graph_off_keeps_the_config_hash_and_on_changes_it()
    {
        var c = Config();
        var on = c with { Training = c.TrainingOrDefault with { CudaGraph = true } };
        Assert.DoesNotContain("cudaGraph", ConfigJson.Canonical(c));
        Assert.Contains("\"cudaGraph\":true", ConfigJson.Canonical(on));
        Assert.NotEqual(ConfigJson.Hash(c), ConfigJson.Hash(on));
        Assert.Contains("\"cudaGraph\": false", ConfigJson.Serialize(c));   // written out, so --set training.cudaGraph=true works
        Assert.True(ConfigJson.ApplyOverrides(c, ["training.cudaGraph=true"]).TrainingOrDefault.CudaGraph);
    }

    [Fact]
    [Trait("Category", "GPU")]
    public void Cuda_graph_steps_give_the_losses_of_eager_steps_on_a_gpu()
    {
        Skip.IfNot(torch.cuda.is_available() && torch.cuda.graphs_available(), "needs a CUDA GPU with graph support");
        var c = Config(epochs: 2, device: "cuda");
        var off = Train(c, backend: null);
        var on = Train(c with { Training = c.TrainingOrDefault with { CudaGraph = true } }, backend: null);
        AssertClose(off.Result.StepLosses, on.Result.StepLosses, 1e-4);
        Assert.Equal(new GraphStepCounts("cuda", 3, 1, 9, 2), on.Counts);
        Assert.Equal(off.LiveChange, on.LiveChange);
    }
}
