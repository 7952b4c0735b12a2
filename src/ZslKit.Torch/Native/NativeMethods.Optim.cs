// NativeMethods.Optim.cs - P/Invoke declarations of the optimizer ABI (include/zslnative_optim.h, src/optim.cpp).
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

/// <summary>Hyper-parameters of one parameter group (<c>zsl_optim_group</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZslOptimGroup
{
    public double Lr, Momentum, Dampening, WeightDecay;
    public double Alpha, Beta1, Beta2, Eps;
    public int Nesterov, Centered, Amsgrad, Maximize;
}

/// <summary>Optimizer kinds of <c>zsl_optim_step</c> (ZSL_OPTIM_*).</summary>
internal enum OptimKind
{
    Sgd = 0,
    RmsProp = 1,
    RmsPropTf = 2,
    Adam = 3,
    AdamW = 4,
}

internal static unsafe partial class NativeMethods
{
    /// <summary>State slots per parameter in the table passed to <see cref="zsl_optim_step"/> (ZSL_OPTIM_SLOTS).</summary>
    public const int OptimSlots = 3;

    [LibraryImport(Lib)] public static partial int zsl_optim_step(int kind, ZslOptimGroup* groups, int ngroups, int* groupIndex, IntPtr* parameters, int nparams, IntPtr* state, int nslots, long* steps);
    [LibraryImport(Lib)] public static partial int zsl_optim_zero_grad(IntPtr* parameters, int nparams, int setToNone);
}
