// NativeOptimTests.cs - the shim's zsl_optim_step validates its whole argument table before touching any tensor and
// reports failures through the per-thread last error; updates work for float64 parameters too.
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Tests.Optim;

public unsafe class NativeOptimTests
{
    [Fact]
    public void A_missing_state_slot_fails_with_a_message_and_leaves_every_tensor_unchanged()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([3], requires_grad: true);
        var b = torch.ones([2], requires_grad: true);
        a.sum().backward();
        (b * 2).sum().backward();
        using var expAvg = torch.zeros([3]).DetachFromDisposeScope();
        using var expAvgSq = torch.zeros([3]).DetachFromDisposeScope();
        var group = new ZslOptimGroup { Lr = 0.1, Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8 };
        var groupIndex = new int[2];
        var steps = new long[2];
        // Parameter 0 has its Adam state, parameter 1 has none: the call must fail before updating parameter 0.
        var raw = new[] { a.Handle.DangerousGetHandle(), b.Handle.DangerousGetHandle() };
        var state = new[] { expAvg.Handle.DangerousGetHandle(), expAvgSq.Handle.DangerousGetHandle(), IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero };
        int rc;
        fixed (int* gi = groupIndex)
        fixed (IntPtr* pp = raw)
        fixed (IntPtr* ps = state)
        fixed (long* st = steps)
            rc = NativeMethods.zsl_optim_step((int)OptimKind.Adam, &group, 1, gi, pp, 2, ps, NativeMethods.OptimSlots, st);
        Assert.NotEqual(0, rc);
        var message = NativeMethods.LastError();
        Assert.StartsWith("optim_step: ", message);
        Assert.Contains("parameter 1: state slot 0 is missing", message);
        Assert.Equal(new float[] { 1, 1, 1 }, a.ToArray<float>());
        Assert.Equal(new float[] { 0, 0, 0 }, expAvg.ToArray<float>());
        Assert.Equal([0L, 0L], steps);
    }

    [Fact]
    public void An_unknown_optimizer_kind_is_reported()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([1], requires_grad: true);
        a.sum().backward();
        var group = new ZslOptimGroup { Lr = 0.1 };
        var gi = 0;
        long step = 0;
        var p = a.Handle.DangerousGetHandle();
        var state = stackalloc IntPtr[NativeMethods.OptimSlots];
        var rc = NativeMethods.zsl_optim_step(99, &group, 1, &gi, &p, 1, state, NativeMethods.OptimSlots, &step);
        Assert.NotEqual(0, rc);
        Assert.Contains("unknown optimizer kind 99", NativeMethods.LastError());
    }

    [Fact]
    public void SGD_updates_float64_parameters_in_their_own_dtype()
    {
        using var scope = torch.NewDisposeScope();
        var p = torch.tensor(new double[] { 1.0, -2.0, 0.5 }, requires_grad: true);
        using var opt = torch.optim.SGD([p], lr: 0.25);
        (p * p).sum().backward();  // gradient 2p
        opt.step();
        Assert.Equal(ScalarType.Float64, p.dtype);
        Assert.Equal(new[] { 0.5, -1.0, 0.25 }, p.ToArray<double>());
    }
}
