// torch.optim.cs - TorchSharp-shaped factories: torch.optim.SGD / RMSprop / Adam / AdamW over a parameter list or over
// parameter groups with their own learning rates (classes in ZslKit.Torch.Optim; docs/optim.md).
using ZslKit.Torch.Optim;

namespace ZslKit.Torch;

public static partial class torch
{
    /// <summary>Optimizers (<c>torch.optim.Adam(parameters, lr: 1e-3)</c>) and learning-rate schedulers.</summary>
    public static partial class optim
    {
        public static Optim.SGD SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
            SGD(OneGroup(parameters), lr, momentum, dampening, weight_decay, nesterov, maximize);

        public static Optim.SGD SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
            new(groups, lr, new SGDOptions(momentum, dampening, nesterov, maximize), weight_decay);

        /// <summary>
        /// RMSprop; <paramref name="epsilonInsideSqrt"/> selects TensorFlow 1's update (eps inside the square root, lr
        /// inside the momentum accumulator, mean square starting at 1), as the LESA reference's
        /// <c>tf.train.RMSPropOptimizer(lr, decay: 0.9, momentum: 0.9, epsilon: 1.0)</c> = <c>RMSprop(p, lr, alpha: 0.9,
        /// eps: 1.0, momentum: 0.9, epsilonInsideSqrt: true)</c>.
        /// </summary>
        public static Optim.RMSprop RMSprop(IEnumerable<Tensor> parameters, double lr = 0.01, double alpha = 0.99, double eps = 1e-8,
            double weight_decay = 0, double momentum = 0, bool centered = false, bool epsilonInsideSqrt = false, bool maximize = false) =>
            RMSprop(OneGroup(parameters), lr, alpha, eps, weight_decay, momentum, centered, epsilonInsideSqrt, maximize);

        public static Optim.RMSprop RMSprop(IEnumerable<ParamGroup> groups, double lr = 0.01, double alpha = 0.99, double eps = 1e-8,
            double weight_decay = 0, double momentum = 0, bool centered = false, bool epsilonInsideSqrt = false, bool maximize = false) =>
            new(groups, lr, new RMSpropOptions(alpha, eps, momentum, centered, epsilonInsideSqrt, maximize), weight_decay);

        public static Optim.Adam Adam(IEnumerable<Tensor> parameters, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            Adam(OneGroup(parameters), lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        public static Optim.Adam Adam(IEnumerable<ParamGroup> groups, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new(groups, lr, new AdamOptions(beta1, beta2, eps, amsgrad, maximize), weight_decay);

        public static Optim.AdamW AdamW(IEnumerable<Tensor> parameters, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0.01, bool amsgrad = false, bool maximize = false) =>
            AdamW(OneGroup(parameters), lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        public static Optim.AdamW AdamW(IEnumerable<ParamGroup> groups, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0.01, bool amsgrad = false, bool maximize = false) =>
            new(groups, lr, new AdamOptions(beta1, beta2, eps, amsgrad, maximize), weight_decay);

        private static ParamGroup[] OneGroup(IEnumerable<Tensor> parameters)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            return [new ParamGroup(parameters)];
        }
    }
}
