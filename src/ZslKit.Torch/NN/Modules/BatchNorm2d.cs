// BatchNorm2d.cs - batch normalisation over (N, C, H, W) with running statistics, as torch.nn.BatchNorm2d.
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Torch;

public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    public Parameter? weight { get; }
    public Parameter? bias { get; }
    public Tensor? running_mean { get; }
    public Tensor? running_var { get; }
    public Tensor? num_batches_tracked { get; }
    public double eps { get; }
    public double momentum { get; }

    public BatchNorm2d(long num_features, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool track_running_stats = true,
        torch.Device? device = null, ScalarType? dtype = null) : base(nameof(BatchNorm2d))
    {
        this.eps = eps;
        this.momentum = momentum;
        using var scope = torch.NewDisposeScope();
        if (affine)
        {
            weight = new Parameter(torch.ones([num_features], dtype, device));
            bias = new Parameter(torch.zeros([num_features], dtype, device));
        }
        register_parameter(nameof(weight), weight);
        register_parameter(nameof(bias), bias);
        if (track_running_stats)
        {
            running_mean = torch.zeros([num_features], dtype, device);
            running_var = torch.ones([num_features], dtype, device);
            num_batches_tracked = torch.zeros([], torch.int64, device);
        }
        register_buffer(nameof(running_mean), running_mean);
        register_buffer(nameof(running_var), running_var);
        register_buffer(nameof(num_batches_tracked), num_batches_tracked);
    }

    /// <summary>Training: batch statistics, running stats updated with <see cref="momentum"/>; eval: running stats.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ndim != 4) throw new ArgumentException($"BatchNorm2d: expected a 4-D input (N, C, H, W), got shape {input.ShapeText}", nameof(input));
        if (training && num_batches_tracked is not null)
            using (torch.no_grad()) num_batches_tracked.add_(1);
        var useBatchStats = training || running_mean is null;
        return F.batch_norm(input, running_mean, running_var, weight, bias, useBatchStats, momentum, eps);
    }
}
