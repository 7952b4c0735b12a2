// Trainer.cs - the model-agnostic training loop: seeded hold-out validation from the training split, epochs of shuffled
// mini-batches, gradient clipping, model selection and early stopping on validation (never test), epoch-level learning
// rate schedules, NaN/Inf stop with the last good parameters kept, and atomic resumable checkpoints. Deterministic on CPU
// for a fixed seed: batch order comes from TrainRng and torch's generator is reseeded at every epoch start. Optional
// bf16 autocast (training.bf16Autocast) around forward + loss and validation. Optional CUDA-graph steps
// (training.cudaGraph): full-size batches replay one captured step (GraphSteps.cs). Optional TF32 matmuls (training.tf32)
// for the whole fit.
using System.Globalization;
using ZslKit.Experiments.Checkpoints;
using ZslKit.Experiments.Config;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Experiments.Training;

/// <summary>Why training ended.</summary>
public enum StopReason { Completed, EarlyStopped, NonFiniteLoss }

/// <summary>The outcome of <see cref="Trainer{TBatch}.Fit"/>.</summary>
/// <param name="History">Every finished epoch (including those before a resume).</param>
/// <param name="BestEpoch">The epoch whose parameters the model holds at the end (selected on validation; -1 if none).</param>
/// <param name="FirstStep">Global index of the first step run by this call (non-zero after a resume).</param>
/// <param name="StepLosses">The loss of every step run by this call, in order.</param>
public sealed record TrainResult(IReadOnlyList<EpochRecord> History, int BestEpoch, double? BestMetric, StopReason Stop, string? Message,
    long FirstStep, IReadOnlyList<double> StepLosses)
{
    /// <summary>Validation metrics of the selected epoch (empty when nothing was selected).</summary>
    public IReadOnlyDictionary<string, double> BestValidation =>
        History.FirstOrDefault(h => h.Epoch == BestEpoch)?.Validation ?? new Dictionary<string, double>();
}

/// <summary>Trains one <see cref="ITrainingTask{TBatch}"/> with one optimiser under one <see cref="ExperimentConfig"/>.</summary>
public sealed class Trainer<TBatch>
{
    private readonly ITrainingTask<TBatch> _task;
    private readonly ITrainerOptimizer _optimizer;
    private readonly ExperimentConfig _config;
    private readonly TrainingConfig _t;
    private readonly ITrainingProgress _progress;

    public Trainer(ITrainingTask<TBatch> task, ITrainerOptimizer optimizer, ExperimentConfig config, ITrainingProgress? progress = null)
    {
        _task = task ?? throw new ArgumentNullException(nameof(task));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();
        _t = _config.TrainingOrDefault;
        _progress = progress ?? NullProgress.Instance;
        _device = torch.device(_config.Device);
        if (_t.Bf16Autocast && _config.DType != "float32")
            throw new ArgumentException($"training.bf16Autocast needs dtype float32 (autocast leaves {_config.DType} ops alone); " +
                $"the config has dtype '{_config.DType}'", nameof(config));
        if (_t.CudaGraph)
        {
            if (_device.type != DeviceType.CUDA)
                throw new ArgumentException($"training.cudaGraph captures CUDA graphs and needs a CUDA device; the config has device '{_config.Device}'",
                    nameof(config));
            if (task is not IGraphableTask<TBatch>)
                throw new ArgumentException($"training.cudaGraph: the task {task.GetType().Name} cannot run from static buffers " +
                    $"(it does not implement IGraphableTask<{typeof(TBatch).Name}>)", nameof(config));
            CheckGraphOptimizer(optimizer);
        }
    }

    /// <summary>Graph steps replay the optimiser step with the host step count of the capture: Adam's bias correction
    /// 1/(1−βᵗ) would stay frozen, so Adam and AdamW are refused (SGD and RMSprop use the count only to spot their first
    /// step, which is a warm-up step).</summary>
    private static void CheckGraphOptimizer(ITrainerOptimizer optimizer)
    {
        if (optimizer is TorchOptimizer { Optimizer: ZslKit.Torch.Optim.Adam adam })
            throw new ArgumentException($"training.cudaGraph: {adam.Name}'s bias correction uses the step count on the host, which a graph " +
                "replay cannot advance; use sgd, rmsprop or rmsprop-tf with graph steps", nameof(optimizer));
    }

    /// <summary>The step graph backend: null runs every step eagerly unless training.cudaGraph is on (then CUDA graphs).
    /// Setting it turns graph steps on whatever the config says (tests use <see cref="EagerReplayStepGraphs"/> on the CPU);
    /// the task must then be an <see cref="IGraphableTask{TBatch}"/>.</summary>
    public IStepGraphBackend? GraphBackend
    {
        get => _graphBackend ?? (_t.CudaGraph ? CudaStepGraphs.Instance : null);
        init
        {
            if (value is not null && _task is not IGraphableTask<TBatch>)
                throw new ArgumentException($"graph steps: the task {_task.GetType().Name} does not implement IGraphableTask<{typeof(TBatch).Name}>", nameof(value));
            if (value is not null) CheckGraphOptimizer(_optimizer);
            _graphBackend = value;
        }
    }
    private readonly IStepGraphBackend? _graphBackend;

    /// <summary>What the graph machinery did in the latest <see cref="Fit"/> (null when graph steps were off).</summary>
    public GraphStepCounts? GraphCounts { get; private set; }

    private readonly torch.Device _device;

    /// <summary>How many training batches ahead a worker thread prepares their host side (<see cref="IPrefetchableTask{TBatch}"/>
    /// tasks only; default 2). 0 makes every batch on the training thread when its step starts. Batch order and values do
    /// not depend on it, so neither does the loss trajectory on the CPU.</summary>
    public int PrefetchDepth
    {
        get => _prefetchDepth;
        init { ArgumentOutOfRangeException.ThrowIfNegative(value); _prefetchDepth = value; }
    }
    private readonly int _prefetchDepth = 2;

    /// <summary>With training.bf16Autocast: a bfloat16 autocast scope on the run's device type (CUDA; on CPU it is
    /// "CPU bf16 autocast", slow on most CPUs, for testing), else null. The trainer opens it around each step's forward +
    /// loss and around validation; the backward pass and the optimiser step run outside, and parameters stay float32.
    /// Code that evaluates the trained task outside <see cref="Fit"/> (test metrics) opens it the same way.</summary>
    public AutocastScope? OpenAutocast() => _t.Bf16Autocast ? torch.autocast(_device.type, torch.bfloat16) : null;

    /// <summary>With training.tf32: the float32 matmul precision "high" (TF32 on CUDA) until disposed, then the previous
    /// one; else null. <see cref="Fit"/> holds it for the whole fit; code that evaluates the trained task outside Fit
    /// (test metrics) opens it the same way. The precision is process-wide, as in PyTorch.</summary>
    public IDisposable? OpenTf32() => _t.Tf32 ? torch.float32_matmul_precision_scope("high") : null;

    /// <summary>The key a checkpoint must match to be resumed: the config hash with training.epochs left out
    /// (so a run can be resumed with more epochs).</summary>
    public static string ResumeKey(ExperimentConfig config) =>
        ConfigJson.Hash(config.Normalized() with { Training = config.TrainingOrDefault with { Epochs = 0 } });

    /// <summary>The hold-out split used by this trainer.</summary>
    public HoldOutSplit Split => _split ??= _task is IFixedHoldOut f ? f.HoldOut
        : HoldOutSplit.Create(_task.TrainingExamples, _t.ValidationFraction, _config.Seed);
    private HoldOutSplit? _split;

    /// <summary>Trains; with <paramref name="checkpointFolder"/> writes checkpoints there, and with <paramref name="resume"/>
    /// continues from the newest complete one (or starts afresh when there is none).</summary>
    public TrainResult Fit(string? checkpointFolder = null, bool resume = false, CancellationToken cancellation = default)
    {
        using var tf32 = OpenTf32();
        var parameters = _task.Model.NamedParameters();
        if (parameters.Count == 0) throw new ArgumentException("the model has no parameters to train", nameof(_task));
        var split = Split;
        var schedule = new LrSchedule(_config.ScheduleOrDefault, _config.OptimizerOrDefault.Lr, _t.Maximize);
        var rng = TrainRng.FromSeed(_config.Seed, stream: 0xBA7C);
        var history = new List<EpochRecord>();
        int startEpoch = 0, bestEpoch = -1;
        long step = 0;
        double? bestMetric = null;
        Dictionary<string, Tensor>? best = null;
        var resumeKey = ResumeKey(_config);

        if (resume)
        {
            if (checkpointFolder is null) throw new ArgumentException("resume needs a checkpoint folder", nameof(checkpointFolder));
            var ckpt = Checkpoint.LoadLatest(checkpointFolder);
            if (ckpt is null) _progress.OnMessage($"resume: no complete checkpoint in {checkpointFolder}; starting from epoch 1");
            else
            {
                var s = ckpt.State;
                if (s.ConfigHash != resumeKey)
                    throw new InvalidOperationException($"resume: the checkpoint in {checkpointFolder} (epoch {s.Epoch}) was written for config " +
                        $"{s.ConfigHash}, not this config ({resumeKey}); only training.epochs may differ");
                LoadParameters(parameters, ckpt.Section(Checkpoint.ModelPrefix), "model");
                _optimizer.LoadStateDict(new OptimizerState(ckpt.Section(Checkpoint.OptimPrefix), s.OptimizerScalars));
                schedule.Load(s.Schedule, s.Epoch);
                _optimizer.LearningRate = s.Schedule.LearningRate;
                rng = TrainRng.Load(s.Rng);
                history.AddRange(s.History);
                (startEpoch, step, bestEpoch, bestMetric) = (s.Epoch, s.Step, s.BestEpoch, s.BestMetric);
                var bestData = ckpt.Section(Checkpoint.BestPrefix);
                if (bestData.Count > 0) best = bestData.ToDictionary(kv => kv.Key, kv => torch.from_data(kv.Value).DetachFromDisposeScope());
            }
        }
        else _optimizer.LearningRate = schedule.LearningRate;

        int stepsPerEpoch = (split.Fit.Length + _t.BatchSize - 1) / _t.BatchSize;
        _progress.OnStart(startEpoch, _t.Epochs, stepsPerEpoch);
        var lastGood = Snapshot(parameters);
        var stepLosses = new List<double>();
        long firstStep = step;
        var stop = StopReason.Completed;
        string? message = null;
        GraphCounts = null;
        var graphs = CreateGraphSteps(split, parameters);   // null: every step eager

        try
        {
            for (int epoch = startEpoch; epoch < _t.Epochs; epoch++)
            {
                cancellation.ThrowIfCancellationRequested();
                var started = DateTime.UtcNow;
                torch.manual_seed(TrainRng.DeriveSeed(_config.Seed, epoch));
                var order = (int[])split.Fit.Clone();
                rng.Shuffle(order);
                var slices = BatchPrefetcher.Slice(order, _t.BatchSize);   // stepsPerEpoch batches of indices, in step order
                using var prefetch = StartPrefetch(slices, epoch);         // null: batches are made on this thread
                _task.Model.SetTraining(true);
                double lossSum = 0;
                int batches = 0;
                using var terms = new TermSums();   // the loss terms of eager steps, summed on the device, read once per epoch
                // Step losses stay on the device and are read back LossReadInterval at a time (one host sync per read):
                // a non-finite loss is found at the next read, then the parameters are restored as below.
                var pending = new List<(Tensor Loss, int Batch)>();
                try
                {
                    for (int b = 0; b < stepsPerEpoch; b++)
                    {
                        var indices = slices[b];
                        using (torch.NewDisposeScope())
                        {
                            var batch = MakeBatch(prefetch, b, indices);
                            try
                            {
                                Tensor loss;
                                if (graphs is not null && indices.Length == _t.BatchSize) loss = graphs.Step(batch);
                                else
                                {
                                    if (_task is ILossTermsTask<TBatch> termed)
                                    {
                                        IReadOnlyList<KeyValuePair<string, Tensor>>? stepTerms = null;
                                        loss = RunStep(() => { var b = termed.LossBreakdown(batch); stepTerms = b.Terms; return b.Total; }, parameters);
                                        terms.Add(stepTerms!);
                                    }
                                    else loss = RunStep(() => _task.Loss(batch), parameters);
                                    graphs?.CountEager();
                                }
                                using (torch.no_grad()) pending.Add((loss.detach().DetachFromDisposeScope(), b));
                            }
                            finally { (batch as IDisposable)?.Dispose(); }
                        }
                        if (pending.Count < LossReadInterval && b < stepsPerEpoch - 1) continue;
                        var values = ReadLosses(pending);
                        for (int i = 0; i < values.Length; i++)
                        {
                            var (value, at) = (values[i], pending[i].Batch);
                            if (!double.IsFinite(value))
                            {
                                Restore(parameters, lastGood);
                                stop = StopReason.NonFiniteLoss;
                                var restored = epoch == startEpoch && startEpoch == 0 ? "parameters restored to their initial values"
                                    : $"parameters restored to the end of epoch {epoch}";
                                var saved = checkpointFolder is not null && Checkpoint.List(checkpointFolder).Count > 0 ? $"; last checkpoint in {checkpointFolder}" : "";
                                message = string.Create(CultureInfo.InvariantCulture,
                                    $"training stopped: the loss is {value} at epoch {epoch + 1}, step {at + 1} (global step {step + 1}); {restored}{saved}");
                                _progress.OnMessage(message);
                                return new TrainResult(history, bestEpoch, bestMetric, stop, message, firstStep, stepLosses);
                            }
                            stepLosses.Add(value);
                            lossSum += value;
                            batches++;
                            step++;
                            _progress.OnStep(epoch, at, value);
                        }
                        DisposeLosses(pending);
                    }
                }
                finally { DisposeLosses(pending); }
                var lossTerms = terms.Means(batches);

                var validation = Validate(split.Validation);
                var lrUsed = _optimizer.LearningRate;
                double? metric = null;
                if (split.Validation.Length > 0)
                {
                    if (!validation.TryGetValue(_t.SelectionMetric, out var m))
                        throw new InvalidOperationException($"training.selectionMetric '{_t.SelectionMetric}' is not among the validation metrics " +
                            $"({string.Join(", ", validation.Keys)})");
                    metric = m;
                    if (double.IsFinite(m) && (bestMetric is null || (_t.Maximize ? m > bestMetric : m < bestMetric)))
                    {
                        bestMetric = m;
                        bestEpoch = epoch;
                        Dispose(best);
                        best = Snapshot(parameters);
                    }
                }
                else bestEpoch = epoch; // no validation: nothing to select on, keep the last epoch
                _optimizer.LearningRate = schedule.OnEpochEnd(metric);
                var record = new EpochRecord(epoch, batches > 0 ? lossSum / batches : double.NaN, lrUsed, validation, (DateTime.UtcNow - started).TotalSeconds,
                    lossTerms);
                history.Add(record);
                _progress.OnEpoch(record, _t.SelectionMetric);
                Dispose(lastGood);
                lastGood = Snapshot(parameters);

                bool earlyStop = _t.Patience > 0 && split.Validation.Length > 0 && epoch - bestEpoch >= _t.Patience;
                bool lastEpoch = epoch == _t.Epochs - 1 || earlyStop;
                if (checkpointFolder is not null && ((_t.CheckpointEvery > 0 && (epoch + 1) % _t.CheckpointEvery == 0) || lastEpoch))
                    SaveCheckpoint(checkpointFolder, parameters, best, epoch + 1, step, rng, schedule, bestEpoch, bestMetric, history, resumeKey);
                if (earlyStop)
                {
                    stop = StopReason.EarlyStopped;
                    message = $"early stop after epoch {epoch + 1}: no better validation {_t.SelectionMetric} for {_t.Patience} epochs (best: epoch {bestEpoch + 1})";
                    _progress.OnMessage(message);
                    break;
                }
            }
            if (best is not null && bestEpoch >= 0) Restore(parameters, best);
            return new TrainResult(history, bestEpoch, bestMetric, stop, message, firstStep, stepLosses);
        }
        finally
        {
            if (graphs is not null)
            {
                GraphCounts = graphs.Counts;
                graphs.Dispose();
            }
            Dispose(lastGood);
            Dispose(best);
        }
    }

    /// <summary>One eager training step: zero_grad, the loss (forward + loss under bf16 autocast when on), backward,
    /// gradient clipping when configured, optimiser step. Returns the loss (with history, in the current dispose scope).</summary>
    private Tensor RunStep(Func<Tensor> computeLoss, IReadOnlyList<KeyValuePair<string, Tensor>> parameters)
    {
        _optimizer.ZeroGrad();
        Tensor loss;
        using (OpenAutocast()) loss = computeLoss();   // forward + loss only (bf16 autocast)
        CheckScalar(loss, "loss");
        loss.backward();
        if (_t.ClipGradNorm is { } clip) GradClip.ClipGradNorm(parameters.Select(p => p.Value), clip);
        _optimizer.Step();
        return loss;
    }

    /// <summary>The graph step machinery over the fit split when graph steps are on, else null.</summary>
    private GraphSteps<TBatch>? CreateGraphSteps(HoldOutSplit split, IReadOnlyList<KeyValuePair<string, Tensor>> parameters)
    {
        if (GraphBackend is not { } backend) return null;
        var task = (IGraphableTask<TBatch>)_task;
        var staticBatch = task.CreateStaticBatch(_t.BatchSize, split.Fit);
        try
        {
            return new GraphSteps<TBatch>(staticBatch, backend, _device, s => RunStep(s.Loss, parameters), () => _optimizer.LearningRate);
        }
        catch
        {
            staticBatch.Dispose();
            throw;
        }
    }

    /// <summary>A worker preparing this epoch's batches when the task can split them and prefetch is on, else null. Fit's
    /// cancellation token is not passed on: as without prefetch, cancellation takes effect at the next epoch start.</summary>
    private BatchPrefetcher? StartPrefetch(int[][] batches, int epoch) =>
        _prefetchDepth > 0 && _task is IPrefetchableTask<TBatch> p
            ? new BatchPrefetcher(p.MakeHostBatch, batches, _prefetchDepth, $"epoch {epoch + 1}")
            : null;

    /// <summary>Training batch <paramref name="b"/>: from the prefetch worker's host side, or made here.</summary>
    private TBatch MakeBatch(BatchPrefetcher? prefetch, int b, int[] indices) =>
        prefetch is null ? _task.MakeBatch(indices) : ((IPrefetchableTask<TBatch>)_task).MakeBatch(prefetch.Next(b, indices));

    /// <summary>Validation loss (batch-size weighted mean of the task loss) plus the task's own metrics, on held-out training examples.</summary>
    private Dictionary<string, double> Validate(int[] indices)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (indices.Length == 0) return result;
        _task.Model.SetTraining(false);
        try
        {
            using var noGrad = torch.no_grad();
            using var autocast = OpenAutocast();
            // The batch-size weighted sum stays on the device: one host read per validation pass.
            using var scope = torch.NewDisposeScope();
            Tensor? sum = null;
            foreach (var part in BatchPrefetcher.Slice(indices, _t.BatchSize))
            {
                var batch = _task.MakeBatch(part);
                try
                {
                    var loss = _task.Loss(batch);
                    CheckScalar(loss, "validation loss");
                    var weighted = loss.detach().to(ScalarType.Float64).reshape([]) * part.Length;   // [] on the device
                    sum = sum is null ? weighted : sum + weighted;
                }
                finally { (batch as IDisposable)?.Dispose(); }
            }
            foreach (var (k, v) in _task.Evaluate(indices)) result[k] = v;
            result.TryAdd("loss", sum!.item<double>() / indices.Length);
        }
        finally { _task.Model.SetTraining(true); }
        return result;
    }

    /// <summary>Training steps whose losses are read back to the host together (plus the last step of every epoch). On
    /// CUDA each read waits for the GPU; the NaN/Inf stop and the progress bar see a step's loss at its read.</summary>
    public const int LossReadInterval = 16;

    private static void CheckScalar(Tensor loss, string what)
    {
        if (loss is null) throw new InvalidOperationException($"the task returned no {what} tensor");
        if (loss.numel() != 1) throw new InvalidOperationException($"the task's {what} has shape [{string.Join(", ", loss.shape)}]; a scalar is required");
    }

    /// <summary>The pending step losses as doubles, in one host read.</summary>
    private static double[] ReadLosses(List<(Tensor Loss, int Batch)> pending)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var losses = pending.Select(p => p.Loss.to(ScalarType.Float64).reshape([])).ToList();   // each [] on the device
        return torch.stack(losses).ToArray<double>();                                          // [n] -> host
    }

    /// <summary>Per-term sums of an epoch's eager steps, kept on the device (float64) so that no step reads the host.</summary>
    private sealed class TermSums : IDisposable
    {
        private readonly List<KeyValuePair<string, Tensor>> _sums = [];
        private int _steps;

        /// <summary>Adds one step's terms (same names in the same order every step).</summary>
        public void Add(IReadOnlyList<KeyValuePair<string, Tensor>> terms)
        {
            using var noGrad = torch.no_grad();
            if (_steps > 0 && (terms.Count != _sums.Count || terms.Where((t, i) => t.Key != _sums[i].Key).Any()))
                throw new InvalidOperationException($"the task's loss terms changed between steps: [{string.Join(", ", _sums.Select(s => s.Key))}] " +
                    $"then [{string.Join(", ", terms.Select(t => t.Key))}]");
            for (int i = 0; i < terms.Count; i++)
            {
                CheckScalar(terms[i].Value, $"loss term '{terms[i].Key}'");
                using var v = terms[i].Value.detach().to(ScalarType.Float64).reshape([]);       // [] or [1] -> [] (a scalar)
                if (_steps == 0) _sums.Add(new(terms[i].Key, v.clone().DetachFromDisposeScope()));
                else _sums[i].Value.add_(v);
            }
            _steps++;
        }

        /// <summary>The mean of each term over the epoch (one host read), or null when not every one of the epoch's
        /// <paramref name="steps"/> steps added its terms (CUDA-graph replays do not) or there were none.</summary>
        public IReadOnlyDictionary<string, double>? Means(int steps)
        {
            if (_steps == 0 || _steps != steps) return null;
            using var scope = torch.NewDisposeScope();
            var values = torch.stack(_sums.Select(s => s.Value).ToList()).ToArray<double>();   // [T] -> host
            var means = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = 0; i < values.Length; i++) means[_sums[i].Key] = values[i] / _steps;
            return means;
        }

        public void Dispose()
        {
            foreach (var (_, t) in _sums) t.Dispose();
            _sums.Clear();
            _steps = 0;
        }
    }

    private static void DisposeLosses(List<(Tensor Loss, int Batch)> pending)
    {
        foreach (var (loss, _) in pending) loss.Dispose();
        pending.Clear();
    }

    private void SaveCheckpoint(string folder, IReadOnlyList<KeyValuePair<string, Tensor>> parameters, Dictionary<string, Tensor>? best,
        int epochsDone, long step, TrainRng rng, LrSchedule schedule, int bestEpoch, double? bestMetric, List<EpochRecord> history, string key)
    {
        var tensors = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (name, p) in parameters) tensors[Checkpoint.ModelPrefix + name] = ToData(p);
        var opt = _optimizer.StateDict();
        foreach (var (name, d) in opt.Tensors) tensors[Checkpoint.OptimPrefix + name] = d;
        if (best is not null) foreach (var (name, p) in best) tensors[Checkpoint.BestPrefix + name] = ToData(p);
        var state = new CheckpointState(Checkpoint.FormatVersion, key, epochsDone, step, rng.Save(),
            schedule.State with { Metrics = [.. schedule.State.Metrics] }, opt.Scalars, bestEpoch, bestMetric, [.. history], "", "");
        Checkpoint.Save(folder, state, tensors);
    }

    /// <summary>A parameter's values as a CPU record.</summary>
    public static TensorData ToData(Tensor p)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return p.detach().cpu().ToData();
    }

    private static Dictionary<string, Tensor> Snapshot(IReadOnlyList<KeyValuePair<string, Tensor>> parameters)
    {
        using var noGrad = torch.no_grad();
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in parameters)
        {
            using var d = p.detach();
            copy[name] = d.clone().DetachFromDisposeScope();
        }
        return copy;
    }

    private static void Restore(IReadOnlyList<KeyValuePair<string, Tensor>> parameters, Dictionary<string, Tensor> values)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in parameters)
            if (values.TryGetValue(name, out var v)) p.copy_(v);
    }

    /// <summary>Copies named values into the parameters (every parameter must be present with its shape).</summary>
    public static void LoadParameters(IReadOnlyList<KeyValuePair<string, Tensor>> parameters, IReadOnlyDictionary<string, TensorData> values, string what)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in parameters)
        {
            if (!values.TryGetValue(name, out var d))
                throw new InvalidOperationException($"{what}: parameter '{name}' is missing from the checkpoint (it has {string.Join(", ", values.Keys)})");
            if (!d.Shape.SequenceEqual(p.shape))
                throw new InvalidOperationException($"{what}: parameter '{name}' has shape [{string.Join(", ", d.Shape)}] in the checkpoint but [{string.Join(", ", p.shape)}] in the model");
            p.copy_(torch.from_data(d));
        }
    }

    private static void Dispose(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
    }
}
