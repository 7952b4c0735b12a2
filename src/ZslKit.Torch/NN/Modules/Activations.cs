// Activations.cs - parameter-free activation and regularisation layers: ReLU, GELU, Tanh, Dropout, Flatten.
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch;

public sealed class ReLU() : Module<Tensor, Tensor>(nameof(ReLU))
{
    public override Tensor forward(Tensor input) => F.relu(input);
}

public sealed class GELU(string approximate = "none") : Module<Tensor, Tensor>(nameof(GELU))
{
    public override Tensor forward(Tensor input) => F.gelu(input, approximate);
}

public sealed class Tanh() : Module<Tensor, Tensor>(nameof(Tanh))
{
    public override Tensor forward(Tensor input) => F.tanh(input);
}

/// <summary>Dropout with probability p in training mode; identity in eval mode.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    public double p { get; }

    public Dropout(double p = 0.5) : base(nameof(Dropout))
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1]");
        this.p = p;
    }

    public override Tensor forward(Tensor input) => F.dropout(input, p, training);
}

/// <summary>Flattens dims start_dim..end_dim into one.</summary>
public sealed class Flatten(long start_dim = 1, long end_dim = -1) : Module<Tensor, Tensor>(nameof(Flatten))
{
    public override Tensor forward(Tensor input) => (input ?? throw new ArgumentNullException(nameof(input))).flatten(start_dim, end_dim);
}
