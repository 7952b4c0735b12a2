// Embedding.cs - a lookup table of num_embeddings vectors, initialised N(0, 1) as torch.nn.Embedding.
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch;

public sealed class Embedding : Module<Tensor, Tensor>
{
    public Parameter weight { get; }
    public long? padding_idx { get; }

    public Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, torch.Device? device = null, ScalarType? dtype = null)
        : base(nameof(Embedding))
    {
        if (padding_idx is { } pi && (pi >= num_embeddings || pi < -num_embeddings))
            throw new ArgumentOutOfRangeException(nameof(padding_idx), pi, $"Embedding: padding_idx must be within [-{num_embeddings}, {num_embeddings})");
        this.padding_idx = padding_idx is { } p && p < 0 ? p + num_embeddings : padding_idx;
        using var scope = torch.NewDisposeScope();
        weight = new Parameter(torch.empty([num_embeddings, embedding_dim], dtype, device));
        register_parameter(nameof(weight), weight);
        torch.nn.init.normal_(weight);
        if (this.padding_idx is { } row)
            using (torch.no_grad()) weight[row].fill_(0);
    }

    /// <summary>Integer indices (*) -> (*, embedding_dim).</summary>
    public override Tensor forward(Tensor input) => F.embedding(input, weight, padding_idx ?? -1);
}
