// MetricsCsv.cs - the per-epoch metrics file of a run: epoch (1-based), train_loss, lr, seconds, then loss_<term> for each
// unweighted loss term the task reports (in the task's order; empty cells for epochs without them), then val_<metric> for
// every validation metric (sorted by name). Numbers are written round-trippable ("R", invariant culture).
using System.Globalization;
using System.Text;
using ZslKit.Experiments.Training;

namespace ZslKit.Experiments.Runs;

public static class MetricsCsv
{
    private static readonly string[] Fixed = ["epoch", "train_loss", "lr", "seconds"];

    /// <summary>Column prefixes of loss terms and validation metrics.</summary>
    public const string TermPrefix = "loss_", ValidationPrefix = "val_";

    public static string Format(IReadOnlyList<EpochRecord> epochs)
    {
        var names = epochs.SelectMany(e => e.Validation.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var terms = epochs.SelectMany(e => e.LossTerms?.Keys ?? []).Distinct().ToList();
        foreach (var n in names.Concat(terms))
            if (n.Contains(',') || n.Contains('"') || n.Contains('\n'))
                throw new ArgumentException($"metric name '{n}' cannot be a CSV column (no commas, quotes or newlines)", nameof(epochs));
        var sb = new StringBuilder();
        sb.AppendJoin(',', Fixed.Concat(terms.Select(n => TermPrefix + n)).Concat(names.Select(n => ValidationPrefix + n))).Append('\n');
        foreach (var e in epochs)
        {
            sb.Append((e.Epoch + 1).ToString(CultureInfo.InvariantCulture)).Append(',').Append(Num(e.TrainLoss)).Append(',')
              .Append(Num(e.LearningRate)).Append(',').Append(Num(e.Seconds));
            foreach (var n in terms) sb.Append(',').Append(e.LossTerms is { } t && t.TryGetValue(n, out var v) ? Num(v) : "");
            foreach (var n in names) sb.Append(',').Append(e.Validation.TryGetValue(n, out var v) ? Num(v) : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static IReadOnlyList<EpochRecord> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new InvalidDataException($"{path}: empty metrics file (expected a header line)");
        var header = lines[0].Split(',');
        if (!header.Take(Fixed.Length).SequenceEqual(Fixed))
            throw new InvalidDataException($"{path}: line 1: header must start with {string.Join(",", Fixed)}");
        var result = new List<EpochRecord>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split(',');
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{path}: line {i + 1}: {cells.Length} cells, the header has {header.Length}");
            double Parse(int c) => double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InvalidDataException($"{path}: line {i + 1}, column '{header[c]}': '{cells[c]}' is not a number");
            var val = new Dictionary<string, double>(StringComparer.Ordinal);
            Dictionary<string, double>? terms = null;
            for (int c = Fixed.Length; c < header.Length; c++)
            {
                if (header[c].StartsWith(ValidationPrefix, StringComparison.Ordinal))
                {
                    if (cells[c].Length > 0) val[header[c][ValidationPrefix.Length..]] = Parse(c);
                }
                else if (header[c].StartsWith(TermPrefix, StringComparison.Ordinal))
                {
                    if (cells[c].Length > 0) (terms ??= new(StringComparer.Ordinal))[header[c][TermPrefix.Length..]] = Parse(c);
                }
                else throw new InvalidDataException($"{path}: line 1: column '{header[c]}' is neither {TermPrefix}<term> nor {ValidationPrefix}<metric>");
            }
            result.Add(new EpochRecord((int)Parse(0) - 1, Parse(1), Parse(2), val, Parse(3), terms));
        }
        return result;
    }
}
