// SchedulerTests.cs - learning-rate sequences equal torch.optim.lr_scheduler's (StepLR, ExponentialLR,
// ReduceLROnPlateau), the closed-form cosine-with-warm-up formula and a port of LESA's LearningRate.adapt, all from
// tests/fixtures/optim/optim.json. Tolerance 1e-12 relative (both sides compute in doubles).
using System.Text.Json;
using ZslKit.Torch.Optim;

namespace ZslKit.Torch.Tests.Optim;

public class SchedulerTests
{
    private static JsonElement Spec(string name) => OptimFixture.Json.GetProperty("schedulers").GetProperty(name);

    /// <summary>An SGD optimizer over one throw-away parameter, at the spec's learning rate.</summary>
    private static (SGD opt, Tensor p) Optimizer(JsonElement spec)
    {
        var p = torch.zeros([1], requires_grad: true).DetachFromDisposeScope();
        return (torch.optim.SGD([p], lr: spec.GetProperty("lr").GetDouble()), p);
    }

    private static void AssertSequence(double[] expected, List<double> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Abs(expected[i]) + 1e-15,
                $"{what}: epoch {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    /// <summary>The rate after construction and after each of the spec's epochs.</summary>
    private static List<double> Run(SGD opt, int epochs, Action<int> stepEpoch)
    {
        var seq = new List<double> { opt.ParamGroups[0].LearningRate };
        for (var e = 0; e < epochs; e++)
        {
            stepEpoch(e);
            seq.Add(opt.ParamGroups[0].LearningRate);
        }
        return seq;
    }

    [Fact]
    public void StepLR_matches_torch()
    {
        var spec = Spec("step_lr");
        var (opt, p) = Optimizer(spec);
        var s = torch.optim.lr_scheduler.StepLR(opt, spec.GetProperty("step_size").GetInt32(), spec.GetProperty("gamma").GetDouble());
        var expected = OptimFixture.Doubles(spec.GetProperty("seq"));
        AssertSequence(expected, Run(opt, expected.Length - 1, _ => s.step()), "StepLR");
        Assert.Equal(expected[^1], s.get_last_lr()[0]);
        opt.Dispose();
        p.Dispose();
    }

    [Fact]
    public void ExponentialLR_matches_torch()
    {
        var spec = Spec("exponential_lr");
        var (opt, p) = Optimizer(spec);
        var s = torch.optim.lr_scheduler.ExponentialLR(opt, spec.GetProperty("gamma").GetDouble());
        var expected = OptimFixture.Doubles(spec.GetProperty("seq"));
        AssertSequence(expected, Run(opt, expected.Length - 1, _ => s.step()), "ExponentialLR");
        opt.Dispose();
        p.Dispose();
    }

    [Theory]
    [InlineData("plateau_min_rel")]
    [InlineData("plateau_max_abs")]
    public void ReduceLROnPlateau_matches_torch_for_a_metric_sequence(string name)
    {
        var spec = Spec(name);
        var (opt, p) = Optimizer(spec);
        var s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode: spec.GetProperty("mode").GetString()!,
            factor: spec.GetProperty("factor").GetDouble(), patience: spec.GetProperty("patience").GetInt32(),
            threshold: spec.GetProperty("threshold").GetDouble(), threshold_mode: spec.GetProperty("threshold_mode").GetString()!,
            cooldown: spec.GetProperty("cooldown").GetInt32(), min_lr: spec.GetProperty("min_lr").GetDouble());
        var metrics = OptimFixture.Doubles(spec.GetProperty("metrics"));
        var expected = OptimFixture.Doubles(spec.GetProperty("seq"));
        var actual = Run(opt, metrics.Length, e => s.step(metrics[e]));
        AssertSequence(expected, actual, name);
        Assert.True(expected.Distinct().Count() >= 3, "the sequence must exercise several reductions");
        opt.Dispose();
        p.Dispose();
    }

    [Fact]
    public void Cosine_with_warmup_matches_the_closed_form_formula()
    {
        var spec = Spec("cosine_warmup");
        var (opt, p) = Optimizer(spec);
        var s = torch.optim.lr_scheduler.CosineAnnealingWithWarmup(opt, spec.GetProperty("warmup").GetInt32(),
            spec.GetProperty("total").GetInt32(), spec.GetProperty("eta_min").GetDouble());
        var expected = OptimFixture.Doubles(spec.GetProperty("seq"));
        AssertSequence(expected, Run(opt, expected.Length - 1, _ => s.step()), "cosine with warm-up");
        opt.Dispose();
        p.Dispose();
    }

    [Theory]
    [InlineData("lesa_p2")]
    [InlineData("lesa_p5")]
    public void LESA_plateau_decay_matches_the_reference_rule(string name)
    {
        var spec = Spec(name);
        var (opt, p) = Optimizer(spec);
        var s = torch.optim.lr_scheduler.LesaPlateauDecay(opt, spec.GetProperty("signal_strength").GetDouble(),
            spec.GetProperty("patience").GetInt32());
        var metrics = OptimFixture.Doubles(spec.GetProperty("metrics"));
        var expected = OptimFixture.Doubles(spec.GetProperty("seq"));
        AssertSequence(expected, Run(opt, metrics.Length, e => s.step(metrics[e])), name);
        Assert.True(expected.Distinct().Count() >= 3, "the sequence must exercise several decays");
        opt.Dispose();
        p.Dispose();
    }

    [Fact]
    public void Schedulers_drive_every_group_from_its_own_initial_rate()
    {
        var a = torch.zeros([1], requires_grad: true).DetachFromDisposeScope();
        var b = torch.zeros([1], requires_grad: true).DetachFromDisposeScope();
        using var opt = torch.optim.SGD([new ParamGroup([a]), new ParamGroup([b], lr: 0.01)], lr: 0.1);
        var s = torch.optim.lr_scheduler.StepLR(opt, step_size: 1, gamma: 0.5);
        s.step();
        Assert.Equal([0.05, 0.005], s.get_last_lr());
        Assert.Equal([0.1, 0.01], s.BaseLearningRates);
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public void Bad_scheduler_settings_raise_ArgumentExceptions()
    {
        var p = torch.zeros([1], requires_grad: true).DetachFromDisposeScope();
        using var opt = torch.optim.SGD([p], lr: 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.lr_scheduler.StepLR(opt, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor: 1.0));
        Assert.Throws<ArgumentException>(() => torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode: "up"));
        Assert.Throws<ArgumentException>(() => torch.optim.lr_scheduler.ReduceLROnPlateau(opt, threshold_mode: "pct"));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.lr_scheduler.CosineAnnealingWithWarmup(opt, 5, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.lr_scheduler.LesaPlateauDecay(opt, signal_strength: 0));
        Assert.Equal(0.1, opt.ParamGroups[0].LearningRate);
        p.Dispose();
    }
}
