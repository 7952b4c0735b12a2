// LesaInferBench.cs - `zsl bench lesa-infer`: LESA scores of N labels (default 7,586, the Open Images label set) for
// images in batches, with the label embedding θ computed once (LesaModel.Scores); images/s. Twin: the same scoring in
// PyTorch eager. Scores stay on the device (no host copy, one sync per repetition).
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
        ["word-dim"] = "300", ["images"] = "256", ["seed"] = "0",
    };

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        int batch = s.Int("batch"), labels = s.Int("labels"), images = s.Int("images");
        var cfg = LesaStepBench.Config(s);
        var dev = context.Device;
        using var outer = torch.NewDisposeScope();
        using var model = LesaStepBench.Model(s, cfg, dev);
        model.eval();
        using var noGrad = torch.no_grad();
        var feats = torch.randn([batch, cfg.RegionCount, cfg.FeatureDim], device: dev);           // [B, R, D]
        var theta = model.LabelEmbedding(torch.randn([labels, cfg.WordDim], device: dev));        // [C, D+1]
        void Rep()
        {
            for (int done = 0; done < images; done += batch)
            {
                int n = Math.Min(batch, images - done);
                using var scope = torch.NewDisposeScope();
                var x = n == batch ? feats : feats.narrow(0, 0, n);                                // [n, R, D]
                model.Scores(x, theta);                                                           // [n, C]
            }
        }
        using var twin = context.Twin?.Start(context.TwinArguments(Name, ("batch", batch), ("regions", cfg.RegionCount), ("dim", cfg.FeatureDim),
            ("hidden", cfg.AttentionHidden), ("modules", cfg.Modules), ("labels", labels), ("word-dim", cfg.WordDim),
            ("images", images), ("seed", s.Int("seed", 0))));
        var metrics = new Dictionary<string, double>();
        bool peakArmed = context.ResetPeakMemory();
        var (ours, theirs) = BenchHarness.Measure(Rep, context.Repetitions, context.Sync, twin is null ? null : twin.Rep);
        context.RecordPeakMemory(metrics, peakArmed);
        var measurement = new BenchMeasurement($"score {labels} labels", images, "images", ours, theirs);
        // Scale figure: the Open Images full test set (125,436 images) at this rate.
        metrics["openImagesTestSeconds"] = 125_436 / measurement.Throughput;
        return new BenchTargetResult([measurement], metrics,
            [$"openImagesTestSeconds is an ESTIMATE from N = {images} measured images: 125,436 / {measurement.Throughput:F1} images/s of " +
             "on-device scoring only (no store reads, host copy or metrics); `zsl bench lesa-oi-test` measures the full pass"], twin?.Info);
    }
}
