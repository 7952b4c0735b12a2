// LesaStepBench.cs - `zsl bench lesa-step`: one LESA training step (Huynh & Elhamifar, CVPR 2020: forward Eq. 3-6/12,
// objective Eq. 14, backward, TF-style RMSprop) on a fixed batch; the PyTorch twin does the same step. Default shape:
// batch 32, 196 regions x 512, M = 10, 925 labels x 300 (the NUS-WIDE seen labels). No host sync inside the timed loop.
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
        ["word-dim"] = "300", ["positive-rate"] = "0.01", ["steps"] = "5", ["seed"] = "0",
    };

    /// <summary>The model configuration of the settings (grid x grid regions).</summary>
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

    internal static LesaConfig Config(BenchSettings s) => new()
    {
        Modules = s.Int("modules"), FeatureDim = s.Int("dim"), AttentionHidden = s.Int("hidden"), WordDim = s.Int("word-dim"),
        GridHeight = s.Int("grid"), GridWidth = s.Int("grid"),
    };

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        int batch = s.Int("batch"), labels = s.Int("labels"), steps = s.Int("steps");
        double rate = s.Double("positive-rate");
        var cfg = Config(s);
        var dev = context.Device;
        using var outer = torch.NewDisposeScope();
        using var model = Model(s, cfg, dev);
        using var opt = Optimizer(model);
        var feats = torch.randn([batch, cfg.RegionCount, cfg.FeatureDim], device: dev);           // [B, R, D]
        var vecs = torch.randn([labels, cfg.WordDim], device: dev);                               // [C, dv]
        var y = torch.where(torch.rand([batch, labels], device: dev).lt(rate),
            torch.ones([batch, labels], device: dev), -torch.ones([batch, labels], device: dev)); // [B, C] in {+1, -1}
        int maxPositives = (int)y.eq(1).to(ScalarType.Int64).sum(1).max().item<long>();          // once, outside the timed loop
        void Rep()
        {
            for (int i = 0; i < steps; i++)
            {
                using var scope = torch.NewDisposeScope();
                opt.zero_grad();
                var loss = LesaObjective.Compute(model.forward(feats, vecs), y, cfg, maxPositives: maxPositives).Total;
                loss.backward();
                opt.step();
            }
        }
        using var twin = context.Twin?.Start(context.TwinArguments(Name, ("batch", batch), ("regions", cfg.RegionCount), ("dim", cfg.FeatureDim),
            ("hidden", cfg.AttentionHidden), ("modules", cfg.Modules), ("labels", labels), ("word-dim", cfg.WordDim),
            ("positive-rate", rate), ("steps", steps), ("seed", s.Int("seed", 0))));
        var metrics = new Dictionary<string, double>();
        bool peakArmed = context.ResetPeakMemory();
        var (ours, theirs) = BenchHarness.Measure(Rep, context.Repetitions, context.Sync, twin is null ? null : twin.Rep);
        context.RecordPeakMemory(metrics, peakArmed);
        var measurement = new BenchMeasurement($"train step x{steps}", (double)batch * steps, "images", ours, theirs);
        metrics["msPerStep"] = ours.Wall.Median / steps * 1e3;
        return new BenchTargetResult([measurement], metrics, [], twin?.Info);
    }
}
