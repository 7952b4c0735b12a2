// LesaStepBench.cs - `zsl bench lesa-step`: one LESA training step (Huynh & Elhamifar, CVPR 2020: forward Eq. 3-6/12,
// objective Eq. 14, backward, TF-style RMSprop) on a fixed batch; the PyTorch twin does the same step. Default shape:
// batch 32, 196 regions x 512, M = 10, 925 labels x 300 (the NUS-WIDE seen labels). No host sync inside the timed loop.
// Setting amp=bf16: forward + objective inside a bfloat16 autocast scope for the device type, backward and the
// optimiser step outside (as the Trainer does); the twin gets --amp bf16 and does the same with torch.autocast.
// Setting graph=on (CUDA): the whole step (zero_grad, forward, objective, backward, RMSprop) is captured once as a CUDA
// graph after 3 warm-up steps on the graph's stream, and each timed step is one replay; the twin stays eager.
// Setting tf32=on (CUDA): float32 matmuls on TF32 tensor cores (torch.set_float32_matmul_precision("high")) for the whole
// run, ours and the twin's (--tf32 on). Setting twin-graph=on (CUDA): the twin replays PyTorch's own CUDA graph of the
// step (--graph on) instead of running it eagerly, so graphs can be compared with graphs.
using ZslKit.Losses;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Times LESA training steps (images/s = batch x steps per repetition / wall time).</summary>
public sealed class LesaStepBench : IBenchTarget
{
    public string Name => "lesa-step";
    public string Description => "LESA training step: forward + objective + backward + RMSprop on one batch (twin: PyTorch eager).";
    public bool HasTwin => true;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["batch"] = "32", ["grid"] = "14", ["dim"] = "512", ["hidden"] = "512", ["modules"] = "10", ["labels"] = "925",
        ["word-dim"] = "300", ["positive-rate"] = "0.01", ["steps"] = "5", ["seed"] = "0", ["amp"] = "off", ["graph"] = "off", ["tf32"] = "off",
        ["twin-graph"] = "off",
    };

    /// <summary>The `graph` setting: off, or on (CUDA only; a clear error elsewhere).</summary>
    internal static bool CudaGraph(BenchSettings s, string target, torch.Device dev) =>
        CudaSwitch(s, target, dev, "graph", "captures a CUDA graph");

    /// <summary>An off/on setting that needs CUDA when on: a bad value names the allowed values, on with another device is
    /// refused saying what the setting does (<paramref name="does"/>).</summary>
    private static bool CudaSwitch(BenchSettings s, string target, torch.Device dev, string setting, string does)
    {
        var raw = s.String(setting);
        bool on = raw.Trim().ToLowerInvariant() switch
        {
            "off" => false,
            "on" => true,
            _ => throw new ArgumentException($"{target}: setting '{setting}' must be one of off, on, got '{raw}'"),
        };
        if (on && dev.type != DeviceType.CUDA)
            throw new ArgumentException($"{target}: {setting}=on {does} and needs --device cuda (got {dev})");
        return on;
    }

    /// <summary>The `twin-graph` setting of lesa-step and lesa-infer: off, or on (CUDA only): the twin times PyTorch's own
    /// CUDA graph replays (bench/lesa_twin.py --graph on) instead of PyTorch eager.</summary>
    internal static bool TwinGraph(BenchSettings s, string target, torch.Device dev) =>
        CudaSwitch(s, target, dev, "twin-graph", "makes the twin replay a PyTorch CUDA graph");

    /// <summary>The measurement-name suffix for the twin's mode: "" when eager.</summary>
    internal static string TwinGraphSuffix(bool twinGraph) => twinGraph ? " (twin: PyTorch CUDA graph replays)" : "";

    /// <summary>The `tf32` setting of lesa-step and lesa-infer: off, or on (CUDA only: on the CPU it changes nothing, so
    /// it is refused rather than measured).</summary>
    internal static bool Tf32(BenchSettings s, string target, torch.Device dev) =>
        CudaSwitch(s, target, dev, "tf32", "selects TF32 tensor cores for CUDA matmuls");

    /// <summary>The float32 matmul precision "high" (TF32) until disposed when <paramref name="on"/>, else null.</summary>
    internal static IDisposable? OpenTf32(bool on) => on ? torch.float32_matmul_precision_scope("high") : null;

    /// <summary>The precision the matmuls run in: bf16 under autocast, else TF32 when on, else float32.</summary>
    internal static MatmulPrecision Precision(bool bf16, bool tf32) =>
        bf16 ? MatmulPrecision.Bf16 : tf32 ? MatmulPrecision.Tf32 : MatmulPrecision.Float32;

    /// <summary>The values of the `amp` setting of lesa-step and lesa-infer.</summary>
    internal static readonly string[] AmpValues = ["off", "bf16"];

    /// <summary>The `amp` setting: false for "off", true for "bf16" (case-insensitive); anything else raises an error naming
    /// the target, the setting and the allowed values.</summary>
    internal static bool Bf16Autocast(BenchSettings s, string target)
    {
        var raw = s.String("amp");
        return raw.Trim().ToLowerInvariant() switch
        {
            "off" => false,
            "bf16" => true,
            _ => throw new ArgumentException($"{target}: setting 'amp' must be one of {string.Join(", ", AmpValues)}, got '{raw}'"),
        };
    }

    /// <summary>A bfloat16 autocast scope for <paramref name="dev"/>'s device type when <paramref name="bf16"/>, else null
    /// (a `using` of null opens nothing).</summary>
    internal static AutocastScope? OpenAmp(bool bf16, torch.Device dev) => bf16 ? torch.autocast(dev.type, torch.bfloat16) : null;

    /// <summary>The benchmarked model: parameters drawn after torch.manual_seed(seed setting), moved to the device.</summary>
    internal static LesaModel Model(BenchSettings s, LesaConfig cfg, torch.Device dev)
    {
        torch.manual_seed(s.Int("seed", 0));
        var model = new LesaModel(cfg);
        model.to(dev);
        return model;
    }

    /// <summary>The official optimiser of the timed training steps: TF-style RMSprop (lr 1e-3, decay 0.9, momentum 0.9, eps 1).</summary>
    internal static ZslKit.Torch.Optim.RMSprop Optimizer(LesaModel model) =>
        torch.optim.RMSprop(model.parameters(), lr: 1e-3, alpha: 0.9, eps: 1.0, momentum: 0.9, epsilonInsideSqrt: true);

    /// <summary>The model configuration of the settings (grid x grid regions).</summary>
    internal static LesaConfig Config(BenchSettings s) => new()
    {
        Modules = s.Int("modules"), FeatureDim = s.Int("dim"), AttentionHidden = s.Int("hidden"), WordDim = s.Int("word-dim"),
        GridHeight = s.Int("grid"), GridWidth = s.Int("grid"),
    };

    /// <summary>The timed work: model, optimiser and a fixed batch on the device, and one training step. Tensors are created
    /// in the caller's dispose scope; Dispose frees the model and the optimiser.</summary>
    internal sealed class Workload : IDisposable
    {
        private readonly LesaModel _model;
        private readonly ZslKit.Torch.Optim.RMSprop _opt;
        private readonly Tensor _feats, _vecs, _y;
        private readonly int _maxPositives;
        private readonly bool _bf16;
        private readonly torch.Device _dev;

        public Workload(BenchSettings s, torch.Device dev, bool bf16)
        {
            int batch = s.Int("batch"), labels = s.Int("labels");
            double rate = s.Double("positive-rate");
            Config = LesaStepBench.Config(s);
            (_dev, _bf16) = (dev, bf16);
            _model = Model(s, Config, dev);
            _opt = Optimizer(_model);
            _feats = torch.randn([batch, Config.RegionCount, Config.FeatureDim], device: dev);     // [B, R, D]
            _vecs = torch.randn([labels, Config.WordDim], device: dev);                             // [C, dv]
            _y = torch.where(torch.rand([batch, labels], device: dev).lt(rate),
                torch.ones([batch, labels], device: dev), -torch.ones([batch, labels], device: dev)); // [B, C] in {+1, -1}
            _maxPositives = (int)_y.eq(1).to(ScalarType.Int64).sum(1).max().item<long>();           // once, outside the timed loop
        }

        public LesaConfig Config { get; }

        /// <summary>One training step; returns the loss (computed under autocast with amp=bf16; backward and the step outside).</summary>
        public Tensor Step()
        {
            _opt.zero_grad();
            Tensor loss;
            using (OpenAmp(_bf16, _dev)) loss = LesaObjective.Compute(_model.forward(_feats, _vecs), _y, Config, maxPositives: _maxPositives).Total;
            loss.backward();
            _opt.step();
            return loss;
        }

        /// <summary>Runs <paramref name="warmup"/> eager steps on a new graph's stream, then captures one step into it
        /// (recorded, not executed). Each replay of the graph is one training step; the returned loss tensor (in the
        /// caller's dispose scope) holds the loss of the latest replay. <paramref name="warmupLosses"/>, when given, receives
        /// the warm-up steps' losses (one host read each).</summary>
        public (torch.cuda.CUDAGraph Graph, Tensor Loss) Capture(int warmup, List<float>? warmupLosses = null) =>
            BenchGraph.Capture(_dev, warmup, Step, warmupLosses is null ? null : loss => warmupLosses.Add(loss.to(ScalarType.Float32).item<float>()));

        public void Dispose()
        {
            _opt.Dispose();
            _model.Dispose();
        }
    }

    /// <summary>The losses of <paramref name="steps"/> consecutive untimed training steps of the benchmark's workload (for tests).</summary>
    internal static float[] Losses(BenchSettings s, torch.Device dev, bool bf16, int steps)
    {
        using var outer = torch.NewDisposeScope();
        using var work = new Workload(s, dev, bf16);
        var losses = new float[steps];
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            losses[i] = work.Step().to(ScalarType.Float32).item<float>();
        }
        return losses;
    }

    public void Validate(BenchSettings settings, torch.Device device)
    {
        Bf16Autocast(settings, Name);
        CudaGraph(settings, Name, device);
        Tf32(settings, Name, device);
        TwinGraph(settings, Name, device);
    }

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        int batch = s.Int("batch"), labels = s.Int("labels"), steps = s.Int("steps");
        double rate = s.Double("positive-rate");
        bool bf16 = Bf16Autocast(s, Name);
        var dev = context.Device;
        bool graphOn = CudaGraph(s, Name, dev);
        bool tf32 = Tf32(s, Name, dev);
        bool twinGraph = TwinGraph(s, Name, dev);
        using var precision = OpenTf32(tf32);
        using var outer = torch.NewDisposeScope();
        using var work = new Workload(s, dev, bf16);
        var cfg = work.Config;
        var graph = graphOn ? work.Capture(BenchGraph.WarmupRuns).Graph : null;
        using var _graph = graph;
        void Rep()
        {
            for (int i = 0; i < steps; i++)
            {
                if (graph is not null)
                {
                    graph.replay();
                    continue;
                }
                using var scope = torch.NewDisposeScope();
                work.Step();
            }
        }
        using var twin = context.Twin?.Start(context.TwinArguments(Name, ("batch", batch), ("regions", cfg.RegionCount), ("dim", cfg.FeatureDim),
            ("hidden", cfg.AttentionHidden), ("modules", cfg.Modules), ("labels", labels), ("word-dim", cfg.WordDim),
            ("positive-rate", rate), ("steps", steps), ("seed", s.Int("seed", 0)), ("amp", bf16 ? "bf16" : "off"), ("tf32", tf32 ? "on" : "off"), ("graph", twinGraph ? "on" : "off")));
        var metrics = new Dictionary<string, double>();
        bool peakArmed = context.ResetPeakMemory();
        var (ours, theirs) = BenchHarness.Measure(Rep, context.Repetitions, context.Sync, twin is null ? null : twin.Rep, progress: context.Log);
        context.RecordPeakMemory(metrics, peakArmed);
        var measurement = new BenchMeasurement($"train step x{steps}{(graphOn ? " (CUDA graph replays)" : "")}{(tf32 ? " (TF32)" : "")}" +
            (twin is null ? "" : TwinGraphSuffix(twinGraph)), (double)batch * steps, "images", ours, theirs);
        metrics["msPerStep"] = ours.Wall.Median / steps * 1e3;
        var shape = LesaShape.Of(cfg, batch, labels);
        var cost = new BenchCost(shape.StepFlops() * steps, Precision(bf16, tf32),
            $"matmul FLOPs of {steps} training step{(steps == 1 ? "" : "s")} (LesaCost: 2·m·n·k per product, forward and backward; element-wise work left out)");
        return new BenchTargetResult([measurement], metrics, [], twin?.Info, cost);
    }
}
