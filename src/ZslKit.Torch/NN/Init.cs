// Init.cs - torch.nn.init: in-place initialisers (run without autograd history), computed by libtorch.
using ZslKit.Torch.Native;

namespace ZslKit.Torch;

/// <summary>Fan used by the Kaiming initialisers.</summary>
public enum FanMode
{
    FanIn = 0,
    FanOut = 1,
}

/// <summary>Non-linearity whose gain the Kaiming initialisers use.</summary>
public enum NonlinearityType
{
    LeakyReLU = 0,
    ReLU = 1,
    Linear = 2,
    Tanh = 3,
    Sigmoid = 4,
}

public static partial class torch
{
    public static partial class nn
    {
        public static class init
        {
            public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
            {
                NativeMethods.Check(NativeMethods.zsl_init_kaiming_uniform_(Arg(tensor), a, (int)mode, (int)nonlinearity));
                return tensor;
            }

            public static Tensor kaiming_normal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
            {
                NativeMethods.Check(NativeMethods.zsl_init_kaiming_normal_(Arg(tensor), a, (int)mode, (int)nonlinearity));
                return tensor;
            }

            public static Tensor xavier_uniform_(Tensor tensor, double gain = 1)
            {
                NativeMethods.Check(NativeMethods.zsl_init_xavier_uniform_(Arg(tensor), gain));
                return tensor;
            }

            public static Tensor uniform_(Tensor tensor, double a = 0, double b = 1)
            {
                NativeMethods.Check(NativeMethods.zsl_init_uniform_(Arg(tensor), a, b));
                return tensor;
            }

            public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1)
            {
                NativeMethods.Check(NativeMethods.zsl_init_normal_(Arg(tensor), mean, std));
                return tensor;
            }

            public static Tensor constant_(Tensor tensor, double value)
            {
                NativeMethods.Check(NativeMethods.zsl_init_constant_(Arg(tensor), value));
                return tensor;
            }

            public static Tensor zeros_(Tensor tensor) => constant_(tensor, 0);
            public static Tensor ones_(Tensor tensor) => constant_(tensor, 1);

            /// <summary>(fan_in, fan_out) of a weight of at least 2 dims, as PyTorch computes them.</summary>
            public static (long fan_in, long fan_out) _calculate_fan_in_and_fan_out(Tensor tensor)
            {
                NativeMethods.Check(NativeMethods.zsl_init_fans(Arg(tensor), out var fanIn, out var fanOut));
                return (fanIn, fanOut);
            }
        }
    }
}
