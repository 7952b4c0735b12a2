// StateDictTests.cs - state_dict()/load_state_dict(): saving after 3 steps and loading into a fresh optimizer over
// copies of the parameters continues exactly like an uninterrupted 5-step run; mismatched states are refused.
using ZslKit.Torch.Optim;

namespace ZslKit.Torch.Tests.Optim;

public class StateDictTests
{
    private static Tensor[] Copy(Tensor[] p) =>
        p.Select(t => t.detach().clone().requires_grad_().DetachFromDisposeScope()).ToArray();

    public static IEnumerable<object[]> Makers() =>
    [
        ["SGD momentum nesterov", (Func<Tensor[], Optimizer>)(p => torch.optim.SGD(p, lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01))],
        ["RMSprop centered momentum", (Func<Tensor[], Optimizer>)(p => torch.optim.RMSprop(p, lr: 0.01, alpha: 0.9, momentum: 0.9, centered: true))],
        ["RMSprop TF", (Func<Tensor[], Optimizer>)(p => torch.optim.RMSprop(p, lr: 0.05, alpha: 0.9, eps: 1.0, momentum: 0.9, epsilonInsideSqrt: true))],
        ["Adam amsgrad", (Func<Tensor[], Optimizer>)(p => torch.optim.Adam(p, lr: 0.02, amsgrad: true, weight_decay: 0.01))],
        ["AdamW", (Func<Tensor[], Optimizer>)(p => torch.optim.AdamW(p, lr: 0.01, weight_decay: 0.1))],
    ];

    [Theory]
    [MemberData(nameof(Makers))]
    public void Resuming_from_a_state_dict_after_3_steps_equals_an_uninterrupted_run(string what, Func<Tensor[], Optimizer> make)
    {
        var (x, y) = OptimFixture.Data();
        var full = OptimFixture.Parameters();
        var part = OptimFixture.Parameters();
        using (var opt = make(full))
            for (var i = 0; i < 5; i++) OptimFixture.TrainStep(opt, full, x, y);

        Tensor[] resumed;
        using (var first = make(part))
        {
            for (var i = 0; i < 3; i++) OptimFixture.TrainStep(first, part, x, y);
            using var saved = first.state_dict();
            Assert.All(saved.State, s => Assert.Equal(3, s.Step));
            resumed = Copy(part);
            using var second = make(resumed);
            second.load_state_dict(saved);
            for (var i = 0; i < 2; i++) OptimFixture.TrainStep(second, resumed, x, y);
        }
        for (var i = 0; i < full.Length; i++)
            Assert.True(full[i].ToArray<float>().SequenceEqual(resumed[i].ToArray<float>()), $"{what}: parameter {i} differs after resuming");
        OptimFixture.Dispose([.. full, .. part, .. resumed, x, y]);
    }

    [Fact]
    public void Without_the_state_the_resumed_run_differs()
    {
        // The round trip above is only meaningful if a fresh optimizer would not reproduce the run by itself.
        var (x, y) = OptimFixture.Data();
        var full = OptimFixture.Parameters();
        var part = OptimFixture.Parameters();
        using (var opt = torch.optim.Adam(full, lr: 0.02))
            for (var i = 0; i < 5; i++) OptimFixture.TrainStep(opt, full, x, y);
        using (var first = torch.optim.Adam(part, lr: 0.02))
            for (var i = 0; i < 3; i++) OptimFixture.TrainStep(first, part, x, y);
        using (var second = torch.optim.Adam(part, lr: 0.02))
            for (var i = 0; i < 2; i++) OptimFixture.TrainStep(second, part, x, y);
        Assert.False(full[0].ToArray<float>().SequenceEqual(part[0].ToArray<float>()));
        OptimFixture.Dispose([.. full, .. part, x, y]);
    }

    [Fact]
    public void State_dict_holds_the_PyTorch_state_names_and_group_rates()
    {
        var p = OptimFixture.Parameters();
        var (x, y) = OptimFixture.Data();
        using var opt = torch.optim.Adam([new ParamGroup(p[..2]), new ParamGroup(p[2..], lr: 0.5)], lr: 0.1, amsgrad: true);
        OptimFixture.TrainStep(opt, p, x, y);
        using var sd = opt.state_dict();
        Assert.Equal("Adam", sd.Optimizer);
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq"], sd.State[0].Tensors.Keys.Order());
        Assert.Equal([0.1, 0.5], sd.ParamGroups.Select(g => g.LearningRate));
        Assert.Equal([2], sd.ParamGroups[1].Params);
        Assert.Equal([5L, 4L], sd.State[0].Tensors["exp_avg"].shape);
        OptimFixture.Dispose([.. p, x, y]);
    }

    [Fact]
    public void Loading_a_mismatched_state_is_refused_without_changing_the_optimizer()
    {
        var p = OptimFixture.Parameters();
        var (x, y) = OptimFixture.Data();
        using var adam = torch.optim.Adam(p, lr: 0.1);
        using var sgd = torch.optim.SGD(p, lr: 0.1, momentum: 0.9);
        OptimFixture.TrainStep(adam, p, x, y);
        using var saved = adam.state_dict();
        Assert.Contains("Adam", Assert.Throws<ArgumentException>(() => sgd.load_state_dict(saved)).Message);
        using var fewer = torch.optim.Adam(p[..2], lr: 0.1);
        Assert.Throws<ArgumentException>(() => fewer.load_state_dict(saved));
        var other = new[] { p[2], p[1], p[0] };
        using var reordered = torch.optim.Adam(other, lr: 0.1);
        Assert.Contains("shape", Assert.Throws<ArgumentException>(() => reordered.load_state_dict(saved)).Message);
        Assert.Equal(0, reordered.StepCount(0));
        OptimFixture.Dispose([.. p, x, y]);
    }
}
