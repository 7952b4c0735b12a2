// NativeMethods.Autocast.cs - P/Invoke declarations of the autocast ABI (include/zslnative.h "autocast", src/autocast.cpp).
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

/// <summary>What <c>zsl_autocast_enter</c> replaced (<c>zsl_autocast_state</c>), handed back to <c>zsl_autocast_exit</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZslAutocastState
{
    public int DeviceType, PrevEnabled, PrevDtype, Depth;
}

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Lib)] public static partial int zsl_autocast_enter(int deviceType, int dtype, int enabled, out ZslAutocastState saved);
    [LibraryImport(Lib)] public static partial int zsl_autocast_exit(in ZslAutocastState saved);
    [LibraryImport(Lib)] public static partial int zsl_autocast_is_enabled(int deviceType);
    [LibraryImport(Lib)] public static partial int zsl_autocast_dtype(int deviceType);
    [LibraryImport(Lib)] public static partial int zsl_autocast_depth();
}
