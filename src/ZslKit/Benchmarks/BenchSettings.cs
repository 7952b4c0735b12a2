// BenchSettings.cs - a target's named settings (shape, sizes): its defaults overridden by `--set key=value`.
using System.Globalization;

namespace ZslKit.Benchmarks;

/// <summary>Typed access to a target's settings; unknown keys and malformed values raise errors naming the key.</summary>
public sealed class BenchSettings
{
    private readonly string _target;
    private readonly SortedDictionary<string, string> _values;

    public BenchSettings(string target, IReadOnlyDictionary<string, string> defaults, IEnumerable<string>? overrides = null)
    {
        _target = target;
        _values = new SortedDictionary<string, string>(defaults.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);
        foreach (var entry in overrides ?? [])
        {
            int eq = entry.IndexOf('=');
            if (eq <= 0)   // --set takes every following token without a dash: a positional argument after it lands here
                throw new ArgumentException($"{target}: --set expects key=value, got '{entry}' (--set takes one key=value; put other arguments before it)");
            var key = entry[..eq].Trim();
            if (!_values.ContainsKey(key))
                throw new ArgumentException($"{target}: unknown setting '{key}' (known: {string.Join(", ", _values.Keys)})");
            _values[key] = entry[(eq + 1)..].Trim();
        }
    }

    /// <summary>The final values (defaults with overrides applied), sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    public string String(string key) =>
        _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"{_target}: no setting '{key}'");

    /// <summary>An integer ≥ <paramref name="min"/> (default 1; underscores allowed as digit separators: 125_436).</summary>
    public int Int(string key, int min = 1)
    {
        var raw = String(key);
        if (!int.TryParse(raw.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min)
            throw new ArgumentException(min == 1
                ? $"{_target}: setting '{key}' must be a positive integer, got '{raw}'"
                : $"{_target}: setting '{key}' must be an integer >= {min}, got '{raw}'");
        return v;
    }

    public double Double(string key)
    {
        var raw = String(key);
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new ArgumentException($"{_target}: setting '{key}' must be a number, got '{raw}'");
        return v;
    }

    /// <summary>The value of <paramref name="key"/> when it is one of <paramref name="allowed"/> (ignoring case when
    /// <paramref name="ignoreCase"/>; the allowed spelling is returned), else an error naming the target, the setting and the
    /// allowed values.</summary>
    public string OneOf(string key, IReadOnlyList<string> allowed, bool ignoreCase = true)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var raw = String(key);
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return allowed.FirstOrDefault(a => string.Equals(a, raw, comparison))
            ?? throw new ArgumentException($"{_target}: setting '{key}' must be one of {string.Join(", ", allowed)}, got '{raw}'");
    }

    public bool Bool(string key)
    {
        var raw = String(key);
        return raw.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new ArgumentException($"{_target}: setting '{key}' must be true or false, got '{raw}'"),
        };
    }
}
