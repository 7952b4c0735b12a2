// SelfTest.cs - the device checks of `zsl selftest` (and of the GPU-tagged xunit tests, which call the same methods):
// dtype-preserving moves cpu<->device, a LESA training step on the device equal to the CPU step, a clear error for a
// missing device, CUDA peak-memory statistics, pinned memory with non_blocking copies (the trainer's batch prefetch path),
// CUDA-graph training steps (a captured step and a Trainer fit with training.cudaGraph equal to eager ones), the image
// transform on the device equal to the host's bit for bit, and the live-tensor count back to its start. Runs from the published app
// (the GPU machine has no .NET SDK, so `dotnet test` cannot run there).
using System.Diagnostics;
using System.Text.Json;
using ZslKit.Data.Images;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Training;
using ZslKit.Losses;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>A failed self-test check (the message says what differed).</summary>
public sealed class SelfTestException(string message) : Exception(message);

/// <summary>The outcome of one check: status is "passed", "failed" or "skipped".</summary>
public sealed record SelfTestCheck(string Name, string Status, string Detail, double Seconds);

/// <summary>All checks of one run; <see cref="ExitCode"/> is 0 when none failed.</summary>
public sealed record SelfTestReport(string Schema, string Device, string LibTorch, int EngineAbi, string? Cuda, IReadOnlyList<SelfTestCheck> Checks)
{
    public const string CurrentSchema = "zslkit-selftest/1";
    public bool Passed => Checks.All(c => c.Status != "failed");
    public int ExitCode => Passed ? 0 : SelfTest.ExitFailed;

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}

/// <summary>The checks, individually callable (each returns a one-line detail or throws <see cref="SelfTestException"/>).</summary>
public static class SelfTest
{
    /// <summary>Exit code when a check failed.</summary>
    public const int ExitFailed = 1;

    /// <summary>Exit code when the requested device cannot be used at all (no check ran).</summary>
    public const int ExitDeviceUnavailable = 2;

    /// <summary>Every dtype the engine moves between devices.</summary>
    public static readonly ScalarType[] DTypes =
    [
        ScalarType.Byte, ScalarType.Int8, ScalarType.Int16, ScalarType.Int32, ScalarType.Int64,
        ScalarType.Float16, ScalarType.BFloat16, ScalarType.Float32, ScalarType.Float64, ScalarType.Bool,
    ];

    /// <summary>
    /// The message for a device that cannot be used, or null when it can: "cuda requested, but CUDA is not available (...)"
    /// / "... only N CUDA device(s) are present" (the caller puts its command in front).
    /// </summary>
    public static string? Unavailable(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CUDA) return null;
        if (!torch.cuda.is_available())
            return $"{device} requested, but CUDA is not available (torch.cuda.is_available() is false: libtorch " +
                   $"{torch.LibTorchVersion} has no CUDA support or no GPU/driver is present)";
        int count = torch.cuda.device_count();
        return device.index >= count ? $"{device} requested, but only {count} CUDA device(s) are present" : null;
    }

    /// <summary>Runs every check on <paramref name="device"/>; a check that throws is reported as failed, never propagated.</summary>
    public static SelfTestReport Run(torch.Device device, Action<SelfTestCheck>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var cuda = torch.cuda.runtime_version()?.ToString();
        var checks = new List<SelfTestCheck>();
        GC.Collect();                       // tensors of earlier work waiting for their finalizers must not move the baseline
        GC.WaitForPendingFinalizers();
        long liveAtStart = torch.LiveTensorCount;
        void Add(string name, Func<string?> check)
        {
            var sw = Stopwatch.StartNew();
            SelfTestCheck result;
            try
            {
                var detail = check();
                result = detail is null ? new(name, "skipped", "not applicable on " + device, sw.Elapsed.TotalSeconds)
                                        : new(name, "passed", detail, sw.Elapsed.TotalSeconds);
            }
            catch (Exception e)
            {
                result = new(name, "failed", $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" "), sw.Elapsed.TotalSeconds);
            }
            checks.Add(result);
            progress?.Invoke(result);
        }
        Add("device-moves", () => DeviceMoves(device));
        Add("mixed-devices-error", () => device.type == DeviceType.CUDA ? MixedDevicesError(device) : null);
        Add("lesa-step-parity", () => LesaStepParity(device));
        Add("training-step-host-reads", () => TrainingStepHostReads(device));
        Add("missing-device-error", () => MissingDeviceError());
        Add("peak-memory", () => PeakMemory(device));
        Add("pinned-copy", () => PinnedCopy(device));
        Add("image-transform", () => ImageTransformParity(device));
        Add("cuda-autocast", () => device.type == DeviceType.CUDA ? CudaAutocast(device) : null);
        Add("cuda-tf32", () => device.type == DeviceType.CUDA ? CudaTf32(device) : null);
        Add("cuda-graph-replay", () => device.type == DeviceType.CUDA ? CudaGraphReplay(device) : null);
        Add("cuda-graph-step", () => device.type == DeviceType.CUDA ? CudaGraphStep(device) : null);
        Add("cuda-graph-trainer", () => device.type == DeviceType.CUDA ? CudaGraphTrainer(device) : null);
        Add("cuda-graph-scores", () => device.type == DeviceType.CUDA ? CudaGraphScores(device) : null);
        Add("cuda-graph-eval", () => device.type == DeviceType.CUDA ? CudaGraphEval(device) : null);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Add("live-tensors", () => LiveTensors(liveAtStart));
        return new SelfTestReport(SelfTestReport.CurrentSchema, device.ToString(), torch.LibTorchVersion.ToString(), torch.NativeAbiVersion, cuda, checks);
    }

    /// <summary>Each dtype moved to the device and back keeps its dtype, device and values.</summary>
    public static string DeviceMoves(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var baseValues = torch.arange(-5, 7, dtype: ScalarType.Int64);                      // [12]: -5 .. 6
        foreach (var dtype in DTypes)
        {
            var x = dtype switch
            {
                ScalarType.Bool => baseValues.gt(0),
                ScalarType.Byte => (baseValues + 5).to(dtype),
                ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 => (baseValues.to(ScalarType.Float64) * 0.25).to(dtype),
                _ => baseValues.to(dtype),
            };
            var moved = x.to(device);
            if (moved.device.type != device.type) throw new SelfTestException($"{dtype}: to({device}) gave a tensor on {moved.device}");
            if (moved.dtype != dtype) throw new SelfTestException($"{dtype}: to({device}) changed the dtype to {moved.dtype}");
            var back = moved.cpu();
            if (back.device.type != DeviceType.CPU) throw new SelfTestException($"{dtype}: cpu() gave a tensor on {back.device}");
            var want = x.to(ScalarType.Float64).ToArray<double>();
            var got = back.to(ScalarType.Float64).ToArray<double>();
            if (!want.AsSpan().SequenceEqual(got))
                throw new SelfTestException($"{dtype}: values changed by the round trip cpu -> {device} -> cpu: [{string.Join(", ", want)}] -> [{string.Join(", ", got)}]");
        }
        return $"{DTypes.Length} dtypes moved cpu -> {device} -> cpu with values, dtype and device preserved";
    }

    /// <summary>An op mixing a device tensor and a CPU tensor raises a TorchException (not a crash).</summary>
    public static string MixedDevicesError(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones(3);
        var g = x.to(device);
        try
        {
            (g + x).Dispose();
        }
        catch (TorchException e)
        {
            return "mixing devices raised: " + e.Message.Split('\n')[0];
        }
        throw new SelfTestException($"adding a {device} tensor and a cpu tensor did not raise");
    }

    /// <summary>The small LESA configuration of the parity check (M 3, 3x3 regions, D 16, H 12, word dim 8).</summary>
    public static LesaConfig ParityConfig { get; } = new() { Modules = 3, FeatureDim = 16, AttentionHidden = 12, WordDim = 8, GridHeight = 3, GridWidth = 3 };

    /// <summary>
    /// Two LESA training steps (forward, objective, backward, TF-style RMSprop) on the device and on the CPU from the same
    /// initial weights and batch: both losses agree to |a-b| ≤ 1e-4·(1+|a|) and the parameters stay on the device.
    /// </summary>
    public static string LesaStepParity(torch.Device device)
    {
        var cfg = ParityConfig;
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var feats = torch.randn(4, cfg.RegionCount, cfg.FeatureDim);                    // [B, R, D]
        var vecs = torch.randn(10, cfg.WordDim);                                        // [C, dv]
        var y = torch.where(torch.rand(4, 10).lt(0.3), torch.ones(4, 10), -torch.ones(4, 10)); // [B, C] in {+1, -1}
        var cpuLosses = TrainTwoSteps(cfg, torch.CPU, feats, vecs, y);
        var devLosses = TrainTwoSteps(cfg, device, feats, vecs, y);
        for (int i = 0; i < 2; i++)
        {
            double a = cpuLosses[i], b = devLosses[i];
            if (!double.IsFinite(b) || Math.Abs(a - b) > 1e-4 * (1 + Math.Abs(a)))
                throw new SelfTestException($"step {i + 1}: loss on {device} = {b:R}, on cpu = {a:R}");
        }
        return $"losses cpu {cpuLosses[0]:F6}, {cpuLosses[1]:F6}; {device} {devLosses[0]:F6}, {devLosses[1]:F6}";
    }

    private static double[] TrainTwoSteps(LesaConfig cfg, torch.Device device, Tensor feats, Tensor vecs, Tensor y)
    {
        torch.manual_seed(11);                                                          // same initial weights on both devices
        using var model = new LesaModel(cfg);
        model.to(device);
        if (model.parameters().Any(p => p.device.type != device.type))
            throw new SelfTestException($"LesaModel.to({device}) left parameters elsewhere");
        using var opt = torch.optim.RMSprop(model.parameters(), lr: 1e-2, alpha: 0.9, eps: 1.0, momentum: 0.9, epsilonInsideSqrt: true);
        using var scope = torch.NewDisposeScope();
        var x = feats.to(device);
        var v = vecs.to(device);
        var t = y.to(device);
        var losses = new double[2];
        for (int i = 0; i < 2; i++)
        {
            using var step = torch.NewDisposeScope();
            opt.zero_grad();
            var loss = LesaObjective.Compute(model.forward(x, v), t, cfg).Total;
            loss.backward();
            opt.step();
            losses[i] = loss.item<float>();
        }
        return losses;
    }

    /// <summary>
    /// Three LESA training steps as the Trainer runs them (LesaTask batch, objective, backward, gradient clipping, TF-style
    /// RMSprop) on the device read nothing back to the host (<see cref="torch.HostReads"/> unchanged; on CUDA a read would
    /// make the CPU wait for the GPU every step); then one read of the three losses, all finite.
    /// </summary>
    public static string TrainingStepHostReads(torch.Device device)
    {
        var bench = new Data.Synthetic.MultiLabelBenchmark(
            Data.Synthetic.MultiLabelBenchmarkConfig.Quick with
            {
                TrainImages = 96, TestImages = 16, FeatureDim = 16, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, Seed = 3,
            },
            Data.Synthetic.LabelSemantics.StandIn(3, seen: 20, unseen: 5, dim: 8, clusters: 4));
        torch.manual_seed(5);
        using var model = LesaTable1.Create("lesa", bench, hidden: 12, seed: 5, modules: 3);
        using var task = new Experiments.Lesa.LesaTask(model, bench, cache: null, batchSize: 16, device.ToString());
        using var opt = Experiments.Training.Optimizers.Create(
            new Experiments.Config.OptimizerConfig("rmsprop-tf", Lr: 1e-2, Momentum: 0.9, Alpha: 0.9, Eps: 1.0), model.Module.parameters());
        var parameters = model.Module.parameters();
        using var scope = torch.NewDisposeScope();
        var losses = new List<Tensor>();
        long before = torch.HostReads;
        for (int step = 0; step < 3; step++)
        {
            opt.ZeroGrad();
            var loss = task.Loss(task.MakeBatch(Enumerable.Range(step * 16, 16).ToArray()));
            loss.backward();
            Experiments.Training.GradClip.ClipGradNorm(parameters, 1.0);
            opt.Step();
            losses.Add(loss.detach());
        }
        long reads = torch.HostReads - before;
        if (reads != 0) throw new SelfTestException($"3 training steps on {device} read values back to the host {reads} time(s); expected none");
        var values = torch.stack(losses).to(ScalarType.Float64).ToArray<double>();        // [3] -> host, the one read
        if (!values.All(double.IsFinite)) throw new SelfTestException($"non-finite losses on {device}: [{string.Join(", ", values)}]");
        return $"3 steps on {device} with no host read; losses {string.Join(", ", values.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}";
    }

    /// <summary>
    /// bfloat16 autocast on the device: inside `torch.autocast(cuda, bfloat16)` a matmul of device float32 tensors is
    /// bfloat16 and within 2e-2·(1+|a|) of the float32 CPU product, CPU tensors stay float32, the CPU scope stays off; after
    /// the scope the device matmul is float32 again.
    /// </summary>
    public static string CudaAutocast(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var a = (torch.arange(32, dtype: ScalarType.Float32) * 0.1).sin().reshape(4, 8);             // [4, 8]
        var b = (torch.arange(40, dtype: ScalarType.Float32) * 1.3).cos().reshape(8, 5);             // [8, 5]
        var (da, db) = (a.to(device), b.to(device));
        var reference = a.mm(b).ToArray<float>();                                                   // [4, 8] @ [8, 5] -> [4, 5]
        float[] got;
        using (torch.autocast(DeviceType.CUDA, torch.bfloat16))
        {
            if (!torch.is_autocast_enabled(DeviceType.CUDA) || torch.is_autocast_enabled(DeviceType.CPU))
                throw new SelfTestException("inside a CUDA autocast scope: CUDA autocast must be on and CPU autocast off");
            var product = da.mm(db);                                                                // [4, 8] @ [8, 5] -> [4, 5]
            if (product.dtype != ScalarType.BFloat16) throw new SelfTestException($"matmul under CUDA autocast is {product.dtype}, expected BFloat16");
            if (a.mm(b).dtype != ScalarType.Float32)                                                // [4, 5] on the CPU
                throw new SelfTestException("a CPU matmul under CUDA autocast left float32");
            got = product.to(ScalarType.Float32).cpu().ToArray<float>();
        }
        if (da.mm(db).dtype != ScalarType.Float32)                                                  // [4, 5] on the device
            throw new SelfTestException("the device matmul is not float32 after the scope");
        double worst = 0;
        for (int i = 0; i < got.Length; i++)
        {
            double d = Math.Abs(got[i] - reference[i]) / (1 + Math.Abs(reference[i]));
            if (d > 2e-2) throw new SelfTestException($"bf16 product [{i}] {got[i]} vs float32 {reference[i]}");
            worst = Math.Max(worst, d);
        }
        return $"bf16 matmul under CUDA autocast, float32 outside; max |Δ|/(1+|a|) {worst:g2} vs the float32 product";
    }

    /// <summary>
    /// TF32 matmuls (ABI 11): under torch.set_float32_matmul_precision("high") a [256, 256] @ [256, 256] float32 product on
    /// the device differs from the "highest" one (it ran on TF32 tensor cores) by at most 1e-2 of the product's largest
    /// magnitude, and the precision is "highest" again after the scope.
    /// </summary>
    public static string CudaTf32(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        if (torch.get_float32_matmul_precision() != "highest")
            throw new SelfTestException($"float32 matmul precision is '{torch.get_float32_matmul_precision()}' before the check, expected 'highest'");
        var a = (torch.arange(256 * 256, dtype: ScalarType.Float32) * 0.37).sin().reshape(256, 256).to(device);   // [256, 256]
        var b = (torch.arange(256 * 256, dtype: ScalarType.Float32) * 0.11).cos().reshape(256, 256).to(device);   // [256, 256]
        var exact = a.mm(b);                                                                        // [256, 256] @ [256, 256] -> [256, 256]
        Tensor tf32;
        using (torch.float32_matmul_precision_scope("high")) tf32 = a.mm(b);                       // [256, 256]
        if (torch.get_float32_matmul_precision() != "highest")
            throw new SelfTestException("the float32 matmul precision was not restored after the scope");
        float diff = (tf32 - exact).abs().max().item<float>(), size = exact.abs().max().item<float>();
        if (diff == 0) throw new SelfTestException("the TF32 product equals the float32 one: the matmul did not use TF32 tensor cores");
        if (diff > 1e-2f * size) throw new SelfTestException($"max |TF32 - float32| {diff} exceeds 1e-2 x max |product| {size}");
        return $"TF32 matmul differs from float32 by {diff / size:g2} of max |product| (TF32 rounding); precision restored";
    }

    /// <summary>
    /// CUDA graph semantics: capture runs nothing, each replay recomputes from the static input's current values, capture
    /// off the graph's stream, a second capture and a replay before capture are refused with a TorchException.
    /// </summary>
    public static string CudaGraphReplay(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([4], device: device);                                  // static input
        using var g = new torch.cuda.CUDAGraph(device.index);
        bool refusedOffStream = Throws(() => g.capture_begin());
        bool refusedEarlyReplay = Throws(() => g.replay());
        using (g.side_stream()) { _ = x * 2 + 1; }                                // warm-up on the graph's stream
        Tensor y;
        using (torch.cuda.graph(g)) y = x * 2 + 1;                                // recorded, not run
        g.replay();
        var first = y.cpu().ToArray<float>();
        x.fill_(5);
        g.replay();
        var second = y.cpu().ToArray<float>();
        bool refusedSecondCapture = Throws(() => { using (torch.cuda.graph(g)) _ = x + 2; });
        if (!first.All(v => v == 3) || !second.All(v => v == 11))
            throw new SelfTestException($"replays gave [{string.Join(", ", first)}] and [{string.Join(", ", second)}], expected all 3 then all 11");
        if (!refusedOffStream || !refusedEarlyReplay || !refusedSecondCapture)
            throw new SelfTestException($"misuse not refused: capture off the graph's stream {refusedOffStream}, replay before capture {refusedEarlyReplay}, second capture {refusedSecondCapture}");
        return "replays recompute from the static input (3, then 11 after x.fill_(5)); capture off-stream, early replay and a second capture refused";
    }

    private static bool Throws(Action action)
    {
        try { action(); return false; }
        catch (TorchException) { return true; }
    }

    /// <summary>
    /// LESA training steps replayed from a CUDA graph give the losses of the same steps run eagerly: two runs from the same
    /// seed, one with 5 eager steps, one with 2 eager warm-up steps, a capture (which runs nothing) and 3 replays; the 5
    /// losses agree to |a-b| ≤ 1e-4·(1+|a|).
    /// </summary>
    public static string CudaGraphStep(torch.Device device)
    {
        var settings = new BenchSettings("lesa-step", new LesaStepBench().Defaults,
            ["batch=8", "grid=3", "dim=16", "hidden=12", "modules=3", "labels=20", "word-dim=8", "positive-rate=0.2", "seed=7"]);
        using var scope = torch.NewDisposeScope();
        var eager = LesaStepBench.Losses(settings, device, bf16: false, steps: 5);
        using var work = new LesaStepBench.Workload(settings, device, bf16: false);
        var replayed = new List<float>();
        var (graph, loss) = work.Capture(warmup: 2, replayed);
        using (graph)
            for (int i = 0; i < 3; i++)
            {
                graph.replay();
                replayed.Add(loss.to(ScalarType.Float32).item<float>());
            }
        for (int i = 0; i < eager.Length; i++)
            if (Math.Abs(eager[i] - replayed[i]) > 1e-4 * (1 + Math.Abs(eager[i])))
                throw new SelfTestException($"step {i + 1}: eager loss {eager[i]:R}, graph run {replayed[i]:R} " +
                                            $"(eager [{string.Join(", ", eager)}], graph [{string.Join(", ", replayed)}])");
        return $"5 steps: 2 eager + 3 graph replays equal 5 eager steps (losses {string.Join(", ", replayed.Select(v => v.ToString("F5", System.Globalization.CultureInfo.InvariantCulture)))})";
    }

    /// <summary>
    /// A tiny LESA Trainer fit (2 epochs of 6 full batches of 16 and one of 6) with graph training steps gives the step losses
    /// of the same fit with eager steps, from the same seed, to |a-b| ≤ 1e-4·|a|. The graph steps run through
    /// <paramref name="backend"/> (null: CUDA graphs via training.cudaGraph; tests pass the eager-replay backend on the CPU).
    /// </summary>
    public static string CudaGraphTrainer(torch.Device device, IStepGraphBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var preset = new LesaPreset("selftest",
            MultiLabelBenchmarkConfig.Quick with { TrainImages = 120, TestImages = 60, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, FeatureDim = 8 },
            Hidden: 8, Modules: 2, new LesaTrainingOptions { Epochs = 2, BatchSize = 16, LearningRate = 0.05 }, Seeds: [0]);
        var config = LesaExperiment.Config(preset, "selftest", "lesa", seed: 0, dataDir: "/nonexistent-zslkit-data") with { Device = device.ToString() };
        var (eager, _) = FitLesa(config, null);
        var graphConfig = config with { Training = config.TrainingOrDefault with { CudaGraph = backend is null } };
        var (graphed, counts) = FitLesa(graphConfig, backend ?? CudaStepGraphs.Instance);
        if (counts is null || counts.Replays == 0) throw new SelfTestException($"the graph fit replayed no step ({counts})");
        if (eager.Count != graphed.Count) throw new SelfTestException($"{eager.Count} eager step losses, {graphed.Count} with graphs");
        for (int i = 0; i < eager.Count; i++)
            if (!(Math.Abs(eager[i] - graphed[i]) <= 1e-4 * Math.Abs(eager[i])))
                throw new SelfTestException($"step {i + 1}: eager loss {eager[i]:R}, graph fit {graphed[i]:R}");
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{eager.Count} steps ({counts.WarmupSteps} warm-up, {counts.Captures} capture, {counts.Replays} replays, {counts.EagerSteps} small eager) " +
            $"equal eager training; last loss {graphed[^1]:F5}");
    }

    /// <summary>Fits a LESA task of the config from its seed; the step losses and the graph counts (null when eager).</summary>
    private static (IReadOnlyList<double> Losses, GraphStepCounts? Counts) FitLesa(ExperimentConfig config, IStepGraphBackend? backend)
    {
        var (bench, cache) = LesaExperiment.Benchmark(config);
        torch.manual_seed(config.Seed);
        var model = LesaExperiment.CreateModel(config, bench);
        using var task = new LesaTask(model, bench, cache, config.TrainingOrDefault.BatchSize, config.Device);
        using var opt = Optimizers.Create(config.OptimizerOrDefault, model.Module.parameters());
        var trainer = new Trainer<LesaBatch>(task, opt, config) { GraphBackend = backend };
        var result = trainer.Fit();
        return (result.StepLosses, trainer.GraphCounts);
    }

    /// <summary>
    /// LESA inference scores replayed from a CUDA graph (<see cref="LesaInferBench.CaptureScores"/>) equal eager scores, for
    /// two new sets of values copied into the captured input tensor: |a-b| ≤ 1e-5·(1+|a|).
    /// </summary>
    public static string CudaGraphScores(torch.Device device)
    {
        var s = new BenchSettings("lesa-infer", new LesaInferBench().Defaults, ["batch=4", "grid=3", "dim=16", "hidden=16", "modules=3", "labels=12", "word-dim=6"]);
        var cfg = LesaStepBench.Config(s);
        using var scope = torch.NewDisposeScope();
        using var model = LesaStepBench.Model(s, cfg, device);
        model.eval();
        using var noGrad = torch.no_grad();
        var theta = model.ScoringEmbedding(torch.randn([12, cfg.WordDim], device: device));          // [C, D]
        var x = torch.randn([4, cfg.RegionCount, cfg.FeatureDim], device: device);                  // [B, R, D], the static input
        var (graph, scores) = LesaInferBench.CaptureScores(model, x, theta, bf16: false, device);
        double worst = 0;
        using (graph)
            foreach (var seed in new[] { 1, 2 })
            {
                torch.manual_seed(seed);
                x.copy_(torch.randn([4, cfg.RegionCount, cfg.FeatureDim], device: device));          // new values, same tensor
                graph.replay();
                var eager = model.Scores(x, theta).cpu().ToArray<float>();
                var replayed = scores.cpu().ToArray<float>();
                for (int i = 0; i < eager.Length; i++)
                {
                    double d = Math.Abs(eager[i] - replayed[i]) / (1 + Math.Abs(eager[i]));
                    if (d > 1e-5) throw new SelfTestException($"input {seed}, score {i}: eager {eager[i]:R}, graph replay {replayed[i]:R}");
                    worst = Math.Max(worst, d);
                }
            }
        return $"2 inputs x {scores.shape[0]}x{scores.shape[1]} scores: graph replays equal eager scoring (max |Δ|/(1+|a|) {worst:g2})";
    }

    /// <summary>Image sizes (width, height) of <see cref="ImageTransformParity"/>: shrinking wide and tall, a large ratio,
    /// enlarging, a shorter side already at the resize size, images smaller than the crop (zero padding), and three of one
    /// size (transformed as one group on a GPU).</summary>
    internal static readonly (int Width, int Height)[] TransformSizes = [(97, 61), (53, 130), (400, 90), (31, 37), (48, 70), (20, 44), (12, 9), (97, 61), (97, 61)];

    /// <summary>
    /// <see cref="DeviceImageTransform"/> on <paramref name="device"/> equals <see cref="ImagePreprocessing.Apply"/> on the
    /// host bit for bit (Resize 48, CenterCrop 40), for random pixels of every size in <see cref="TransformSizes"/>.
    /// </summary>
    public static string ImageTransformParity(torch.Device device)
    {
        var preprocessing = new ImagePreprocessing(Resize: 48, Crop: 40);
        var random = new Random(0);
        var images = TransformSizes.Select(size =>
        {
            var pixels = new byte[size.Width * size.Height * 3];
            random.NextBytes(pixels);
            return new RgbImage(size.Width, size.Height, pixels);
        }).ToList();
        using var transform = new DeviceImageTransform(preprocessing, device);
        using var batch = transform.Batch(images);                                                  // (N, 3, 40, 40)
        var got = batch.cpu().ToArray<float>();
        int per = 3 * preprocessing.Crop * preprocessing.Crop;
        for (int i = 0; i < images.Count; i++)
        {
            var want = preprocessing.Apply(images[i]);
            for (int j = 0; j < per; j++)
                if (BitConverter.SingleToInt32Bits(want[j]) != BitConverter.SingleToInt32Bits(got[i * per + j]))
                    throw new SelfTestException($"{images[i].Width}x{images[i].Height} image, element {j} (channel {j / (per / 3)}): " +
                        $"host {want[j]:R}, device {got[i * per + j]:R}");
        }
        return $"{images.Count} images ({string.Join(", ", TransformSizes.Select(s => $"{s.Width}x{s.Height}"))}) -> Resize 48, " +
               "CenterCrop 40, Normalize: device floats equal the host's bit for bit";
    }

    /// <summary>
    /// An evaluation pass through <see cref="LesaScorer"/> with scoring graphs (null: CUDA graphs; tests pass the eager-replay
    /// backend on the CPU) gives the eager pass's scores, |a-b| ≤ 1e-5·(1+|a|): a tiny LESA model over the 60 test images of a
    /// small synthetic benchmark, batches of 16 (3 replays after the capture, then a last batch of 12 scored eagerly).
    /// </summary>
    public static string CudaGraphEval(torch.Device device, IStepGraphBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var preset = new LesaPreset("selftest",
            MultiLabelBenchmarkConfig.Quick with { TrainImages = 40, TestImages = 60, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, FeatureDim = 8 },
            Hidden: 8, Modules: 2, new LesaTrainingOptions { Epochs = 1, BatchSize = 16 }, Seeds: [0]);
        var config = LesaExperiment.Config(preset, "selftest", "lesa", seed: 0, dataDir: "/nonexistent-zslkit-data") with { Device = device.ToString() };
        var (bench, _) = LesaExperiment.Benchmark(config);
        torch.manual_seed(0);
        using var model = LesaExperiment.CreateModel(config, bench);
        model.Module.to(device);
        using var scope = torch.NewDisposeScope();
        var vectors = LesaBatches.LabelVectors(bench).to(device);                                    // [L, dv]
        int n = bench.ImageCount(MultiLabelSplit.Test);
        float[] Pass(IStepGraphBackend? graphs, out LesaScoringCounts counts)
        {
            using var scorer = new LesaScorer(model, vectors, 16, bench.RegionCount, bench.FeatureDim, device, graphs);
            var scores = scorer.ScoreAll(Enumerable.Range(0, n).ToArray(), part => LesaBatches.Regions(bench, MultiLabelSplit.Test, part));   // [n, L]
            counts = scorer.Counts;
            return scores;
        }
        var eager = Pass(null, out _);
        var graphed = Pass(backend ?? CudaStepGraphs.Instance, out var counts);
        if (counts.Replays != 3 || counts.EagerBatches != 1) throw new SelfTestException($"expected 3 replays and 1 eager batch, got {counts}");
        double worst = 0;
        for (int i = 0; i < eager.Length; i++)
        {
            double d = Math.Abs(eager[i] - graphed[i]) / (1 + Math.Abs(eager[i]));
            if (d > 1e-5) throw new SelfTestException($"score {i}: eager {eager[i]:R}, graph {graphed[i]:R}");
            worst = Math.Max(worst, d);
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{n} test images x {eager.Length / n} labels in batches of 16: {counts.Replays} graph replays + {counts.EagerBatches} eager batch equal " +
            $"the eager pass (max |Δ|/(1+|a|) {worst:g2})");
    }

    /// <summary>A CUDA device that does not exist raises <see cref="CudaUnavailableException"/> naming it.</summary>
    public static string MissingDeviceError()
    {
        int count = torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        var missing = new torch.Device(DeviceType.CUDA, count);
        using var scope = torch.NewDisposeScope();
        try
        {
            torch.ones(2).to(missing);
        }
        catch (CudaUnavailableException e)
        {
            if (!e.Message.Contains(missing.ToString(), StringComparison.Ordinal))
                throw new SelfTestException($"the error for {missing} does not name it: {e.Message}");
            return $"{missing} raised CudaUnavailableException: {e.Message}";
        }
        throw new SelfTestException($"moving a tensor to the absent device {missing} did not raise");
    }

    /// <summary>CUDA: 4 MiB copied into pinned memory, non_blocking to the device (directly and through the trainer's
    /// HostBatch.ToDevice), doubled there, non_blocking back; after synchronize every value is right. CPU-only libtorch:
    /// pin_memory raises a TorchException naming CUDA. A CPU run on a CUDA machine: not applicable (null).</summary>
    public static string? PinnedCopy(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        const int N = 1 << 20;
        var values = new float[N];
        for (int i = 0; i < N; i++) values[i] = (i % 1000) * 0.5f - 250f;   // exact in float32, and after doubling
        var host = torch.tensor<float>(values.AsSpan(), [N]);
        if (device.type != DeviceType.CUDA)
        {
            if (torch.cuda.is_available()) return null;
            if (host.is_pinned()) throw new SelfTestException("is_pinned() is true without CUDA");
            try
            {
                host.pin_memory().Dispose();
            }
            catch (TorchException e)
            {
                return "without CUDA, pin_memory raised: " + e.Message;
            }
            throw new SelfTestException("pin_memory() did not raise without CUDA");
        }
        var pinned = host.pin_memory();
        if (!pinned.is_pinned()) throw new SelfTestException("pin_memory() gave a tensor that is not pinned");
        var direct = pinned.to(device, non_blocking: true);
        var viaBatch = new HostBatch([0], HostArray.Of(values, N)).ToDevice(0, device);
        var back = (direct * 2).to(torch.CPU, non_blocking: true);
        var backBatch = (viaBatch * 2).to(torch.CPU, non_blocking: true);
        torch.cuda.synchronize(device.index);
        foreach (var (name, t) in new[] { ("pin_memory + to(non_blocking)", back), ("HostBatch.ToDevice", backBatch) })
        {
            var got = t.ToArray<float>();
            for (int i = 0; i < N; i++)
                if (got[i] != 2 * values[i])
                    throw new SelfTestException($"{name}: element {i} is {got[i]} after cpu -> {device} -> x2 -> cpu, expected {2 * values[i]}");
        }
        return $"4 MiB pinned -> {device} -> x2 -> cpu with non_blocking copies: every value right after synchronize (direct and HostBatch.ToDevice)";
    }

    /// <summary>
    /// On CUDA: the peak-memory counter sees a 64 MiB allocation after a reset. Elsewhere: the peak-memory query raises
    /// <see cref="CudaUnavailableException"/> when CUDA is absent (skipped when CUDA exists but the device is the CPU).
    /// </summary>
    public static string? PeakMemory(torch.Device device)
    {
        if (device.type != DeviceType.CUDA)
        {
            if (torch.cuda.is_available()) return null;
            try
            {
                torch.cuda.max_memory_allocated();
            }
            catch (CudaUnavailableException e)
            {
                return "without CUDA, max_memory_allocated raised: " + e.Message;
            }
            throw new SelfTestException("torch.cuda.max_memory_allocated() did not raise without CUDA");
        }
        int index = device.index;
        torch.cuda.synchronize(index);
        torch.cuda.reset_peak_memory_stats(index);
        long before = torch.cuda.max_memory_allocated(index);
        const long Bytes = 64L << 20;
        using (var big = torch.empty([Bytes / 4], ScalarType.Float32, device))
        {
            big.fill_(1);
            torch.cuda.synchronize(index);
        }
        long after = torch.cuda.max_memory_allocated(index);
        if (after - before < Bytes)
            throw new SelfTestException($"peak memory grew by {after - before} bytes after allocating {Bytes}");
        return $"peak {before} -> {after} bytes after a 64 MiB allocation";
    }

    /// <summary>The native live-tensor counter is back to <paramref name="atStart"/>.</summary>
    public static string LiveTensors(long atStart)
    {
        long now = torch.LiveTensorCount;
        if (now != atStart) throw new SelfTestException($"live tensors: {atStart} at the start, {now} now (leaked handles)");
        return $"live tensors back to {atStart}";
    }
}
