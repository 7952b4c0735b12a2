// DisposeScope.cs - TorchSharp-style lifetime scopes: tensors created on a thread while a scope is active belong to the
// innermost scope and are disposed with it (using var scope = torch.NewDisposeScope();).
namespace ZslKit.Torch;

/// <summary>
/// Owns the tensors created on this thread while it is the innermost scope. Disposing it disposes them, except those
/// moved out with <see cref="MoveToOuter{T}"/>, <see cref="Tensor.MoveToOuterDisposeScope"/> or
/// <see cref="Tensor.DetachFromDisposeScope"/>. Parameters and module buffers are never owned by a scope.
/// Scopes must be disposed innermost first, on the thread that created them.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? t_current;

    private readonly HashSet<Tensor> _owned = new(ReferenceEqualityComparer.Instance);
    private readonly int _threadId = Environment.CurrentManagedThreadId;

    internal DisposeScope()
    {
        OuterScope = t_current;
        t_current = this;
    }

    /// <summary>The innermost scope of the calling thread, or null.</summary>
    public static DisposeScope? Current => t_current;

    /// <summary>The scope that was current when this one was created.</summary>
    public DisposeScope? OuterScope { get; }

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int DisposablesCount => _owned.Count;

    public bool IsDisposed { get; private set; }

    internal static void Register(Tensor t)
    {
        var scope = t_current;
        if (scope is null) return;
        scope._owned.Add(t);
        t.OwningScope = scope;
    }

    internal void Forget(Tensor t) => _owned.Remove(t);

    /// <summary>Hands <paramref name="tensor"/> to the enclosing scope (or to the caller when there is none).</summary>
    public T MoveToOuter<T>(T tensor) where T : Tensor
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!ReferenceEquals(tensor.OwningScope, this))
            throw new ArgumentException("the tensor is not owned by this scope", nameof(tensor));
        _owned.Remove(tensor);
        tensor.OwningScope = null;
        var outer = OuterScope;
        while (outer is { IsDisposed: true }) outer = outer.OuterScope;
        if (outer is not null)
        {
            outer._owned.Add(tensor);
            tensor.OwningScope = outer;
        }
        return tensor;
    }

    /// <summary>Removes <paramref name="tensor"/> from this scope; the caller must dispose it.</summary>
    public T Detach<T>(T tensor) where T : Tensor
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (ReferenceEquals(tensor.OwningScope, this))
        {
            _owned.Remove(tensor);
            tensor.OwningScope = null;
        }
        return tensor;
    }

    /// <summary>Disposes every owned tensor and makes the outer scope current again.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("a DisposeScope must be disposed on the thread that created it");
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException("DisposeScopes must be disposed innermost first (an inner scope is still active)");
        IsDisposed = true;
        t_current = OuterScope;
        foreach (var t in _owned)
        {
            t.OwningScope = null;
            t.Dispose();
        }
        _owned.Clear();
    }
}
