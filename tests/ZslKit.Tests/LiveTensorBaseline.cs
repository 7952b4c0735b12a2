// LiveTensorBaseline.cs - test support: a live-tensor count to compare against after the code under test, read once the
// unreachable tensors of earlier work (a constructor's temporaries, other tests' leftovers) have been finalized.
using ZslKit.Torch;

namespace ZslKit.Tests;

internal static class LiveTensorBaseline
{
    /// <summary>The count after a full GC and its finalizers, so that no finalizer moves it during the measured code. Read
    /// the count after that code without a GC: a tensor leaked there must not be hidden by its finalizer.</summary>
    public static long Read()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return torch.LiveTensorCount;
    }
}
