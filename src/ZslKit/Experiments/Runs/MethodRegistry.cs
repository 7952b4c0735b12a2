// MethodRegistry.cs - the methods `zsl train <method>` can run: each paper's method registers a name, a description,
// its default config and a function running one config into a run folder.
using ZslKit.Experiments.Config;

namespace ZslKit.Experiments.Runs;

/// <summary>A trainable method.</summary>
/// <param name="Defaults">The method's default config (the paper's settings, before overrides).</param>
/// <param name="Run">Runs one config (seed included) and returns its finished run.</param>
/// <param name="Presets">Named alternatives to <paramref name="Defaults"/> (`zsl train lesa --preset full`), built on demand;
/// null: none.</param>
/// <param name="Check">The method's own validation of a config (its options, loss weights, dataset names and validation
/// metrics), throwing <see cref="ArgumentException"/> naming the first bad field; null: <see cref="ExperimentConfig.Validate"/> only.</param>
public sealed record MethodEntry(string Name, string Description, ExperimentConfig Defaults, Func<ExperimentConfig, RunOptions, RunRecord> Run,
    IReadOnlyList<MethodPreset>? Presets = null, Func<ExperimentConfig, ExperimentConfig>? Check = null)
{
    /// <summary>The config validated as this method runs it (before any run folder is made): <see cref="Check"/>, else the
    /// method-agnostic <see cref="ExperimentConfig.Validate"/>.</summary>
    public ExperimentConfig Validate(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Check is null ? config.Validate() : Check(config);
    }

    /// <summary>The preset's config, or an exception listing the method's presets.</summary>
    public ExperimentConfig Preset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var preset = Presets?.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (preset is not null) return preset.Config();
        var known = Presets is { Count: > 0 } ? string.Join(", ", Presets.Select(p => p.Name)) : "none";
        throw new ArgumentException($"method '{Name}' has no preset '{name}' (presets: {known})", nameof(name));
    }
}

/// <summary>A named config of a method: <paramref name="Config"/> builds it (cheaply) when asked.</summary>
public sealed record MethodPreset(string Name, string Description, Func<ExperimentConfig> Config);

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
