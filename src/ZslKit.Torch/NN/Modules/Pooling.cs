// Pooling.cs - MaxPool2d and AdaptiveAvgPool2d layers.
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch;

public sealed class MaxPool2d((long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null, (long, long)? dilation = null,
    bool ceil_mode = false) : Module<Tensor, Tensor>(nameof(MaxPool2d))
{
    public override Tensor forward(Tensor input) => F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode);
}

public sealed class AdaptiveAvgPool2d((long, long) output_size) : Module<Tensor, Tensor>(nameof(AdaptiveAvgPool2d))
{
    public override Tensor forward(Tensor input) => F.adaptive_avg_pool2d(input, output_size);
}
