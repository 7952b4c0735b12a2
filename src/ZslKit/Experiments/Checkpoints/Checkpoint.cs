// Checkpoint.cs - resumable training state on disk: epoch-NNNN.safetensors (model parameters, optimizer tensors, best
// parameters) + epoch-NNNN.json (step, RNG, schedule, optimizer scalars, best epoch, history). Each file is written
// atomically; the JSON, written last, names the safetensors file and its SHA-256, so a checkpoint counts only when both
// files are complete and match.
using System.Security.Cryptography;
using System.Text.Json;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Training;
using ZslKit.Torch.Serialization;

namespace ZslKit.Experiments.Checkpoints;

/// <summary>The JSON half of a checkpoint.</summary>
public sealed record CheckpointState(
    int FormatVersion,
    string ConfigHash,
    int Epoch,
    long Step,
    string Rng,
    LrScheduleState Schedule,
    IReadOnlyDictionary<string, double> OptimizerScalars,
    int BestEpoch,
    double? BestMetric,
    IReadOnlyList<EpochRecord> History,
    string TensorsFile,
    string TensorsSha256);

/// <summary>A loaded checkpoint: the JSON state plus the tensors by prefix ("model/", "optim/", "best/").</summary>
public sealed record Checkpoint(CheckpointState State, IReadOnlyDictionary<string, TensorData> Tensors)
{
    public const int FormatVersion = 1;
    public const string ModelPrefix = "model/", OptimPrefix = "optim/", BestPrefix = "best/";

    /// <summary>Tensors under a prefix, with the prefix removed.</summary>
    public Dictionary<string, TensorData> Section(string prefix) =>
        Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
               .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);

    private static string Stem(int epoch) => $"epoch-{epoch:D4}";

    /// <summary>Writes the checkpoint of a finished epoch into <paramref name="folder"/> and keeps only the newest <paramref name="keep"/>.</summary>
    public static void Save(string folder, CheckpointState state, IReadOnlyDictionary<string, TensorData> tensors, int keep = 2)
    {
        Directory.CreateDirectory(folder);
        var stem = Stem(state.Epoch);
        var tensorsPath = Path.Combine(folder, stem + ".safetensors");
        string sha = "";
        AtomicFile.Write(tensorsPath, temp =>
        {
            SafeTensors.Write(temp, tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal),
                new Dictionary<string, string> { ["format"] = "zslkit-checkpoint", ["epoch"] = state.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            sha = Sha256(temp);
        });
        var json = JsonSerializer.Serialize(state with { FormatVersion = FormatVersion, TensorsFile = stem + ".safetensors", TensorsSha256 = sha }, ConfigJson.Options);
        AtomicFile.WriteAllText(Path.Combine(folder, stem + ".json"), json);
        foreach (var old in List(folder).SkipLast(keep))
        {
            File.Delete(Path.Combine(folder, Stem(old) + ".json"));
            File.Delete(Path.Combine(folder, Stem(old) + ".safetensors"));
        }
    }

    /// <summary>Epochs with a JSON state file in <paramref name="folder"/>, oldest first (temporary files ignored).</summary>
    public static IReadOnlyList<int> List(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var epochs = new List<int>();
        foreach (var f in Directory.EnumerateFiles(folder, "epoch-*.json"))
        {
            if (AtomicFile.IsTemp(f)) continue;
            var name = Path.GetFileNameWithoutExtension(f);
            if (int.TryParse(name["epoch-".Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var e))
                epochs.Add(e);
        }
        epochs.Sort();
        return epochs;
    }

    /// <summary>Loads the newest complete checkpoint (JSON present, tensors file present with the recorded SHA-256), or null.</summary>
    public static Checkpoint? LoadLatest(string folder)
    {
        foreach (var epoch in List(folder).Reverse())
        {
            var c = TryLoad(folder, epoch, out _);
            if (c is not null) return c;
        }
        return null;
    }

    /// <summary>Loads one checkpoint; null with a reason when it is incomplete or does not match its hash.</summary>
    public static Checkpoint? TryLoad(string folder, int epoch, out string? problem)
    {
        var jsonPath = Path.Combine(folder, Stem(epoch) + ".json");
        CheckpointState? state;
        try { state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(jsonPath), ConfigJson.Options); }
        catch (Exception e) when (e is JsonException or IOException)
        {
            problem = $"{jsonPath}: unreadable checkpoint state ({e.Message})";
            return null;
        }
        if (state is null || state.FormatVersion != FormatVersion)
        {
            problem = $"{jsonPath}: format version {state?.FormatVersion} is not {FormatVersion}";
            return null;
        }
        var tensorsPath = Path.Combine(folder, state.TensorsFile);
        if (!File.Exists(tensorsPath)) { problem = $"{tensorsPath}: missing (named by {jsonPath})"; return null; }
        var sha = Sha256(tensorsPath);
        if (sha != state.TensorsSha256) { problem = $"{tensorsPath}: SHA-256 {sha} does not match {state.TensorsSha256} recorded in {jsonPath}"; return null; }
        problem = null;
        return new Checkpoint(state, SafeTensors.Read(tensorsPath).Tensors);
    }

    private static string Sha256(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
