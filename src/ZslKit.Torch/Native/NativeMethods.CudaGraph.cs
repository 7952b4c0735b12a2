// NativeMethods.CudaGraph.cs - P/Invoke declarations of the CUDA graph ABI (include/zslnative.h "CUDA graphs", src/cuda_graph.cpp).
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)] public static partial int zsl_cuda_graphs_available();
    [LibraryImport(Lib)] public static partial IntPtr zsl_cuda_graph_new(int deviceIndex);
    [LibraryImport(Lib)] public static partial int zsl_cuda_graph_stream_enter(IntPtr graph);
    [LibraryImport(Lib)] public static partial int zsl_cuda_graph_stream_exit(IntPtr graph);
    [LibraryImport(Lib)] public static partial int zsl_cuda_graph_capture_begin(IntPtr graph);
    [LibraryImport(Lib)] public static partial int zsl_cuda_graph_capture_end(IntPtr graph);
    [LibraryImport(Lib)] public static partial int zsl_cuda_graph_replay(IntPtr graph);
    [LibraryImport(Lib)] public static partial void zsl_cuda_graph_free(IntPtr graph);
}
