// Open Images v4 label space of the multi-label ZSL protocol (LESA and successors): seen = the 7,186 trainable
// label ids (classes-trainable.txt); unseen = 400 ids chosen by top_400_unseen.csv, whose rows are 0-based indices
// into unseen_labels.txt (2,594 candidates); names from class-descriptions.csv (id,name; no header).
using ZslKit.Data.Formats;

namespace ZslKit.Data.Datasets;

/// <summary>The Open Images v4 seen/unseen label ids and names.</summary>
public sealed class OpenImagesLabels
{
    public required string[] SeenIds { get; init; }
    public required string[] UnseenIds { get; init; }
    /// <summary>For each unseen label, its 0-based row in unseen_labels.txt (the top_400_unseen.csv entries).</summary>
    public int[] UnseenRows { get; init; } = [];
    /// <summary>Label id (e.g. "/m/0100nhbf") to display name.</summary>
    public required IReadOnlyDictionary<string, string> Names { get; init; }

    public string[] SeenNames => SeenIds.Select(NameOf).ToArray();
    public string[] UnseenNames => UnseenIds.Select(NameOf).ToArray();

    /// <summary>Name of <paramref name="id"/> (the id itself when class-descriptions.csv lacks it).</summary>
    public string NameOf(string id) => Names.TryGetValue(id, out var n) ? n : id;

    /// <summary>Reads classes-trainable.txt, unseen_labels.txt, top_400_unseen.csv and class-descriptions.csv.</summary>
    public static OpenImagesLabels Load(string folder)
    {
        var seen = TextList.Read(Path.Combine(folder, "classes-trainable.txt"));
        var candidatesPath = Path.Combine(folder, "unseen_labels.txt");
        var candidates = TextList.Read(candidatesPath);
        var topPath = Path.Combine(folder, "top_400_unseen.csv");
        var top = Csv.Read(topPath, hasHeader: false);
        var unseen = new string[top.Rows.Count];
        var rows = new int[top.Rows.Count];
        for (var i = 0; i < unseen.Length; i++)
        {
            var row = top.Rows[i];
            if (row.Length != 1 || !int.TryParse(row[0], out var k) || k < 0 || k >= candidates.Length)
                throw new DataFormatException(topPath, -1, $"row {i + 1}: '{string.Join(",", row)}' is not an index into the {candidates.Length} lines of {Path.GetFileName(candidatesPath)}");
            unseen[i] = candidates[k];
            rows[i] = k;
        }
        var descriptions = Csv.Read(Path.Combine(folder, "class-descriptions.csv"), hasHeader: false);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in descriptions.Rows)
            if (row.Length >= 2) names[row[0]] = row[1];
        return new OpenImagesLabels { SeenIds = seen, UnseenIds = unseen, UnseenRows = rows, Names = names };
    }
}
