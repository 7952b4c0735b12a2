// MethodRegistry.cs - the methods `zsl train <method>` can run: each paper's method registers a name, a description,
// its default config and a function running one config into a run folder.
using ZslKit.Experiments.Config;

namespace ZslKit.Experiments.Runs;

/// <summary>A trainable method.</summary>
/// <param name="Defaults">The method's default config (the paper's settings, before overrides).</param>
/// <param name="Run">Runs one config (seed included) and returns its finished run.</param>
public sealed record MethodEntry(string Name, string Description, ExperimentConfig Defaults, Func<ExperimentConfig, RunOptions, RunRecord> Run);

public static class MethodRegistry
{
    private static readonly Dictionary<string, MethodEntry> s_methods = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Lock s_lock = new();

    /// <summary>Adds or replaces a method.</summary>
    public static void Register(MethodEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (s_lock) s_methods[entry.Name] = entry;
    }

    public static IReadOnlyList<MethodEntry> All
    {
        get { lock (s_lock) return s_methods.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList(); }
    }

    /// <summary>The method, or an exception listing the registered ones.</summary>
    public static MethodEntry Get(string name)
    {
        lock (s_lock)
            if (s_methods.TryGetValue(name, out var m)) return m;
        var known = All.Select(m => m.Name).ToList();
        throw new ArgumentException($"unknown method '{name}' (registered: {(known.Count == 0 ? "none yet" : string.Join(", ", known))})", nameof(name));
    }
}
