// LesaInitTests.cs - the two parameter initialisations of LesaModel (LesaConfig.Init): ZslKit's scaled normal and the
// official code's TF-1 variance_scaling_initializer (truncated normal at 2σ, σ² = 2.6/rows) with a Glorot-uniform conv;
// and the conv weight decay term (TF l2_regularizer: decay·Σw²/2).
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Models;

[Collection("torch-global-state")]
public class LesaInitTests
{
    // Standard deviation of N(0, 1) truncated to [−2, 2].
    private const double TruncatedStdFactor = 0.879626;

    private static (double Std, double MaxAbs) Stats(Tensor w)
    {
        var a = w.detach().ToArray<float>();
        double mean = a.Average(x => (double)x);
        double std = Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1));
        return (std, a.Max(x => Math.Abs((double)x)));
    }

    [Fact]
    public void Variance_scaling_init_draws_a_normal_truncated_at_two_sigma_with_variance_2_6_over_rows()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var config = new LesaConfig { Modules = 10, FeatureDim = 255, AttentionHidden = 400, WordDim = 300, GridHeight = 2, GridWidth = 2,
            Init = LesaInit.VarianceScaling };
        using var model = new LesaModel(config);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        foreach (var (name, rows) in new[] { ("W1", 256L), ("W3", 255L) })   // W1 [D+1, H], W3 [D, dv]
        {
            double sigma = Math.Sqrt(2.6 / rows);
            var (std, maxAbs) = Stats(p[name]);
            Assert.True(maxAbs <= 2 * sigma * (1 + 1e-6), $"{name}: max |w| {maxAbs} > 2σ = {2 * sigma}");
            Assert.True(maxAbs > 1.9 * sigma, $"{name}: max |w| {maxAbs} never approaches 2σ = {2 * sigma}");
            Assert.InRange(std / (sigma * TruncatedStdFactor), 0.98, 1.02);
        }
        var w2 = p["W2"];                                                     // [H+1, M]: few entries, only the bound
        Assert.True(Stats(w2).MaxAbs <= 2 * Math.Sqrt(2.6 / 401) * (1 + 1e-6));
    }

    [Fact]
    public void Variance_scaling_init_gives_the_conv_a_glorot_uniform_weight()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        var config = new LesaConfig { Modules = 2, FeatureDim = 64, AttentionHidden = 8, WordDim = 5, GridHeight = 3, GridWidth = 3,
            UseConv = true, Init = LesaInit.VarianceScaling };
        using var model = new LesaModel(config);
        var w = model.named_parameters().Single(x => x.name == "conv.weight").parameter;   // [64, 64, 2, 2]
        double bound = Math.Sqrt(6.0 / (64 * 4 + 64 * 4));
        var (std, maxAbs) = Stats(w);
        Assert.True(maxAbs <= bound);
        Assert.InRange(std / (bound / Math.Sqrt(3)), 0.97, 1.03);
    }

    [Fact]
    public void Default_init_stays_the_scaled_normal_of_earlier_runs()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        using var model = new LesaModel(new LesaConfig { Modules = 10, FeatureDim = 255, AttentionHidden = 400, WordDim = 300, GridHeight = 2, GridWidth = 2 });
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.InRange(Stats(p["W1"]).Std * Math.Sqrt(256), 0.98, 1.02);   // N(0, 1/rows)
        Assert.InRange(Stats(p["W3"]).Std * Math.Sqrt(300), 0.98, 1.02);   // N(0, 1/dv)
        Assert.True(Stats(p["W1"]).MaxAbs > 3 / Math.Sqrt(256));          // not truncated
    }

    [Fact]
    public void Conv_weight_decay_is_half_the_scaled_sum_of_squares_and_zero_when_off()
    {
        using var scope = torch.NewDisposeScope();
        var config = new LesaConfig { Modules = 2, FeatureDim = 4, AttentionHidden = 3, WordDim = 5, GridHeight = 2, GridWidth = 2, UseConv = true };
        using var off = new LesaModel(config);
        Assert.Equal(0f, off.RegularizationLoss().item<float>());
        using var on = new LesaModel(config with { ConvWeightDecay = 0.0005 });
        var w = on.named_parameters().Single(x => x.name == "conv.weight").parameter;
        double expected = 0.0005 * w.detach().ToArray<float>().Sum(x => (double)x * x) / 2;
        Assert.Equal(expected, on.RegularizationLoss().item<float>(), 6);
        Assert.True(expected > 0);
    }

    [Fact]
    public void Config_rejects_a_negative_margin_or_weight_decay_naming_the_field()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LesaConfig { RelevanceMargin = -0.1 }.Validate());
        Assert.Contains("RelevanceMargin", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new LesaConfig { ConvWeightDecay = double.NaN }.Validate());
        Assert.Contains("ConvWeightDecay", ex.Message);
    }

    [Fact]
    public void Config_rejects_bad_batch_norm_settings_and_undefined_enum_values_naming_the_field()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LesaConfig { BatchNormEps = -1 }.Validate());
        Assert.Contains("LesaConfig.BatchNormEps = -1: must be finite and > 0", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new LesaConfig { BatchNormMomentum = double.NaN }.Validate());
        Assert.Contains("BatchNormMomentum", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new LesaConfig { RankNormalization = (RankNormalization)7 }.Validate());
        Assert.Contains("LesaConfig.RankNormalization = 7: must be ViolatingPairs or AllPairs", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new LesaConfig { DiversityInput = (DiversityInput)7 }.Validate());
        Assert.Contains("LesaConfig.DiversityInput = 7", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new LesaConfig { Init = (LesaInit)9 }.Validate());
        Assert.Contains("LesaConfig.Init = 9", ex.Message);
        new LesaConfig { BatchNormMomentum = 0, Init = LesaInit.VarianceScaling, DiversityInput = DiversityInput.Attention }.Validate();
    }
}
