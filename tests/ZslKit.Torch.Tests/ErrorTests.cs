// ErrorTests.cs - bad shapes, dtypes, dims, missing CUDA and ABI mismatch raise the documented exceptions and the
// process survives.
using ZslKit.Torch;
using ZslKit.Torch.Native;

namespace ZslKit.Torch.Tests;

public class ErrorTests
{
    [Fact]
    public void Matmul_shape_mismatch_raises_TorchException_naming_the_op_and_shapes()
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<TorchException>(() => torch.zeros(2, 3).matmul(torch.zeros(4, 5)));
        Assert.StartsWith("matmul: ", e.Message);
        Assert.Contains("2x3", e.Message);
        Assert.Contains("4x5", e.Message);
        // The thread and the library keep working afterwards.
        Assert.Equal([2L, 5L], torch.zeros(2, 4).matmul(torch.zeros(4, 5)).shape);
    }

    [Fact]
    public void Broadcast_failures_and_bad_views_raise_TorchException()
    {
        using var scope = torch.NewDisposeScope();
        Assert.StartsWith("add: ", Assert.Throws<TorchException>(() => torch.zeros(2, 3) + torch.zeros(4)).Message);
        Assert.StartsWith("reshape: ", Assert.Throws<TorchException>(() => torch.zeros(2, 3).reshape(4, 2)).Message);
        Assert.StartsWith("cat: ", Assert.Throws<TorchException>(() => torch.cat([torch.zeros(2, 3), torch.zeros(2, 4)])).Message);
    }

    [Fact]
    public void Out_of_range_dims_are_rejected_before_the_native_call()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.zeros(2, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => t.softmax(2));
        Assert.Contains("softmax", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.sum(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.transpose(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.unsqueeze(4));
        Assert.Equal([2L, 3L, 1L], t.unsqueeze(-1).shape);
    }

    [Fact]
    public void Wrong_element_type_and_data_length_raise_ArgumentException()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.zeros(2);
        Assert.Throws<ArgumentException>(() => t.ToArray<double>());
        Assert.Throws<ArgumentException>(() => torch.tensor(new long[] { 1 }).item<int>());
        Assert.Throws<ArgumentException>(() => torch.tensor(new float[] { 1, 2, 3 }, [2, 2]));
        Assert.Throws<ArgumentNullException>(() => t.add(null!));
        Assert.Throws<ArgumentException>(() => torch.zeros([-1]));
        Assert.Throws<InvalidOperationException>(() => t.item<float>());
    }

    [Fact]
    public void Bad_dtype_for_an_op_raises_TorchException()
    {
        using var scope = torch.NewDisposeScope();
        var ints = torch.tensor(new long[] { 1, 2 });
        Assert.Throws<TorchException>(() => ints.requires_grad_());
        Assert.Throws<TorchException>(() => torch.zeros(2, 2).matmul(torch.zeros([2, 2], torch.int64)));
    }

    [Fact]
    public void Cuda_on_a_machine_without_cuda_raises_CudaUnavailableException()
    {
        Skip.If(torch.cuda.is_available(), "CUDA is available here");
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<CudaUnavailableException>(() => torch.ones(2).cuda());
        Assert.Contains("CUDA is not available", e.Message);
        Assert.Throws<CudaUnavailableException>(() => torch.zeros([2], device: torch.CUDA));
        Assert.Throws<CudaUnavailableException>(() => torch.cuda.synchronize());
    }

    [Fact]
    public void Abi_checker_accepts_equal_versions_and_explains_a_mismatch()
    {
        Assert.Null(NativeLibraryResolver.AbiMismatch(3, 3, "/x/libzslnative.so"));
        var message = NativeLibraryResolver.AbiMismatch(1, 3, "/x/libzslnative.so");
        Assert.NotNull(message);
        Assert.Contains("/x/libzslnative.so", message);
        Assert.Contains("version 1", message);
        Assert.Contains("version 3", message);
        Assert.Contains("environment/setup.sh", message);
        Assert.Equal(NativeMethods.AbiVersion, torch.NativeAbiVersion);
    }

    [Fact]
    public void Resolver_tries_the_environment_variable_then_the_assembly_folder_then_artifacts_above()
    {
        var dir = Directory.CreateTempSubdirectory("zslres").FullName;
        var bin = Path.Combine(dir, "a", "b");
        Directory.CreateDirectory(bin);
        var list = NativeLibraryResolver.Candidates(dir, bin, "/base");
        Assert.Equal(Path.Combine(dir, "libzslnative.so"), list[0]);
        Assert.Equal(Path.Combine(bin, "libzslnative.so"), list[1]);
        Assert.Equal("/base/libzslnative.so", list[2]);
        Assert.Contains(Path.Combine(dir, "a", "artifacts", "native", "libzslnative.so"), list);
        Assert.Equal("/some/file.so", NativeLibraryResolver.Candidates("/some/file.so", null, "/base")[0]);
        Directory.Delete(dir, true);
    }
}
