// Functional.cs - torch.nn.functional: stateless layers and losses with PyTorch's argument names and defaults.
using ZslKit.Torch.Native;
using static ZslKit.Torch.torch;

namespace ZslKit.Torch;

/// <summary>Loss reduction, as PyTorch's reduction='none' | 'mean' | 'sum'.</summary>
public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}

/// <summary>Padding mode of <c>torch.nn.functional.pad</c>.</summary>
public enum PaddingModes
{
    Constant = 0,
    Reflect = 1,
    Replicate = 2,
    Circular = 3,
}

/// <summary>Interpolation mode of <c>interpolate</c>.</summary>
public enum InterpolationMode
{
    Nearest = 0,
    Bilinear = 1,
}

/// <summary>Sampling mode of <c>grid_sample</c>.</summary>
public enum GridSampleMode
{
    Bilinear = 0,
    Nearest = 1,
    Bicubic = 2,
}

/// <summary>Out-of-range handling of <c>grid_sample</c>.</summary>
public enum GridSamplePaddingMode
{
    Zeros = 0,
    Border = 1,
    Reflection = 2,
}

public static partial class torch
{
    public static partial class nn
    {
        public static unsafe partial class functional
        {
            public static Tensor relu(Tensor input) => NotNull(input).relu();
            public static Tensor gelu(Tensor input, string approximate = "none") => NotNull(input).gelu(approximate);
            public static Tensor tanh(Tensor input) => NotNull(input).tanh();
            public static Tensor sigmoid(Tensor input) => NotNull(input).sigmoid();
            public static Tensor softmax(Tensor input, long dim) => NotNull(input).softmax(dim);
            public static Tensor log_softmax(Tensor input, long dim) => NotNull(input).log_softmax(dim);

            /// <summary>y = x W^T + b; x (*, in), weight (out, in), bias (out) -> (*, out).</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
                Tensor.Wrap(NativeMethods.zsl_linear(Arg(input), Arg(weight), Opt(bias)));

            /// <summary>2-D convolution; input (N, C, H, W), weight (O, C/groups, kH, kW).</summary>
            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null, (long, long)? padding = null,
                (long, long)? dilation = null, long groups = 1)
            {
                var s = Pair(stride ?? (1, 1), nameof(stride), 1);
                var p = Pair(padding ?? (0, 0), nameof(padding), 0);
                var d = Pair(dilation ?? (1, 1), nameof(dilation), 1);
                if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "conv2d: groups must be >= 1");
                return Tensor.Wrap(NativeMethods.zsl_conv2d(Arg(input), Arg(weight), Opt(bias), s, p, d, groups));
            }

            /// <summary>2-D max pooling over (N, C, H, W); stride defaults to the kernel size.</summary>
            public static Tensor max_pool2d(Tensor input, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
                (long, long)? dilation = null, bool ceil_mode = false)
            {
                var k = Pair(kernel_size, nameof(kernel_size), 1);
                var s = Pair(stride ?? kernel_size, nameof(stride), 1);
                var p = Pair(padding ?? (0, 0), nameof(padding), 0);
                var d = Pair(dilation ?? (1, 1), nameof(dilation), 1);
                return Tensor.Wrap(NativeMethods.zsl_max_pool2d(Arg(input), k, s, p, d, ceil_mode ? 1 : 0));
            }

            public static Tensor max_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0) =>
                max_pool2d(input, (kernel_size, kernel_size), stride is { } st ? (st, st) : null, (padding, padding));

            /// <summary>Average pooling to a fixed (H, W) output.</summary>
            public static Tensor adaptive_avg_pool2d(Tensor input, (long, long) output_size)
            {
                var o = Pair(output_size, nameof(output_size), 0);
                return Tensor.Wrap(NativeMethods.zsl_adaptive_avg_pool2d(Arg(input), o));
            }

            public static Tensor adaptive_avg_pool2d(Tensor input, long output_size) => adaptive_avg_pool2d(input, (output_size, output_size));

            /// <summary>Batch normalisation over dim 1; in training mode updates running_mean/var in place (momentum as PyTorch).</summary>
            public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null,
                bool training = false, double momentum = 0.1, double eps = 1e-5) =>
                Tensor.Wrap(NativeMethods.zsl_batch_norm(Arg(input), Opt(weight), Opt(bias), Opt(running_mean), Opt(running_var),
                    training ? 1 : 0, momentum, eps));

            /// <summary>Layer normalisation over the trailing <paramref name="normalized_shape"/> dims.</summary>
            public static Tensor layer_norm(Tensor input, ReadOnlySpan<long> normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                fixed (long* s = normalized_shape)
                    return Tensor.Wrap(NativeMethods.zsl_layer_norm(Arg(input), s, normalized_shape.Length, Opt(weight), Opt(bias), eps));
            }

            /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when training.</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
            {
                if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout: p must be in [0, 1]");
                return Tensor.Wrap(NativeMethods.zsl_dropout(Arg(input), p, training ? 1 : 0));
            }

            /// <summary>Rows of <paramref name="weight"/> selected by integer <paramref name="input"/>.</summary>
            public static Tensor embedding(Tensor input, Tensor weight, long padding_idx = -1) =>
                Tensor.Wrap(NativeMethods.zsl_embedding(Arg(weight), Arg(input), padding_idx));

            /// <summary>Resizes (N, C, H, W) to <paramref name="size"/> or by <paramref name="scale_factor"/>.</summary>
            public static Tensor interpolate(Tensor input, (long, long)? size = null, (double, double)? scale_factor = null,
                InterpolationMode mode = InterpolationMode.Nearest, bool? align_corners = null)
            {
                if (size is null == scale_factor is null)
                    throw new ArgumentException("interpolate: give exactly one of size and scale_factor");
                if (align_corners is not null && mode == InterpolationMode.Nearest)
                    throw new ArgumentException("interpolate: align_corners applies only to bilinear mode", nameof(align_corners));
                var sz = stackalloc long[2];
                if (size is { } s) { sz[0] = s.Item1; sz[1] = s.Item2; }
                var (sh, sw) = scale_factor ?? (0, 0);
                return Tensor.Wrap(NativeMethods.zsl_interpolate(Arg(input), sz, size is null ? 0 : 1, sh, sw, (int)mode, align_corners == true ? 1 : 0));
            }

            /// <summary>Samples (N, C, H, W) at grid (N, Ho, Wo, 2) positions in [-1, 1] (x, y order).</summary>
            public static Tensor grid_sample(Tensor input, Tensor grid, GridSampleMode mode = GridSampleMode.Bilinear,
                GridSamplePaddingMode padding_mode = GridSamplePaddingMode.Zeros, bool align_corners = false) =>
                Tensor.Wrap(NativeMethods.zsl_grid_sample(Arg(input), Arg(grid), (int)mode, (int)padding_mode, align_corners ? 1 : 0));

            /// <summary>Sampling grid (N, H, W, 2) for affine matrices theta (N, 2, 3) and output size (N, C, H, W).</summary>
            public static Tensor affine_grid(Tensor theta, ReadOnlySpan<long> size, bool align_corners = false)
            {
                fixed (long* s = size) return Tensor.Wrap(NativeMethods.zsl_affine_grid(Arg(theta), s, size.Length, align_corners ? 1 : 0));
            }

            /// <summary>Pads the last dims: pad = (left, right[, top, bottom[, ...]]) as torch.nn.functional.pad.</summary>
            public static Tensor pad(Tensor input, ReadOnlySpan<long> pad, PaddingModes mode = PaddingModes.Constant, double value = 0)
            {
                if (pad.Length % 2 != 0) throw new ArgumentException($"pad: needs an even number of entries, got {pad.Length}", nameof(pad));
                fixed (long* p = pad) return Tensor.Wrap(NativeMethods.zsl_pad(Arg(input), p, pad.Length, (int)mode, value));
            }

            /// <summary>x / max(||x||_p, eps) along <paramref name="dim"/>.</summary>
            public static Tensor normalize(Tensor input, double p = 2, long dim = 1, double eps = 1e-12)
            {
                NotNull(input).CheckDim(dim, nameof(normalize));
                return Tensor.Wrap(NativeMethods.zsl_normalize(input.Handle, p, dim, eps));
            }

            /// <summary>Cross entropy of logits (N, C[, ...]) and class indices (N[, ...]) or class probabilities.</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean, double label_smoothing = 0)
            {
                if (label_smoothing is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(label_smoothing), label_smoothing, "cross_entropy: label_smoothing must be in [0, 1]");
                return Tensor.Wrap(NativeMethods.zsl_cross_entropy(Arg(input), Arg(target), Opt(weight), (int)reduction, ignore_index, label_smoothing));
            }

            /// <summary>Sigmoid + binary cross entropy, numerically stable; pos_weight weighs positives per class.</summary>
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null,
                Reduction reduction = Reduction.Mean, Tensor? pos_weight = null) =>
                Tensor.Wrap(NativeMethods.zsl_binary_cross_entropy_with_logits(Arg(input), Arg(target), Opt(weight), Opt(pos_weight), (int)reduction));

            public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01) => NotNull(input).leaky_relu(negative_slope);
            public static Tensor softplus(Tensor input, double beta = 1, double threshold = 20) => NotNull(input).softplus(beta, threshold);

            /// <summary>2-D average pooling over (N, C, H, W); stride defaults to the kernel size.</summary>
            public static Tensor avg_pool2d(Tensor input, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
                bool ceil_mode = false, bool count_include_pad = true)
            {
                var k = Pair(kernel_size, nameof(kernel_size), 1);
                var s = Pair(stride ?? kernel_size, nameof(stride), 1);
                var p = Pair(padding ?? (0, 0), nameof(padding), 0);
                return Tensor.Wrap(NativeMethods.zsl_avg_pool2d(Arg(input), k, s, p, ceil_mode ? 1 : 0, count_include_pad ? 1 : 0));
            }

            public static Tensor avg_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0) =>
                avg_pool2d(input, (kernel_size, kernel_size), stride is { } st ? (st, st) : null, (padding, padding));

            /// <summary>int64 class indices (*) -> one-hot int64 (*, num_classes); -1 infers the class count.</summary>
            public static Tensor one_hot(Tensor input, long num_classes = -1) => Tensor.Wrap(NativeMethods.zsl_one_hot(Arg(input), num_classes));

            /// <summary>Cosine similarity of x1 and x2 (broadcast) along <paramref name="dim"/>.</summary>
            public static Tensor cosine_similarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8) =>
                Tensor.Wrap(NativeMethods.zsl_cosine_similarity(Arg(x1), Arg(x2), dim, eps));

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.Wrap(NativeMethods.zsl_mse_loss(Arg(input), Arg(target), (int)reduction));

            public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.Wrap(NativeMethods.zsl_l1_loss(Arg(input), Arg(target), (int)reduction));

            /// <summary>Negative log-likelihood of log-probabilities (N, C) and class indices (N).</summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean) =>
                Tensor.Wrap(NativeMethods.zsl_nll_loss(Arg(input), Arg(target), Opt(weight), (int)reduction, ignore_index));

            private static long* Pair((long, long) v, string name, long min)
            {
                if (v.Item1 < min || v.Item2 < min)
                    throw new ArgumentOutOfRangeException(name, v, $"{name} entries must be >= {min}");
                // Thread-static scratch: the pointer is consumed by the native call before this thread builds another.
                var buf = Scratch(name);
                buf[0] = v.Item1;
                buf[1] = v.Item2;
                return buf;
            }

            [ThreadStatic] private static long[]? t_scratch;
            private static long* Scratch(string name)
            {
                t_scratch ??= GC.AllocateArray<long>(16, pinned: true);
                var slot = name switch { "stride" => 0, "padding" => 2, "dilation" => 4, "kernel_size" => 6, _ => 8 };
                fixed (long* p = t_scratch) return p + slot;
            }
        }
    }
}
