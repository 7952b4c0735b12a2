// Scalar.cs - a number argument (int, float, bool) that keeps its kind so type promotion follows PyTorch.
using ZslKit.Torch.Native;

namespace ZslKit.Torch;

/// <summary>A number passed to an op: integers stay integers (int tensor + 2 stays int), floats are doubles.</summary>
public readonly struct Scalar
{
    internal readonly ZslScalar Value;

    private Scalar(ZslScalar value) => Value = value;

    public static implicit operator Scalar(double v) => new(new ZslScalar(v, 0, 0));
    public static implicit operator Scalar(float v) => new(new ZslScalar(v, 0, 0));
    public static implicit operator Scalar(long v) => new(new ZslScalar(0, v, 1));
    public static implicit operator Scalar(int v) => new(new ZslScalar(0, v, 1));
    public static implicit operator Scalar(bool v) => new(new ZslScalar(0, v ? 1 : 0, 2));

    /// <summary>True for integer and bool scalars.</summary>
    public bool IsIntegral => Value.Kind != 0;

    public double ToDouble() => Value.Kind == 0 ? Value.D : Value.I;

    public override string ToString() => Value.Kind switch { 0 => Value.D.ToString("R"), 2 => (Value.I != 0).ToString(), _ => Value.I.ToString() };
}
