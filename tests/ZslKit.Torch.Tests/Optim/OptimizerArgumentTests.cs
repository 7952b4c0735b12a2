// OptimizerArgumentTests.cs - bad optimizer arguments (empty parameter list, non-leaf tensors, negative rates, ...)
// raise ArgumentException-family errors before the optimizer calls into the engine.
namespace ZslKit.Torch.Tests.Optim;

public class OptimizerArgumentTests
{
    [Fact]
    public void An_empty_parameter_list_is_refused()
    {
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => torch.optim.SGD(Array.Empty<Tensor>(), lr: 0.1)).Message);
        Assert.Throws<ArgumentException>(() => torch.optim.Adam(Array.Empty<Tensor>()));
        Assert.Throws<ArgumentException>(() => torch.optim.RMSprop(Array.Empty<Tensor>()));
        Assert.Throws<ArgumentException>(() => torch.optim.AdamW([new ZslKit.Torch.Optim.ParamGroup([])]));
    }

    [Fact]
    public void A_non_leaf_parameter_is_refused()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.ones([2, 2], requires_grad: true);
        var nonLeaf = w * 2;
        var e = Assert.Throws<ArgumentException>(() => torch.optim.Adam([w, nonLeaf]));
        Assert.Contains("non-leaf", e.Message);
        Assert.Contains("parameter 1", e.Message);
    }

    [Fact]
    public void Negative_or_invalid_hyper_parameters_are_refused_before_any_native_call()
    {
        // The parameter is already disposed: touching the engine would raise ObjectDisposedException instead.
        var p = torch.ones([2], requires_grad: true).DetachFromDisposeScope();
        p.Dispose();
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.SGD([p], lr: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.Adam([p], lr: -1e-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.AdamW([p], lr: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.RMSprop([p], lr: -0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.Adam([p], beta1: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.RMSprop([p], eps: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.SGD([p], lr: 0.1, momentum: -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => torch.optim.SGD([p], lr: 0.1, weight_decay: -1));
        Assert.Throws<ArgumentException>(() => torch.optim.SGD([p], lr: 0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZslKit.Torch.Optim.ParamGroup([p], lr: -1));
        Assert.Throws<ObjectDisposedException>(() => torch.optim.SGD([p], lr: 0.1));  // valid settings reach the tensor
    }

    [Fact]
    public void A_parameter_listed_twice_is_refused()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.ones([2], requires_grad: true);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => torch.optim.SGD([w, w], lr: 0.1)).Message);
    }

    [Fact]
    public void A_disposed_optimizer_refuses_to_step()
    {
        var p = torch.ones([2], requires_grad: true).DetachFromDisposeScope();
        var opt = torch.optim.SGD([p], lr: 0.1);
        opt.Dispose();
        Assert.Throws<ObjectDisposedException>(opt.step);
        Assert.Throws<ObjectDisposedException>(() => opt.zero_grad());
        p.Dispose();
    }
}
