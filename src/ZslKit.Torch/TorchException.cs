// TorchException.cs - an error raised inside libtorch (or the shim), carrying the shim's "op: message" text.
namespace ZslKit.Torch;

/// <summary>
/// A libtorch failure surfaced through the shim, e.g. <c>matmul: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)</c>.
/// The native side never crashes the process: the tensor arguments are left unchanged (except for partially applied
/// in-place ops) and the thread can continue.
/// </summary>
public class TorchException(string message) : Exception(message);
