// display(x) and x.Display() for headless runs. The runner imports this namespace; VS Code Polyglot never loads this assembly
// (notebooks reference only ZslKit.dll), so these names never clash with the kernel's own display helpers there.
namespace ZslKit.Notebooks.Scripting;

/// <summary>The kernel helpers a notebook sees headless (imported with <c>using static</c>, like Polyglot's Kernel class).</summary>
public static class NotebookKernel
{
    /// <summary>Shows <paramref name="value"/> as a display_data output (optionally only in the given mime types).</summary>
    public static DisplayedValue display(object? value, params string[] mimeTypes) => Collector().AddDisplay(value, mimeTypes);

    internal static CellOutputs Collector() =>
        CellOutputs.Current ?? throw new InvalidOperationException("display() was called outside a running notebook cell");
}

/// <summary><c>x.Display()</c>, as in .NET Interactive.</summary>
public static class DisplayExtensions
{
    /// <summary>Shows <paramref name="value"/> as a display_data output (optionally only in the given mime types).</summary>
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) =>
        NotebookKernel.Collector().AddDisplay(value, mimeTypes);
}
