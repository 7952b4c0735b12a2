// Factories.cs - torch.nn factory methods for the module types, named as TorchSharp (torch.nn.Linear(3, 5), ...).
namespace ZslKit.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public static Linear Linear(long inputSize, long outputSize, bool hasBias = true, Device? device = null, ScalarType? dtype = null) =>
            new(inputSize, outputSize, hasBias, device, dtype);

        public static Conv2d Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1,
            long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new(in_channels, out_channels, (kernel_size, kernel_size), (stride, stride), (padding, padding), (dilation, dilation), groups, bias, device, dtype);

        public static Conv2d Conv2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
            (long, long)? dilation = null, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, device, dtype);

        public static BatchNorm2d BatchNorm2d(long num_features, double eps = 1e-5, double momentum = 0.1, bool affine = true,
            bool track_running_stats = true, Device? device = null, ScalarType? dtype = null) =>
            new(num_features, eps, momentum, affine, track_running_stats, device, dtype);

        public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true, Device? device = null, ScalarType? dtype = null) =>
            new([normalized_shape], eps, elementwise_affine, device, dtype);

        public static LayerNorm LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, Device? device = null, ScalarType? dtype = null) =>
            new(normalized_shape, eps, elementwise_affine, device, dtype);

        public static Embedding Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, ScalarType? dtype = null) =>
            new(num_embeddings, embedding_dim, padding_idx, device, dtype);

        public static Dropout Dropout(double p = 0.5) => new(p);
        public static ReLU ReLU() => new();
        public static GELU GELU(string approximate = "none") => new(approximate);
        public static Tanh Tanh() => new();
        public static Flatten Flatten(long start_dim = 1, long end_dim = -1) => new(start_dim, end_dim);

        public static MaxPool2d MaxPool2d(long kernel_size, long? stride = null, long padding = 0) =>
            new((kernel_size, kernel_size), stride is { } s ? (s, s) : null, (padding, padding));

        public static MaxPool2d MaxPool2d((long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null) =>
            new(kernel_size, stride, padding);

        public static AdaptiveAvgPool2d AdaptiveAvgPool2d(long output_size) => new((output_size, output_size));
        public static AdaptiveAvgPool2d AdaptiveAvgPool2d((long, long) output_size) => new(output_size);

        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new(modules);
        public static Sequential Sequential(params (string name, Module<Tensor, Tensor> module)[] modules) => new(modules);
        public static ModuleList ModuleList(params Module[] modules) => new(modules);
    }
}
