// ConfigJson.cs - JSON reading/writing of experiment configs, "key=value" overrides (CLI --set, notebook parameters)
// and the config hash that names run folders and keys the sweep cache.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ZslKit.Torch.Serialization;

namespace ZslKit.Experiments.Config;

/// <summary>Serialises <see cref="ExperimentConfig"/> (camelCase JSON) and applies dotted-path overrides.</summary>
public static class ConfigJson
{
    /// <summary>The serializer options used for every config and run file (camelCase, indented, strict on unknown fields).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize(ExperimentConfig config) => JsonSerializer.Serialize(config.Normalized(), Options);

    /// <summary>Parses a config; <paramref name="source"/> (a file name) appears in error messages.</summary>
    public static ExperimentConfig Deserialize(string json, string source = "config")
    {
        try
        {
            return (JsonSerializer.Deserialize<ExperimentConfig>(json, Options)
                    ?? throw new ArgumentException($"{source}: the JSON is null, not a config object")).Normalized();
        }
        catch (JsonException e)
        {
            var what = JsonErrorText.Describe(e);
            if (IsWrongType(e) && TypeName(e.Path) is { } takes)
                what = what.Replace(JsonErrorText.WrongTypeText, $"'{e.Path![2..]}' takes {takes}", StringComparison.Ordinal);
            throw new ArgumentException($"{source}: not a valid experiment config ({what})", nameof(json), e);
        }
    }

    /// <summary>Reads a config file; an empty file is refused as such.</summary>
    public static ExperimentConfig Load(string path)
    {
        var json = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(json)) throw new ArgumentException($"{path}: the file is empty, not an experiment config", nameof(path));
        return Deserialize(json, path);
    }

    /// <summary>
    /// Applies overrides "a.b=value" (paths are camelCase or case-insensitive field names; the value is parsed as JSON
    /// when possible — numbers, true/false, null, objects — otherwise taken as a string). Map entries (lossWeights,
    /// options) may be added; any other unknown path throws, listing the fields that exist there.
    /// </summary>
    public static ExperimentConfig ApplyOverrides(ExperimentConfig config, IEnumerable<string> assignments)
    {
        var root = JsonNode.Parse(Serialize(config))!.AsObject();
        var applied = new List<(string JsonPath, string Path, string Assignment)>();
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"override '{assignment}' is not key=value", nameof(assignments));
            var path = assignment[..eq].Trim();
            applied.Add((Set(root, path, ParseValue(assignment[(eq + 1)..].Trim()), assignment), path, assignment));
        }
        try
        {
            return Deserialize(root.ToJsonString(), "overrides");
        }
        catch (ArgumentException e) when (e.InnerException is JsonException json &&
                                          applied.FindLast(a => Within(json.Path, a.JsonPath)) is { Assignment: not null } culprit)
        {
            // The deserializer names the field it refused ($.a.b); the override that set it (or a section above it) is named
            // instead of the whole config, without a position: that is in JSON the user never sees.
            var why = IsWrongType(json) && json.Path == culprit.JsonPath && TypeName(json.Path) is { } takes
                ? $"'{culprit.Path}' takes {takes}{RangeNote(json.Path, root, culprit.JsonPath)}, got {Shown(root, culprit.JsonPath)}"
                : $"the value does not fit '{culprit.Path}' ({JsonErrorText.Describe(new JsonException(json.Message, json.Path, null, null))})";
            throw new ArgumentException($"override '{culprit.Assignment}': {why}", nameof(assignments), json);
        }
    }

    /// <summary>True when the deserializer's error path is <paramref name="set"/> or lies inside it.</summary>
    private static bool Within(string? errorPath, string set) =>
        errorPath is not null && (errorPath == set || errorPath.StartsWith(set + ".", StringComparison.Ordinal) ||
                                  errorPath.StartsWith(set + "[", StringComparison.Ordinal));

    /// <summary>True for the deserializer's "value of the wrong type" error (as opposed to syntax or unknown fields).</summary>
    private static bool IsWrongType(JsonException e) => JsonErrorText.Describe(e).Contains(JsonErrorText.WrongTypeText, StringComparison.Ordinal);

    /// <summary>The value at a "$.a.b" path of the override JSON as a message shows it (a string in single quotes, anything
    /// else as JSON text; null as null).</summary>
    private static string Shown(JsonObject root, string jsonPath)
    {
        JsonNode? node = root;
        foreach (var part in jsonPath[2..].Split('.')) node = (node as JsonObject)?[part];
        return node is null ? "null" : node.GetValueKind() == JsonValueKind.String ? $"'{node}'" : node.ToJsonString();
    }

    /// <summary>" (-2147483648 to 2147483647)" when an integer field got a whole number outside that range, else "".</summary>
    private static string RangeNote(string jsonPath, JsonObject root, string setPath)
    {
        if (FieldType(jsonPath) is not { } t || (Nullable.GetUnderlyingType(t) ?? t) != typeof(int)) return "";
        return decimal.TryParse(Shown(root, setPath), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v == decimal.Truncate(v)
            ? string.Create(CultureInfo.InvariantCulture, $" ({int.MinValue} to {int.MaxValue})") : "";
    }

    /// <summary>The CLR type of the config field at a "$.a.b" path (map entries: their value type); null when unknown.</summary>
    private static Type? FieldType(string? jsonPath)
    {
        if (jsonPath is null || !jsonPath.StartsWith("$.", StringComparison.Ordinal)) return null;
        Type t = typeof(ExperimentConfig);
        foreach (var part in jsonPath[2..].Split('.'))
        {
            var inner = Nullable.GetUnderlyingType(t) ?? t;
            if (inner.IsGenericType && inner.GetGenericTypeDefinition() == typeof(SortedDictionary<,>))
            {
                t = inner.GetGenericArguments()[1];
                continue;
            }
            var property = inner.GetProperties().FirstOrDefault(p => p.GetCustomAttributes(typeof(JsonIgnoreAttribute), true).Length == 0 &&
                                                                      Options.PropertyNamingPolicy!.ConvertName(p.Name) == part);
            if (property is null) return null;
            t = property.PropertyType;
        }
        return t;
    }

    /// <summary>What the field at a "$.a.b" path takes, in words ("an integer", "a number or null", ...); null when unknown.</summary>
    private static string? TypeName(string? jsonPath) => FieldType(jsonPath) is { } t ? Words(t) : null;

    private static string? Words(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner) return Words(inner) is { } w ? w + " or null" : null;
        if (t == typeof(int)) return "an integer";
        if (t == typeof(double)) return "a number";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return "a string";
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(SortedDictionary<,>)) return "an object of names and numbers";
        if (t.IsClass) return "an object (a section)";
        return null;
    }

    /// <summary>Applies overrides given as a dictionary (notebook parameters): values are formatted invariantly.</summary>
    public static ExperimentConfig ApplyOverrides(ExperimentConfig config, IReadOnlyDictionary<string, object?> values) =>
        ApplyOverrides(config, values.Select(kv => $"{kv.Key}={FormatValue(kv.Value)}"));

    private static string FormatValue(object? v) => v switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "null",
    };

    private static JsonNode? ParseValue(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return JsonValue.Create(text); }
    }

    /// <summary>Sets the value at a dotted path; returns the JSON path of the field set ("$.training.epochs", the config's own
    /// spelling of each name).</summary>
    private static string Set(JsonObject root, string path, JsonNode? value, string assignment)
    {
        var parts = path.Split('.');
        JsonObject node = root;
        bool inMap = false;
        for (int i = 0; i < parts.Length; i++)
        {
            var key = Resolve(node, parts[i]);
            bool last = i == parts.Length - 1;
            bool isMap = !inMap && (key is "lossWeights" or "options");
            if (key is null)
            {
                if (!inMap)
                    throw new ArgumentException($"override '{assignment}': no field '{parts[i]}' in " +
                        $"{(i == 0 ? "the config" : string.Join('.', parts[..i]))} (fields: {string.Join(", ", node.Select(p => p.Key))})", nameof(path));
                key = parts[i];
            }
            if (last)
            {
                if (node[key] is JsonObject && !isMap && value is not JsonObject)
                    throw new ArgumentException($"override '{assignment}': '{path}' is a section; set one of its fields " +
                        $"({string.Join(", ", ((JsonObject)node[key]!).Select(p => path + "." + p.Key))})", nameof(path));
                if (node[key] is JsonValue old && Kind(old) is { } expected && value is not null && Kind(value) != expected)
                    throw new ArgumentException($"override '{assignment}': '{path}' takes {expected}, got " +
                        $"{(value.GetValueKind() == JsonValueKind.String ? $"'{value}'" : value.ToJsonString())}", nameof(path));
                node[key] = value?.DeepClone();
                return $"{node.GetPath()}.{key}";
            }
            if (node[key] is not JsonObject child)
            {
                if (!inMap && !isMap)
                    throw new ArgumentException($"override '{assignment}': '{string.Join('.', parts[..(i + 1)])}' is a value, not a section", nameof(path));
                child = new JsonObject();
                node[key] = child;
            }
            inMap |= isMap;
            node = child;
        }
        throw new System.Diagnostics.UnreachableException("Split always yields a last part");
    }

    /// <summary>"a number" or "true or false" for a value of that kind (null for strings and anything else, which the
    /// deserializer checks).</summary>
    private static string? Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => null,
    };

    private static string? Resolve(JsonObject node, string name)
    {
        if (node.ContainsKey(name)) return name;
        foreach (var p in node)
            if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) return p.Key;
        return null;
    }

    /// <summary>Canonical JSON (sorted keys, no whitespace): equal configs give equal text.</summary>
    /// <remarks>training.cudaGraph and training.tf32 are left out while false (their default), so configs written before
    /// they existed keep their hashes.</remarks>
    public static string Canonical(ExperimentConfig config)
    {
        var node = JsonNode.Parse(Serialize(config))!;
        if (node["training"] is JsonObject t)
            foreach (var later in new[] { "cudaGraph", "tf32" })
                if (t[later] is JsonValue v && v.GetValue<bool>() == false) t.Remove(later);
        return Canonical(node);
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        _ => node.ToJsonString(),
    };

    /// <summary>The first 16 hex digits of SHA-256 over the canonical JSON: a run's identity.</summary>
    public static string Hash(ExperimentConfig config) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(config))))[..16];
}
