// OptimizerLifetimeTests.cs - training with optimizers inside dispose scopes leaks no native tensors (run in the
// engine's LiveTensorCounter collection: the counter is process-wide).
namespace ZslKit.Torch.Tests.Optim;

[Collection("LiveTensorCounter")]
public class OptimizerLifetimeTests
{
    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return torch.LiveTensorCount;
    }

    [Fact]
    public void Thousand_training_steps_in_dispose_scopes_leave_the_live_tensor_count_unchanged()
    {
        var p = OptimFixture.Parameters();
        var (x, y) = OptimFixture.Data();
        using var adam = torch.optim.Adam(p, lr: 1e-3, amsgrad: true);
        using var rms = torch.optim.RMSprop(p, lr: 1e-4, alpha: 0.9, eps: 1.0, momentum: 0.9, epsilonInsideSqrt: true);
        OptimFixture.TrainStep(adam, p, x, y);  // allocate the optimizers' state before counting
        OptimFixture.TrainStep(rms, p, x, y);
        adam.zero_grad();
        var before = Settled();
        for (var i = 0; i < 1000; i++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = OptimFixture.Loss(p, x, y);
            loss.backward();
            (i % 2 == 0 ? (ZslKit.Torch.Optim.Optimizer)adam : rms).step();
            adam.zero_grad(set_to_none: i % 3 != 0);
        }
        adam.zero_grad();
        Assert.Equal(before, Settled());
        Assert.Equal(501, adam.StepCount(0));
        OptimFixture.Dispose([.. p, x, y]);
    }

    [Fact]
    public void Disposing_an_optimizer_and_its_state_dict_frees_their_state_tensors()
    {
        var p = OptimFixture.Parameters();
        var (x, y) = OptimFixture.Data();
        var before = Settled();
        var opt = torch.optim.Adam(p, lr: 1e-3, amsgrad: true);
        using (var scope = torch.NewDisposeScope())
        {
            OptimFixture.TrainStep(opt, p, x, y);  // state created inside a scope must survive it
        }
        Assert.Equal(before + 9, torch.LiveTensorCount);  // 3 parameters x (exp_avg, exp_avg_sq, max_exp_avg_sq)
        var sd = opt.state_dict();
        Assert.Equal(before + 18, torch.LiveTensorCount);
        sd.Dispose();
        opt.zero_grad();
        opt.Dispose();
        Assert.Equal(before, Settled());
        OptimFixture.Dispose([.. p, x, y]);
    }
}
