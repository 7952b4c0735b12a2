// RunRecord.cs - a finished run as data: its config, provenance, per-epoch metrics and final metrics, read back from
// its folder artifacts/runs/<paper>/<experiment>/<run-id>/ (run-id = the config hash).
using System.Text.Json;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Training;
using ZslKit.Torch.Serialization;

namespace ZslKit.Experiments.Runs;

/// <summary>final.json: how training ended and the final metrics.</summary>
/// <param name="Validation">Validation metrics of the selected epoch (held-out training examples).</param>
/// <param name="Test">Test metrics of the selected model (empty when training diverged).</param>
public sealed record FinalMetrics(string Stop, string? Message, int BestEpoch, int EpochsRun,
    IReadOnlyDictionary<string, double> Validation, IReadOnlyDictionary<string, double> Test, double Seconds);

/// <summary>One run read from (or written to) its folder.</summary>
public sealed record RunRecord(string Folder, string RunId, ExperimentConfig Config, RunProvenance? Provenance, FinalMetrics Final,
    IReadOnlyList<EpochRecord> Epochs)
{
    public const string ConfigFile = "config.json", ProvenanceFile = "provenance.json", MetricsFile = "metrics.csv",
        FinalFile = "final.json", CheckpointFolder = "checkpoints";

    /// <summary>True when the run used generated data (its numbers are never compared with a paper's as a Δ).</summary>
    public bool Synthetic => Config.DatasetOrDefault.Synthetic;

    /// <summary>The folder of a config's run under <paramref name="runsRoot"/>.</summary>
    public static string FolderFor(string runsRoot, ExperimentConfig config)
    {
        var c = config.Validate();
        return Path.Combine(runsRoot, c.Paper, c.Experiment, ConfigJson.Hash(c));
    }

    /// <summary>Reads a finished run (null when the folder has no final.json yet). A finished run whose files cannot be
    /// read back (config.json missing, a file that is not what it should be) throws <see cref="InvalidDataException"/>
    /// naming the file and saying the folder is damaged.</summary>
    public static RunRecord? TryLoad(string folder)
    {
        var finalPath = Path.Combine(folder, FinalFile);
        if (!File.Exists(finalPath)) return null;
        try
        {
            var configPath = Path.Combine(folder, ConfigFile);
            if (!File.Exists(configPath)) throw new InvalidDataException($"{configPath}: missing next to {FinalFile}");
            var config = ConfigJson.Load(configPath);
            var final = Read<FinalMetrics>(finalPath);
            var provPath = Path.Combine(folder, ProvenanceFile);
            var prov = File.Exists(provPath) ? Read<RunProvenance>(provPath) : null;
            var metricsPath = Path.Combine(folder, MetricsFile);
            var epochs = File.Exists(metricsPath) ? MetricsCsv.Read(metricsPath) : [];
            return new RunRecord(folder, Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), config, prov, final, epochs);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            var text = e is ArgumentException { ParamName: { } p } && e.Message.EndsWith($" (Parameter '{p}')", StringComparison.Ordinal)
                ? e.Message[..^$" (Parameter '{p}')".Length] : e.Message;
            throw new InvalidDataException($"{text.TrimEnd('.')}; the run folder is damaged: delete it, or rerun with force (zsl train --force, RunOptions.Force)", e);
        }
    }

    /// <summary>Every finished run under runsRoot/paper[/experiment].</summary>
    public static IReadOnlyList<RunRecord> LoadAll(string runsRoot, string paper, string? experiment = null)
    {
        var dir = experiment is null ? Path.Combine(runsRoot, paper) : Path.Combine(runsRoot, paper, experiment);
        if (!Directory.Exists(dir)) return [];
        var runs = new List<RunRecord>();
        foreach (var final in Directory.EnumerateFiles(dir, FinalFile, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            if (TryLoad(Path.GetDirectoryName(final)!) is { } r) runs.Add(r);
        return runs;
    }

    private static T Read<T>(string path)
    {
        try
        {
            var json = File.ReadAllText(path);
            if (string.IsNullOrWhiteSpace(json)) throw new InvalidDataException($"{path}: the file is empty");
            return JsonSerializer.Deserialize<T>(json, ConfigJson.Options)
                   ?? throw new InvalidDataException($"{path}: null instead of a JSON object");
        }
        catch (JsonException e) { throw new InvalidDataException($"{path}: {JsonErrorText.Describe(e)}", e); }
    }
}
