// Linear.cs - y = x W^T + b, initialised as torch.nn.Linear (Kaiming-uniform with a = sqrt(5), bias U(-1/sqrt(in), 1/sqrt(in))).
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch;

public sealed class Linear : Module<Tensor, Tensor>
{
    public Parameter weight { get; }
    public Parameter? bias { get; }
    public long in_features { get; }
    public long out_features { get; }

    public Linear(long in_features, long out_features, bool hasBias = true, torch.Device? device = null, ScalarType? dtype = null) : base(nameof(Linear))
    {
        this.in_features = in_features;
        this.out_features = out_features;
        using var scope = torch.NewDisposeScope();
        weight = new Parameter(torch.empty([out_features, in_features], dtype, device));
        register_parameter(nameof(weight), weight);
        bias = hasBias ? new Parameter(torch.empty([out_features], dtype, device)) : null;
        register_parameter(nameof(bias), bias);
        Init.ResetLinearLike(weight, bias);
    }

    /// <summary>(*, in_features) -> (*, out_features).</summary>
    public override Tensor forward(Tensor input) => F.linear(input, weight, bias);
}

/// <summary>Shared default initialisation of Linear and Conv2d (PyTorch's reset_parameters).</summary>
internal static class Init
{
    public static void ResetLinearLike(Tensor weight, Tensor? bias)
    {
        torch.nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        if (bias is null) return;
        var (fanIn, _) = torch.nn.init._calculate_fan_in_and_fan_out(weight);
        var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        torch.nn.init.uniform_(bias, -bound, bound);
    }
}
