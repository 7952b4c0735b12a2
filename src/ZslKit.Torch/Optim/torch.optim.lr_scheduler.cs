// torch.optim.lr_scheduler.cs - TorchSharp-shaped factories of the learning-rate schedulers (classes in
// ZslKit.Torch.Optim; docs/optim.md gives each rule).
using ZslKit.Torch.Optim;

namespace ZslKit.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Learning-rate schedulers: call <c>step()</c> (or <c>step(metric)</c>) once per epoch.</summary>
        public static class lr_scheduler
        {
            public static Optim.StepLR StepLR(Optimizer optimizer, int step_size, double gamma = 0.1, int last_epoch = -1) =>
                new(optimizer, step_size, gamma, last_epoch);

            public static Optim.ExponentialLR ExponentialLR(Optimizer optimizer, double gamma, int last_epoch = -1) =>
                new(optimizer, gamma, last_epoch);

            public static Optim.ReduceLROnPlateau ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1,
                int patience = 10, double threshold = 1e-4, string threshold_mode = "rel", int cooldown = 0, double min_lr = 0,
                double eps = 1e-8) =>
                new(optimizer, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps);

            public static Optim.CosineAnnealingWithWarmup CosineAnnealingWithWarmup(Optimizer optimizer, int warmup_epochs,
                int total_epochs, double eta_min = 0, int last_epoch = -1) =>
                new(optimizer, warmup_epochs, total_epochs, eta_min, last_epoch);

            /// <summary>LESA's rule: ×0.8 when the 0.3-EMA of the validation metric drops, then wait <paramref name="patience"/> evaluations.</summary>
            public static Optim.LesaPlateauDecay LesaPlateauDecay(Optimizer optimizer, double signal_strength = 0.3, int patience = 2,
                double decay_rate = 0.8, double limit_lr_scale = 1e-3) =>
                new(optimizer, signal_strength, patience, decay_rate, limit_lr_scale);
        }
    }
}
