// LifetimeTests.cs - dispose scopes and the native live-handle counter (run alone: the counter is process-wide).
using ZslKit.Torch;

namespace ZslKit.Torch.Tests;

[CollectionDefinition("LiveTensorCounter", DisableParallelization = true)]
public sealed class LiveTensorCounterCollection;

[Collection("LiveTensorCounter")]
public class LifetimeTests
{
    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return torch.LiveTensorCount;
    }

    [Fact]
    public void Thousand_training_like_steps_in_scopes_leave_the_live_count_unchanged()
    {
        torch.manual_seed(0);
        using var w = torch.randn([8, 4]).requires_grad_();
        using var x = torch.randn([16, 8]);
        var before = Settled();
        for (var step = 0; step < 1000; step++)
        {
            using var scope = torch.NewDisposeScope();
            var h = x.matmul(w).tanh();           // (16, 8) @ (8, 4) -> (16, 4)
            var loss = h.softmax(1).log().mean() * -1;
            loss.backward();
            using (torch.no_grad()) w.add_(w.grad!, alpha: -0.01);
            w.grad = null;
        }
        Assert.Equal(before, torch.LiveTensorCount);
    }

    [Fact]
    public void Disposing_a_scope_frees_its_tensors_but_not_moved_or_detached_ones()
    {
        var before = Settled();
        Tensor kept, detached;
        using (var scope = torch.NewDisposeScope())
        {
            var a = torch.ones(3);
            kept = (a * 2).MoveToOuterDisposeScope();
            detached = (a + 1).DetachFromDisposeScope();
            Assert.Equal(1, scope.DisposablesCount);
            Assert.Equal(before + 3, torch.LiveTensorCount);
        }
        Assert.Equal(before + 2, torch.LiveTensorCount);
        Assert.Equal(new float[] { 2, 2, 2 }, kept.ToArray<float>());
        kept.Dispose();
        detached.Dispose();
        Assert.Equal(before, torch.LiveTensorCount);
    }

    [Fact]
    public void Nested_scopes_hand_moved_tensors_to_the_outer_scope()
    {
        var before = Settled();
        using (var outer = torch.NewDisposeScope())
        {
            Tensor moved;
            using (var inner = torch.NewDisposeScope())
            {
                var t = torch.zeros(2);
                moved = inner.MoveToOuter(t + 5);
                Assert.Same(outer, DisposeScope.Current!.OuterScope);
            }
            Assert.False(moved.IsDisposed);
            Assert.Equal(1, outer.DisposablesCount);
            Assert.Equal(new float[] { 5, 5 }, moved.ToArray<float>());
            Assert.Same(outer, DisposeScope.Current);
        }
        Assert.Null(DisposeScope.Current);
        Assert.Equal(before, torch.LiveTensorCount);
    }

    [Fact]
    public void Disposing_an_outer_scope_before_the_inner_one_is_refused()
    {
        var outer = torch.NewDisposeScope();
        var inner = torch.NewDisposeScope();
        Assert.Throws<InvalidOperationException>(outer.Dispose);
        inner.Dispose();
        outer.Dispose();
        Assert.Null(DisposeScope.Current);
    }

    [Fact]
    public void A_disposed_tensor_raises_ObjectDisposedException_instead_of_crashing()
    {
        var t = torch.ones(2);
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.sum());
        using var u = torch.ones(2);
        Assert.Throws<ObjectDisposedException>(() => u + t);
    }
}
