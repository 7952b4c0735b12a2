// Conv2d.cs - 2-D convolution layer, initialised as torch.nn.Conv2d.
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch;

public sealed class Conv2d : Module<Tensor, Tensor>
{
    public Parameter weight { get; }
    public Parameter? bias { get; }
    public (long, long) stride { get; }
    public (long, long) padding { get; }
    public (long, long) dilation { get; }
    public long groups { get; }

    public Conv2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
        (long, long)? dilation = null, long groups = 1, bool bias = true, torch.Device? device = null, ScalarType? dtype = null) : base(nameof(Conv2d))
    {
        if (groups < 1 || in_channels % groups != 0 || out_channels % groups != 0)
            throw new ArgumentException($"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible by groups ({groups})", nameof(groups));
        this.stride = stride ?? (1, 1);
        this.padding = padding ?? (0, 0);
        this.dilation = dilation ?? (1, 1);
        this.groups = groups;
        using var scope = torch.NewDisposeScope();
        weight = new Parameter(torch.empty([out_channels, in_channels / groups, kernel_size.Item1, kernel_size.Item2], dtype, device));
        register_parameter(nameof(weight), weight);
        this.bias = bias ? new Parameter(torch.empty([out_channels], dtype, device)) : null;
        register_parameter(nameof(bias), this.bias);
        Init.ResetLinearLike(weight, this.bias);
    }

    /// <summary>(N, C_in, H, W) -> (N, C_out, H', W').</summary>
    public override Tensor forward(Tensor input) => F.conv2d(input, weight, bias, stride, padding, dilation, groups);
}
