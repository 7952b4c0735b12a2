// OptimizerParityTests.cs - SGD, RMSprop, Adam and AdamW follow torch.optim (1.13) to 1e-6 over 5 steps on the
// fixture model, and TF-style RMSprop follows the generator's NumPy re-implementation of TF1's RMSPropOptimizer.
using System.Text.Json;
using ZslKit.Torch.Optim;

namespace ZslKit.Torch.Tests.Optim;

public class OptimizerParityTests
{
    private const double Tolerance = 1e-6;

    public static IEnumerable<object[]> OptimizerCases() => OptimFixture.Names("optimizers");

    public static IEnumerable<object[]> TfCases() => OptimFixture.Names("rmsprop_tf");

    private static double Opt(JsonElement o, string name, double fallback) =>
        o.TryGetProperty(name, out var v) ? v.GetDouble() : fallback;

    private static bool Flag(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.GetBoolean();

    /// <summary>The optimizer a fixture case describes, over <paramref name="p"/>.</summary>
    internal static Optimizer Build(JsonElement c, Tensor[] p)
    {
        var o = c.GetProperty("options");
        IEnumerable<ParamGroup> groups = [new ParamGroup(p)];
        if (c.GetProperty("groups").ValueKind == JsonValueKind.Array)
            groups = c.GetProperty("groups").EnumerateArray().Select(g =>
            {
                var members = g.GetProperty("params").EnumerateArray().Select(i => p[i.GetInt32()]);
                double? lr = g.TryGetProperty("options", out var go) && go.TryGetProperty("lr", out var l) ? l.GetDouble() : null;
                return new ParamGroup(members, lr);
            }).ToArray();
        var lr0 = o.GetProperty("lr").GetDouble();
        return c.GetProperty("kind").GetString() switch
        {
            "SGD" => torch.optim.SGD(groups, lr0, Opt(o, "momentum", 0), Opt(o, "dampening", 0), Opt(o, "weight_decay", 0), Flag(o, "nesterov")),
            "RMSprop" => torch.optim.RMSprop(groups, lr0, Opt(o, "alpha", 0.99), Opt(o, "eps", 1e-8), Opt(o, "weight_decay", 0),
                Opt(o, "momentum", 0), Flag(o, "centered")),
            "Adam" => torch.optim.Adam(groups, lr0, Opt(o, "beta1", 0.9), Opt(o, "beta2", 0.999), Opt(o, "eps", 1e-8),
                Opt(o, "weight_decay", 0), Flag(o, "amsgrad")),
            "AdamW" => torch.optim.AdamW(groups, lr0, Opt(o, "beta1", 0.9), Opt(o, "beta2", 0.999), Opt(o, "eps", 1e-8),
                Opt(o, "weight_decay", 0.01), Flag(o, "amsgrad")),
            var k => throw new InvalidOperationException($"unknown optimizer kind {k} in the fixture"),
        };
    }

    [Theory]
    [MemberData(nameof(OptimizerCases))]
    public void Five_steps_match_torch_optim_parameters_after_every_step(string name)
    {
        var c = OptimFixture.Case("optimizers", name);
        var p = OptimFixture.Parameters();
        var (x, y) = OptimFixture.Data();
        using var opt = Build(c, p);
        var step = 0;
        foreach (var expected in c.GetProperty("steps").EnumerateArray())
        {
            OptimFixture.TrainStep(opt, p, x, y);
            OptimFixture.AssertClose(expected, p, Tolerance, $"{name} step {++step}");
        }
        Assert.Equal(5, step);
        Assert.All(Enumerable.Range(0, p.Length), i => Assert.Equal(5, opt.StepCount(i)));
        OptimFixture.Dispose([.. p, x, y]);
    }

    [Theory]
    [MemberData(nameof(TfCases))]
    public void TensorFlow_style_RMSprop_matches_the_NumPy_TF1_update(string name)
    {
        var c = OptimFixture.Case("rmsprop_tf", name);
        var p = OptimFixture.Parameters();
        var (x, y) = OptimFixture.Data();
        using var opt = torch.optim.RMSprop(p, lr: c.GetProperty("lr").GetDouble(), alpha: c.GetProperty("decay").GetDouble(),
            eps: c.GetProperty("eps").GetDouble(), momentum: c.GetProperty("momentum").GetDouble(),
            centered: c.GetProperty("centered").GetBoolean(), epsilonInsideSqrt: true);
        var step = 0;
        foreach (var expected in c.GetProperty("steps").EnumerateArray())
        {
            OptimFixture.TrainStep(opt, p, x, y);
            OptimFixture.AssertClose(expected, p, Tolerance, $"TF RMSprop {name} step {++step}");
        }
        Assert.Equal(5, step);
        OptimFixture.Dispose([.. p, x, y]);
    }

    [Fact]
    public void TensorFlow_style_RMSprop_differs_from_PyTorch_RMSprop_with_the_same_settings()
    {
        // Guards against the flag being ignored: eps = 1 inside vs outside the sqrt gives visibly different updates.
        var c = OptimFixture.Case("rmsprop_tf", "lesa");
        var (x, y) = OptimFixture.Data();
        var pt = OptimFixture.Parameters();
        using (var opt = torch.optim.RMSprop(pt, lr: 0.05, alpha: 0.9, eps: 1.0, momentum: 0.9))
            OptimFixture.TrainStep(opt, pt, x, y);
        var first = c.GetProperty("steps")[0].EnumerateArray().First();
        var want = OptimFixture.Floats(first);
        var got = pt[0].ToArray<float>();
        Assert.True(want.Zip(got).Max(t => Math.Abs(t.First - t.Second)) > 1e-4);
        OptimFixture.Dispose([.. pt, x, y]);
    }

    [Fact]
    public void Parameters_without_a_gradient_are_skipped_and_keep_their_step_count()
    {
        var p = OptimFixture.Parameters();
        var (x, y) = OptimFixture.Data();
        using var extra = torch.ones([3], requires_grad: true).DetachFromDisposeScope();
        using var opt = torch.optim.Adam([.. p, extra], lr: 0.1);
        OptimFixture.TrainStep(opt, p, x, y);
        Assert.Equal(new float[] { 1, 1, 1 }, extra.ToArray<float>());
        Assert.Equal(0, opt.StepCount(3));
        Assert.Equal(1, opt.StepCount(0));
        OptimFixture.Dispose([.. p, x, y]);
    }

    [Fact]
    public void zero_grad_drops_gradients_or_zeroes_them_in_place()
    {
        var p = OptimFixture.Parameters();
        var (x, y) = OptimFixture.Data();
        using var opt = torch.optim.SGD(p, lr: 0.1);
        using (torch.NewDisposeScope()) OptimFixture.Loss(p, x, y).backward();
        opt.zero_grad(set_to_none: false);
        using (torch.NewDisposeScope())
            foreach (var t in p)
            {
                var g = t.grad;
                Assert.NotNull(g);
                Assert.All(g!.ToArray<float>(), v => Assert.Equal(0f, v));
            }
        opt.zero_grad();
        Assert.All(p, t => Assert.Null(t.grad));
        OptimFixture.Dispose([.. p, x, y]);
    }

    [Fact]
    public void Changing_a_group_learning_rate_changes_the_next_update()
    {
        var (x, y) = OptimFixture.Data();
        var a = OptimFixture.Parameters();
        var b = OptimFixture.Parameters();
        using var oa = torch.optim.SGD(a, lr: 0.1);
        using var ob = torch.optim.SGD(b, lr: 0.3);
        oa.ParamGroups[0].LearningRate = 0.3;
        OptimFixture.TrainStep(oa, a, x, y);
        OptimFixture.TrainStep(ob, b, x, y);
        for (var i = 0; i < a.Length; i++) Assert.Equal(b[i].ToArray<float>(), a[i].ToArray<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => oa.ParamGroups[0].LearningRate = -1);
        OptimFixture.Dispose([.. a, .. b, x, y]);
    }
}
