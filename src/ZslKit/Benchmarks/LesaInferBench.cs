// LesaInferBench.cs - `zsl bench lesa-infer`: LESA scores of N labels (default 7,586, the Open Images label set) for
// images in batches, with the label embedding θ computed once (LesaModel.Scores); images/s. Twin: the same scoring in
// PyTorch eager. Scores stay on the device (no host copy, one sync per repetition). Setting amp=bf16: the scoring runs
// inside a bfloat16 autocast scope for the device type (θ is computed once, outside); the twin gets --amp bf16.
// Setting graph=on (CUDA): the scoring of one full batch is captured once as a CUDA graph (after 3 eager warm-ups on the
// graph's stream) and every full batch is one replay (the bench scores the same batch tensor each time, as the twin
// does); a smaller last batch is scored eagerly. The twin stays eager. Setting fold=on (default; the library's path,
// LesaTrainable.EmbedLabels): θ from ScoringEmbedding, so the constant channels are folded into biases (LesaModel's
// AttendFolded); fold=off: θ from LabelEmbedding and the official code's concatenations. The twin gets --fold likewise.
// Setting tf32=on (CUDA): float32 matmuls on TF32 tensor cores for the whole run, ours and the twin's (--tf32 on).
// Setting twin-graph=on (CUDA): the twin replays PyTorch's own CUDA graph of one full batch's scoring (--graph on).
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Times LESA inference over many labels.</summary>
public sealed class LesaInferBench : IBenchTarget
{
    public string Name => "lesa-infer";
    public string Description => "LESA inference: scores of N labels (default 7,586) per image batch, images/s (twin: PyTorch eager).";
    public bool HasTwin => true;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["batch"] = "32", ["grid"] = "14", ["dim"] = "512", ["hidden"] = "512", ["modules"] = "10", ["labels"] = "7586",
        ["word-dim"] = "300", ["images"] = "256", ["seed"] = "0", ["amp"] = "off", ["graph"] = "off", ["fold"] = "on", ["tf32"] = "off", ["twin-graph"] = "off",
    };

    /// <summary>The 'fold' setting: on (θ without the constant channel, folded scoring) or off (the official concatenations).</summary>
    internal static bool Fold(BenchSettings s, string target) => s.String("fold") switch
    {
        "on" => true,
        "off" => false,
        var v => throw new ArgumentException($"{target}: setting 'fold' must be one of on, off, got '{v}'"),
    };

    /// <summary>Runs 3 eager scorings of <paramref name="x"/> on a new graph's stream, then captures one (recorded, not run).
    /// Each replay recomputes the returned scores tensor [B, C] from <paramref name="x"/>'s current values. Call under no_grad.</summary>
    internal static (torch.cuda.CUDAGraph Graph, Tensor Scores) CaptureScores(LesaModel model, Tensor x, Tensor theta, bool bf16, torch.Device dev) =>
        BenchGraph.Capture(dev, BenchGraph.WarmupRuns, () => Score(model, x, theta, bf16, dev));

    /// <summary>The benchmarked model in eval mode and θ of <c>labels</c> random word vectors ([C, D] folded, else [C, D+1];
    /// float32, no autograd), in the caller's dispose scope.</summary>
    private static (LesaModel Model, Tensor Theta) Setup(BenchSettings s, LesaConfig cfg, torch.Device dev, bool fold)
    {
        var model = LesaStepBench.Model(s, cfg, dev);
        model.eval();
        using var noGrad = torch.no_grad();
        var vectors = torch.randn([s.Int("labels"), cfg.WordDim], device: dev);                       // [C, dv]
        var theta = fold ? model.ScoringEmbedding(vectors) : model.LabelEmbedding(vectors);          // [C, D] or [C, D+1]
        return (model, theta);
    }

    /// <summary>Scores of one image batch <paramref name="x"/> [n, R, D] against <paramref name="theta"/> [C, D+1]: [n, C],
    /// computed inside a bf16 autocast scope when <paramref name="bf16"/>.</summary>
    internal static Tensor Score(LesaModel model, Tensor x, Tensor theta, bool bf16, torch.Device dev)
    {
        using (LesaStepBench.OpenAmp(bf16, dev)) return model.Scores(x, theta);
    }

    /// <summary>The scores [batch, labels] of the benchmark's first image batch, as float32 on the host (for tests).</summary>
    internal static float[] FirstBatchScores(BenchSettings s, torch.Device dev, bool bf16)
    {
        var cfg = LesaStepBench.Config(s);
        using var outer = torch.NewDisposeScope();
        var (model, theta) = Setup(s, cfg, dev, Fold(s, "lesa-infer"));
        using var _ = model;
        using var noGrad = torch.no_grad();
        var feats = torch.randn([s.Int("batch"), cfg.RegionCount, cfg.FeatureDim], device: dev);   // [B, R, D]
        return Score(model, feats, theta, bf16, dev).to(ScalarType.Float32).cpu().data<float>();
    }

    public void Validate(BenchSettings settings, torch.Device device)
    {
        LesaStepBench.Bf16Autocast(settings, Name);
        LesaStepBench.CudaGraph(settings, Name, device);
        Fold(settings, Name);
        LesaStepBench.Tf32(settings, Name, device);
        LesaStepBench.TwinGraph(settings, Name, device);
    }

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        int batch = s.Int("batch"), labels = s.Int("labels"), images = s.Int("images");
        bool bf16 = LesaStepBench.Bf16Autocast(s, Name);
        var cfg = LesaStepBench.Config(s);
        var dev = context.Device;
        bool graphOn = LesaStepBench.CudaGraph(s, Name, dev);
        bool fold = Fold(s, Name);
        bool tf32 = LesaStepBench.Tf32(s, Name, dev);
        bool twinGraph = LesaStepBench.TwinGraph(s, Name, dev);
        using var precision = LesaStepBench.OpenTf32(tf32);
        using var outer = torch.NewDisposeScope();
        var (model, theta) = Setup(s, cfg, dev, fold);
        using var _ = model;
        using var noGrad = torch.no_grad();
        var feats = torch.randn([batch, cfg.RegionCount, cfg.FeatureDim], device: dev);           // [B, R, D]
        var graph = graphOn ? CaptureScores(model, feats, theta, bf16, dev).Graph : null;
        using var _graph = graph;
        void Rep()
        {
            // One autocast scope per repetition, as the twin has: the bf16 copies of W1/W2 are cast once and cached for
            // the scope (a scope per batch re-cast them every batch: 1.22x the twin's time on the H200).
            using var amp = LesaStepBench.OpenAmp(bf16, dev);
            for (int done = 0; done < images; done += batch)
            {
                int n = Math.Min(batch, images - done);
                if (graph is not null && n == batch)
                {
                    graph.replay();
                    continue;
                }
                using var scope = torch.NewDisposeScope();
                var x = n == batch ? feats : feats.narrow(0, 0, n);                                // [n, R, D]
                model.Scores(x, theta);                                                           // [n, C]
            }
        }
        using var twin = context.Twin?.Start(context.TwinArguments(Name, ("batch", batch), ("regions", cfg.RegionCount), ("dim", cfg.FeatureDim),
            ("hidden", cfg.AttentionHidden), ("modules", cfg.Modules), ("labels", labels), ("word-dim", cfg.WordDim),
            ("images", images), ("seed", s.Int("seed", 0)), ("amp", bf16 ? "bf16" : "off"), ("fold", fold ? "on" : "off"), ("tf32", tf32 ? "on" : "off"),
            ("graph", twinGraph ? "on" : "off")));
        var metrics = new Dictionary<string, double>();
        bool peakArmed = context.ResetPeakMemory();
        var (ours, theirs) = BenchHarness.Measure(Rep, context.Repetitions, context.Sync, twin is null ? null : twin.Rep, progress: context.Log);
        context.RecordPeakMemory(metrics, peakArmed);
        var measurement = new BenchMeasurement($"score {labels} labels{(fold ? "" : " (official concatenations)")}{(graph is not null ? " (CUDA graph replays)" : "")}{(tf32 ? " (TF32)" : "")}" +
            (twin is null ? "" : LesaStepBench.TwinGraphSuffix(twinGraph)), images, "images", ours, theirs);
        // Scale figure: the Open Images full test set (125,436 images) at this rate.
        metrics["openImagesTestSeconds"] = 125_436 / measurement.Throughput;
        return new BenchTargetResult([measurement], metrics,
            [$"openImagesTestSeconds is an ESTIMATE from N = {images} measured images: 125,436 / {measurement.Throughput:F1} images/s of " +
             "on-device scoring only (no store reads, host copy or metrics); `zsl bench lesa-oi-test` measures the full pass"], twin?.Info,
            Cost(s, cfg, fold, LesaStepBench.Precision(bf16, tf32)));
    }

    /// <summary>The work of one repetition: every batch's scoring (the last one possibly smaller), θ excluded (computed once).</summary>
    internal static BenchCost Cost(BenchSettings s, LesaConfig cfg, bool fold, MatmulPrecision precision)
    {
        int batch = s.Int("batch"), images = s.Int("images");
        var shape = LesaShape.Of(cfg, batch, s.Int("labels"), appendConstant: !fold);
        double flops = 0, kernels = 0;
        for (int done = 0; done < images; done += batch)
        {
            int n = Math.Min(batch, images - done);
            (flops, kernels) = (flops + shape.InferFlops(n), kernels + shape.InferKernelBytes(n));
        }
        // compulsory: the weights and θ once per repetition (they could stay cached across batches), features and scores once.
        // The traffic models count float32 bytes: under bf16 autocast they do not apply and are left out.
        bool float32Bytes = precision != MatmulPrecision.Bf16;
        return new BenchCost(flops, precision,
            $"matmul FLOPs of scoring {images} images in batches of {batch} (LesaCost: 2·m·n·k per product{(fold ? ", folded" : ", official concatenations")}; element-wise work left out)",
            float32Bytes ? shape.InferCompulsoryBytes(images) : null, float32Bytes ? kernels : null);
    }
}
