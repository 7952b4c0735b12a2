// LayerNorm.cs - layer normalisation over trailing dims, as torch.nn.LayerNorm.
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch;

public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public long[] normalized_shape { get; }
    public Parameter? weight { get; }
    public Parameter? bias { get; }
    public double eps { get; }

    public LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, torch.Device? device = null, ScalarType? dtype = null)
        : base(nameof(LayerNorm))
    {
        ArgumentNullException.ThrowIfNull(normalized_shape);
        this.normalized_shape = normalized_shape.ToArray();
        this.eps = eps;
        using var scope = torch.NewDisposeScope();
        if (elementwise_affine)
        {
            weight = new Parameter(torch.ones(normalized_shape, dtype, device));
            bias = new Parameter(torch.zeros(normalized_shape, dtype, device));
        }
        register_parameter(nameof(weight), weight);
        register_parameter(nameof(bias), bias);
    }

    public override Tensor forward(Tensor input) => F.layer_norm(input, normalized_shape, weight, bias, eps);
}
