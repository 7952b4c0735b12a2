// NativeMethods.NN.cs - P/Invoke declarations of torch.nn.functional operations and torch.nn.init initialisers.
// Pair arguments (stride, padding, ...) point at two longs.
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Lib)] public static partial IntPtr zsl_linear(TensorHandle x, TensorHandle w, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_conv2d(TensorHandle x, TensorHandle w, TensorHandle b, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(Lib)] public static partial IntPtr zsl_max_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [LibraryImport(Lib)] public static partial IntPtr zsl_adaptive_avg_pool2d(TensorHandle x, long* outputSize);
    [LibraryImport(Lib)] public static partial IntPtr zsl_batch_norm(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle runningMean, TensorHandle runningVar, int training, double momentum, double eps);
    [LibraryImport(Lib)] public static partial IntPtr zsl_layer_norm(TensorHandle x, long* shape, int ndim, TensorHandle weight, TensorHandle bias, double eps);
    [LibraryImport(Lib)] public static partial IntPtr zsl_dropout(TensorHandle x, double p, int training);
    [LibraryImport(Lib)] public static partial IntPtr zsl_embedding(TensorHandle weight, TensorHandle indices, long paddingIdx);
    [LibraryImport(Lib)] public static partial IntPtr zsl_interpolate(TensorHandle x, long* size, int hasSize, double sh, double sw, int mode, int alignCorners);
    [LibraryImport(Lib)] public static partial IntPtr zsl_grid_sample(TensorHandle x, TensorHandle grid, int mode, int paddingMode, int alignCorners);
    [LibraryImport(Lib)] public static partial IntPtr zsl_affine_grid(TensorHandle theta, long* size, int ndim, int alignCorners);
    [LibraryImport(Lib)] public static partial IntPtr zsl_pad(TensorHandle x, long* pads, int npads, int mode, double value);
    [LibraryImport(Lib)] public static partial IntPtr zsl_normalize(TensorHandle x, double p, long dim, double eps);
    [LibraryImport(Lib)] public static partial IntPtr zsl_cross_entropy(TensorHandle x, TensorHandle target, TensorHandle weight, int reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(Lib)] public static partial IntPtr zsl_binary_cross_entropy_with_logits(TensorHandle x, TensorHandle target, TensorHandle weight, TensorHandle posWeight, int reduction);

    [LibraryImport(Lib)] public static partial IntPtr zsl_avg_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad);
    [LibraryImport(Lib)] public static partial IntPtr zsl_one_hot(TensorHandle x, long numClasses);
    [LibraryImport(Lib)] public static partial IntPtr zsl_cosine_similarity(TensorHandle a, TensorHandle b, long dim, double eps);
    [LibraryImport(Lib)] public static partial IntPtr zsl_mse_loss(TensorHandle x, TensorHandle target, int reduction);
    [LibraryImport(Lib)] public static partial IntPtr zsl_l1_loss(TensorHandle x, TensorHandle target, int reduction);
    [LibraryImport(Lib)] public static partial IntPtr zsl_nll_loss(TensorHandle x, TensorHandle target, TensorHandle weight, int reduction, long ignoreIndex);

    [LibraryImport(Lib)] public static partial int zsl_init_kaiming_uniform_(TensorHandle t, double a, int fanMode, int nonlinearity);
    [LibraryImport(Lib)] public static partial int zsl_init_kaiming_normal_(TensorHandle t, double a, int fanMode, int nonlinearity);
    [LibraryImport(Lib)] public static partial int zsl_init_xavier_uniform_(TensorHandle t, double gain);
    [LibraryImport(Lib)] public static partial int zsl_init_uniform_(TensorHandle t, double lo, double hi);
    [LibraryImport(Lib)] public static partial int zsl_init_normal_(TensorHandle t, double mean, double std);
    [LibraryImport(Lib)] public static partial int zsl_init_constant_(TensorHandle t, double value);
    [LibraryImport(Lib)] public static partial int zsl_init_fans(TensorHandle t, out long fanIn, out long fanOut);
}
