// TensorCoreTests.cs - creation, dtype/device, data round trips, arithmetic operators, autograd basics and grad mode.
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch.Tests;

public class TensorCoreTests
{
    [Fact]
    public void Tensor_from_array_keeps_values_shape_and_dtype()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(6, t.numel());
        Assert.Equal(2, t.ndim);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
        Assert.Equal(torch.CPU.type, t.device.type);
    }

    [Fact]
    public void Every_element_type_round_trips_through_a_tensor()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(new double[] { 1.5, -2 }, torch.tensor(new[] { 1.5, -2 }).ToArray<double>());
        Assert.Equal(new long[] { long.MaxValue, -1 }, torch.tensor(new[] { long.MaxValue, -1 }).ToArray<long>());
        Assert.Equal(new[] { 7, -8 }, torch.tensor(new[] { 7, -8 }).ToArray<int>());
        Assert.Equal(new[] { true, false }, torch.tensor(new[] { true, false }).ToArray<bool>());
        Assert.Equal(new byte[] { 0, 255 }, torch.tensor(new byte[] { 0, 255 }).ToArray<byte>());
        Assert.Equal(new[] { (Half)0.5, (Half)(-3) }, torch.tensor(new[] { (Half)0.5, (Half)(-3) }).ToArray<Half>());
        Assert.Equal(ScalarType.Int64, torch.tensor(new long[] { 1 }).dtype);
    }

    [Fact]
    public void Tensor_data_round_trips_for_all_dtypes_including_bfloat16()
    {
        using var scope = torch.NewDisposeScope();
        // bfloat16 1.0 = 0x3F80, -2.0 = 0xC000 (little-endian bytes).
        var bf = new TensorData(ScalarType.BFloat16, [2], [0x80, 0x3F, 0x00, 0xC0]);
        var t = torch.from_data(bf);
        Assert.Equal(ScalarType.BFloat16, t.dtype);
        Assert.Equal(new float[] { 1, -2 }, t.to(torch.float32).ToArray<float>());
        Assert.Equal(bf.Data, t.ToData().Data);
        foreach (var type in new[] { ScalarType.Byte, ScalarType.Int8, ScalarType.Int16, ScalarType.Int32, ScalarType.Int64, ScalarType.Float16, ScalarType.Float32, ScalarType.Float64, ScalarType.Bool })
        {
            var src = torch.tensor(new float[] { 0, 1, 1, 0, 1, 1 }, [2, 3]).to(type);
            var data = src.ToData();
            Assert.Equal(type, data.DType);
            Assert.Equal([2L, 3L], data.Shape);
            var back = torch.from_data(data);
            Assert.Equal(new float[] { 0, 1, 1, 0, 1, 1 }, back.to(torch.float32).ToArray<float>());
        }
    }

    [Fact]
    public void Two_dimensional_arrays_and_scalars_become_tensors_of_their_shape()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2L, 3L], m.shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, m.ToArray<float>());
        Assert.Equal([0L, 3L], torch.tensor(new double[0, 3]).shape);
        var s = torch.tensor(2.5);
        Assert.Empty(s.shape);
        Assert.Equal(ScalarType.Float64, s.dtype);
        Assert.Equal(ScalarType.Float32, torch.tensor(new long[] { 1, 2 }, dtype: torch.float32).dtype);
        Assert.True(torch.tensor(new double[] { 1, 2 }, dtype: torch.float32, requires_grad: true).requires_grad);
    }

    [Fact]
    public void Factories_make_the_requested_shapes_and_values()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(new float[] { 0, 0, 0, 0 }, torch.zeros(2, 2).ToArray<float>());
        Assert.Equal(new float[] { 1, 1, 1 }, torch.ones(3).ToArray<float>());
        Assert.Equal(new long[] { 7, 7 }, torch.full([2], 7).ToArray<long>());
        Assert.Equal(new float[] { 2.5f, 2.5f }, torch.full([2], 2.5).ToArray<float>());
        Assert.Equal(new long[] { 0, 1, 2, 3 }, torch.arange(4).ToArray<long>());
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f }, torch.arange(1.0, 3.0, 0.5).ToArray<float>());
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0 }, torch.eye(2, 3).ToArray<float>());
        Assert.Equal([3L, 4L], torch.randn(3, 4).shape);
        Assert.Equal([5L], torch.empty([5], torch.float64).shape);
        var r = torch.rand(1000).ToArray<float>();
        Assert.All(r, v => Assert.InRange(v, 0f, 1f));
        var x = torch.ones([2, 3], torch.int32);
        Assert.Equal(ScalarType.Int32, torch.zeros_like(x).dtype);
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 1 }, torch.ones_like(x).ToArray<int>());
    }

    [Fact]
    public void Manual_seed_makes_random_tensors_reproducible()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(123);
        var a = torch.randn(8).ToArray<float>();
        torch.manual_seed(123);
        var b = torch.randn(8).ToArray<float>();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Operators_broadcast_and_keep_integer_types_with_integer_scalars()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var b = torch.tensor(new float[] { 10, 20, 30 });
        Assert.Equal(new float[] { 11, 22, 33, 14, 25, 36 }, (a + b).ToArray<float>());
        Assert.Equal(new float[] { -9, -18, -27, -6, -15, -24 }, (a - b).ToArray<float>());
        Assert.Equal(new float[] { 10, 40, 90, 40, 100, 180 }, (a * b).ToArray<float>());
        Assert.Equal(new float[] { 2, 4, 6, 8, 10, 12 }, (a * 2).ToArray<float>());
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, (a - 1).ToArray<float>());
        Assert.Equal(new float[] { 9, 8, 7, 6, 5, 4 }, (10 - a).ToArray<float>());
        Assert.Equal(new float[] { 12, 6, 4, 3, 2.4f, 2 }, (12 / a).ToArray<float>());
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }, (a / 2).ToArray<float>());
        Assert.Equal(new float[] { -1, -2, -3, -4, -5, -6 }, (-a).ToArray<float>());
        var i = torch.tensor(new long[] { 1, 2 });
        Assert.Equal(ScalarType.Int64, (i + 2).dtype);
        Assert.Equal(ScalarType.Float32, (i + 2.5).dtype);
        Assert.Equal(new[] { false, true, true }, b.gt(15).ToArray<bool>());
        Assert.Equal(new[] { true, false, false }, b.le(torch.tensor(new float[] { 10, 10, 10 })).ToArray<bool>());
    }

    [Fact]
    public void Matmul_and_reductions_give_exact_small_results()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var b = torch.tensor(new float[] { 1, 0, 0, 1, 1, 1 }, [3, 2]);
        // (2, 3) @ (3, 2) -> (2, 2)
        Assert.Equal(new float[] { 4, 5, 10, 11 }, a.matmul(b).ToArray<float>());
        Assert.Equal(21f, a.sum().item<float>());
        Assert.Equal(new float[] { 6, 15 }, a.sum(1).ToArray<float>());
        Assert.Equal([2L, 1L], a.sum(1, keepdim: true).shape);
        Assert.Equal(new float[] { 2.5f, 3.5f, 4.5f }, a.mean(0).ToArray<float>());
        Assert.Equal(new float[] { 3, 6 }, a.amax(1).ToArray<float>());
        var (values, indexes) = a.max(1);
        Assert.Equal(new float[] { 3, 6 }, values.ToArray<float>());
        Assert.Equal(new long[] { 2, 2 }, indexes.ToArray<long>());
        Assert.Equal(5L, a.argmax().item<long>());
    }

    [Fact]
    public void Backward_fills_leaf_gradients_and_grad_can_be_cleared()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 1, 2, 3 }, requires_grad: true);
        Assert.True(x.requires_grad);
        Assert.Null(x.grad);
        var y = (x * x).sum();   // dy/dx = 2x
        y.backward();
        Assert.Equal(new float[] { 2, 4, 6 }, x.grad!.ToArray<float>());
        (x * 3).sum().backward();  // gradients accumulate
        Assert.Equal(new float[] { 5, 7, 9 }, x.grad!.ToArray<float>());
        x.grad = null;
        Assert.Null(x.grad);
        var z = x * 2;
        z.backward(torch.tensor(new float[] { 1, 0, 1 }));
        Assert.Equal(new float[] { 2, 0, 2 }, x.grad!.ToArray<float>());
        Assert.False(z.detach().requires_grad);
        Assert.True(x.is_leaf);
        Assert.False(z.is_leaf);
    }

    [Fact]
    public void No_grad_scope_is_thread_local_and_restores_on_dispose()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2], requires_grad: true);
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            Assert.False((x * 2).requires_grad);
            using (torch.no_grad()) { }
            Assert.False(torch.is_grad_enabled());
        }
        Assert.True(torch.is_grad_enabled());
        Assert.True((x * 2).requires_grad);
        // Another thread keeps its own grad mode (a plain thread: scopes and grad mode must not cross an await).
        var otherThreadEnabled = false;
        using (torch.no_grad())
        {
            var thread = new Thread(() => otherThreadEnabled = torch.is_grad_enabled());
            thread.Start();
            thread.Join();
        }
        Assert.True(otherThreadEnabled);
    }

    [Fact]
    public void In_place_ops_used_by_optimizers_update_the_tensor()
    {
        using var scope = torch.NewDisposeScope();
        var p = torch.tensor(new float[] { 1, 2 });
        var g = torch.tensor(new float[] { 2, 4 });
        p.add_(g, alpha: -0.5);                  // [0, 0]
        Assert.Equal(new float[] { 0, 0 }, p.ToArray<float>());
        p.add_(1).mul_(3);                       // [3, 3]
        p.addcmul_(g, g, value: 0.25);           // [4, 7]
        Assert.Equal(new float[] { 4, 7 }, p.ToArray<float>());
        p.addcdiv_(g, g, value: 2);              // [6, 9]
        Assert.Equal(new float[] { 6, 9 }, p.ToArray<float>());
        p.fill_(16).sqrt_();
        Assert.Equal(new float[] { 4, 4 }, p.ToArray<float>());
        p.copy_(g);
        Assert.Equal(new float[] { 2, 4 }, p.ToArray<float>());
        p.zero_();
        Assert.Equal(new float[] { 0, 0 }, p.ToArray<float>());
        var w = torch.ones([2], requires_grad: true);
        using (torch.no_grad()) w.sub_(g, alpha: 0.5);
        Assert.Equal(new float[] { 0, -1 }, w.ToArray<float>());
    }

    [Fact]
    public void Indexing_with_ints_ranges_slices_and_masks_matches_pytorch_semantics()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.arange(12).reshape(3, 4);
        Assert.Equal(new long[] { 4, 5, 6, 7 }, a[1].ToArray<long>());
        Assert.Equal(6L, a[1, 2].item<long>());
        Assert.Equal(new long[] { 0, 4, 8 }, a[.., 0].ToArray<long>());
        Assert.Equal(new long[] { 3, 7, 11 }, a[.., ^1].ToArray<long>());
        Assert.Equal(new long[] { 4, 5, 6, 7, 8, 9, 10, 11 }, a[1..].ToArray<long>());
        Assert.Equal(new long[] { 1, 3, 5, 7 }, a[TensorIndex.Slice(0, 2), TensorIndex.Slice(1, null, 2)].ToArray<long>());
        Assert.Equal([1L, 3L, 4L], a[TensorIndex.None].shape);
        Assert.Equal([3L], a[TensorIndex.Ellipsis, 2].shape);
        Assert.Equal(new long[] { 9, 10, 11 }, a[a.gt(8)].ToArray<long>());
        a[0] = torch.tensor(new long[] { -1, -1, -1, -1 });
        a.index_put_(100, TensorIndex.Colon, 3);
        Assert.Equal(new long[] { -1, -1, -1, 100, 4, 5, 6, 100, 8, 9, 10, 100 }, a.ToArray<long>());
    }

    [Fact]
    public void Device_parsing_and_cpu_moves_work_without_cuda()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(new torch.Device(DeviceType.CUDA, 1), torch.device("cuda:1"));
        Assert.Equal(torch.CPU, torch.device("cpu"));
        var t = torch.ones(2).to(torch.CPU);
        Assert.Equal(DeviceType.CPU, t.cpu().device.type);
        Assert.Equal(ScalarType.Float64, t.to(torch.float64).dtype);
        Assert.Throws<ArgumentException>(() => torch.device("tpu"));
    }
}
