// FeatureMapAssert.cs - the parity criterion of the backbone tests: max |a - b| <= tol * max |b| over a whole map.
namespace ZslKit.Tests.Models.Backbones;

using ZslKit.Torch;
using ZslKit.Torch.Serialization;

internal static class FeatureMapAssert
{
    /// <summary>
    /// Asserts equal shapes and max |actual - expected| &lt;= relative * max |expected| (relative to the map's scale, so
    /// ReLU zeros and tiny values do not make an elementwise relative error meaningless).
    /// </summary>
    public static void Close(TensorData expected, Tensor actual, double relative, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}], torchvision [{string.Join(", ", expected.Shape)}]");
        Assert.Equal(ScalarType.Float32, expected.DType);
        var want = new float[expected.NumElements];
        Buffer.BlockCopy(expected.Data, 0, want, 0, expected.Data.Length);
        var got = actual.detach().cpu().contiguous().ToArray<float>();
        double scale = 0, diff = 0;
        for (var i = 0; i < want.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(want[i]));
            diff = Math.Max(diff, Math.Abs(got[i] - (double)want[i]));
        }
        Assert.True(scale > 0, $"{what}: the reference map is all zeros (a useless fixture)");
        Assert.True(diff <= relative * scale, $"{what}: max |diff| = {diff:G4} > {relative} x max |ref| = {relative * scale:G4}");
    }
}
