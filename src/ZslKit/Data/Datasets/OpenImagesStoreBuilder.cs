// OpenImagesStoreBuilder.cs - turns `zsl extract` shards of Open Images v4 images plus the human-verified image-level
// labels (<split>-annotations-human-imagelabels.csv: ImageID,Source,LabelName,Confidence) into the train / validation /
// test feature stores LESA reads (FeatureStoreRegions.OpenOpenImages), with item-ids.txt (ImageIDs) next to each.
// Labels follow the official extraction scripts (hbdat/cvpr20_LESA extract_data/extract_images_VGG_feature_2_TFRecord.py
// for train/validation, extract_test_seen_unseen_images_VGG_feature_2_TFRecord.py for test): column value 2c-1 for
// Confidence c (1 -> +1, 0 -> -1), 0 where the image has no row for the label, later rows overwriting earlier ones;
// train/validation hold the 7,186 trainable labels (classes-trainable.txt order); test holds those then the 2,594
// unseen candidates (unseen_labels.txt order: 9,780 columns), or optionally only the top-400 unseen (7,586 columns);
// images without any row in the CSV are not written (the official scripts list images from the CSV). The CSV is
// streamed once per split; only the rows of the extracted images are kept.
using System.Globalization;
using ZslKit.Data.Formats;

namespace ZslKit.Data.Datasets;

/// <summary>Unseen columns of the Open Images test store.</summary>
public enum OpenImagesTestLayout
{
    /// <summary>7,186 seen then all 2,594 unseen candidates (9,780; the official test records' seen_label + unseen_label).</summary>
    AllCandidates,
    /// <summary>7,186 seen then the 400 unseen of top_400_unseen.csv (7,586).</summary>
    Top400,
}

/// <summary>Open Images specific settings of <see cref="OpenImagesStoreBuilder"/>.</summary>
public sealed record OpenImagesStoreOptions
{
    public OpenImagesTestLayout TestLayout { get; init; } = OpenImagesTestLayout.AllCandidates;
    /// <summary>Also write images that have no row in the split's label file (all labels 0); needs a single split.
    /// The official scripts never extract such images.</summary>
    public bool KeepUnlabelled { get; init; }
}

/// <summary>Builds Open Images v4 split stores from an extraction folder.</summary>
public static class OpenImagesStoreBuilder
{
    public static readonly IReadOnlyList<string> SplitNames = ["train", "validation", "test"];

    /// <summary>The human-verified image-level label file of <paramref name="split"/>.</summary>
    public static string LabelFileName(string split) => $"{split}-annotations-human-imagelabels.csv";

    /// <summary>
    /// Reads every shard of <paramref name="extraction"/> (ImageID = file name without extension), streams the label CSV of
    /// each requested split (default: every split whose CSV is in <paramref name="openImagesFolder"/> or its
    /// &lt;split&gt;/ subfolder) and writes the split stores under <paramref name="outFolder"/>. Without an explicit single split,
    /// an image goes to the split whose CSV lists it.
    /// </summary>
    public static LesaStoreSummary Build(string extraction, string openImagesFolder, string outFolder, LesaStoreOptions? options = null,
        OpenImagesStoreOptions? oi = null, IProgress<LesaStoreProgress>? progress = null)
    {
        options ??= new LesaStoreOptions();
        oi ??= new OpenImagesStoreOptions();
        if (!Directory.Exists(openImagesFolder)) throw new DirectoryNotFoundException($"Open Images folder {openImagesFolder} not found");
        var explicitSplits = options.Splits is not null;
        var splits = options.Splits?.ToList() ?? SplitNames.Where(s => FindLabelFile(openImagesFolder, s) is not null).ToList();
        foreach (var s in splits)
            if (!SplitNames.Contains(s)) throw new ArgumentException($"Open Images has splits train, validation and test, not '{s}'", nameof(options));
        if (splits.Count == 0)
            throw new FileNotFoundException($"Open Images label file {Path.Combine(openImagesFolder, LabelFileName("train"))} not found " +
                "(nor a validation or test one); download the v4 human-verified image-level labels", Path.Combine(openImagesFolder, LabelFileName("train")));
        if (oi.KeepUnlabelled && splits.Count != 1)
            throw new ArgumentException("KeepUnlabelled (--keep-unlabelled) needs a single split (--split), to know where unlabelled images go", nameof(oi));
        var csvs = splits.ToDictionary(s => s, s => FindLabelFile(openImagesFolder, s)
            ?? throw new FileNotFoundException($"Open Images label file {Path.Combine(openImagesFolder, LabelFileName(s))} not found", Path.Combine(openImagesFolder, LabelFileName(s))));

        var seenPath = Path.Combine(openImagesFolder, "classes-trainable.txt");
        var candidatesPath = Path.Combine(openImagesFolder, "unseen_labels.txt");
        var seen = ReadList(seenPath);
        var candidates = splits.Contains("test") ? ReadList(candidatesPath) : [];
        int[] top = splits.Contains("test") && oi.TestLayout == OpenImagesTestLayout.Top400 ? OpenImagesLabels.Load(openImagesFolder).UnseenRows : [];
        int s0 = seen.Length;
        var labelCounts = splits.ToDictionary(s => s, s => s != "test" ? s0
            : s0 + (oi.TestLayout == OpenImagesTestLayout.Top400 ? top.Length : candidates.Length));

        var x = ExtractionShards.Open(extraction);
        var warnings = LesaStoreOutput.CheckExtraction(x);
        var build = LesaStoreOutput.Describe(new Dictionary<string, string>
        {
            ["dataset"] = "openimages", ["extraction"] = x.Folder, ["labels"] = Path.GetFullPath(openImagesFolder),
            ["testLayout"] = oi.TestLayout.ToString(), ["keepUnlabelled"] = oi.KeepUnlabelled.ToString(),
            ["splitsFromLabelFiles"] = (!explicitSplits || splits.Count > 1).ToString(),
        });
        using var output = new LesaStoreOutput(outFolder, splits, labelCounts, options.Force, build);
        warnings.AddRange(output.Restored);
        List<LesaStoreSplit> written;
        var unmatched = new List<string>();
        var ambiguous = new List<string>();
        var other = new List<string>();
        var unlabelled = new List<string>();
        if (output.Pending.Count == 0)
            written = output.Complete(splits);
        else
        {
            // Slots of the extracted ImageIDs; every split CSV contributes its rows for them.
            var slot = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var shard in x.Shards)
                foreach (var path in ExtractionShards.Images(shard))
                    slot.TryAdd(ImageId(path), slot.Count);
            var column = new Dictionary<string, int>(StringComparer.Ordinal);   // label id -> global column (seen, then candidates)
            for (var i = 0; i < seen.Length; i++) column.TryAdd(seen[i], i);
            for (var i = 0; i < candidates.Length; i++) column.TryAdd(candidates[i], s0 + i);
            var rows = new List<int>?[slot.Count];        // per image: (global column << 1 | positive) in file order
            var splitMask = new byte[slot.Count];
            var bit = 0;
            var splitBit = new Dictionary<string, byte>();
            // Each CSV gives labels and decides the split: an image listed by one requested split's file goes there.
            foreach (var s in splits)
            {
                splitBit[s] = (byte)(1 << bit++);
                ReadLabels(csvs[s], slot, column, rows, splitMask, splitBit[s], progress);
            }
            var candidateToTop = new Dictionary<int, int>();
            for (var k = 0; k < top.Length; k++) candidateToTop[top[k]] = k;

            output.Start(x, options.ItemsPerChunk, new Dictionary<string, string>
            {
                ["dataset"] = "openimages", ["model"] = x.Model, ["layer"] = x.Layer,
                ["labelLayout"] = oi.TestLayout == OpenImagesTestLayout.Top400
                    ? "train/validation 7186 (classes-trainable.txt); test 7186 + 400 (top_400_unseen.csv rows of unseen_labels.txt)"
                    : "train/validation 7186 (classes-trainable.txt); test 7186 + 2594 (unseen_labels.txt)",
            });
            var buffers = labelCounts.ToDictionary(kv => kv.Key, kv => new sbyte[kv.Value]);
            long done = 0;
            x.Read((_, _, path, features) =>
            {
                if (++done % 1024 == 0) progress?.Report(new LesaStoreProgress("write", done, x.ImageCount));
                var id = ImageId(path);
                var k = slot[id];
                var mask = splitMask[k];
                string? split;
                if (mask == 0)
                {
                    if (!oi.KeepUnlabelled) { unlabelled.Add(path); return; }
                    split = splits[0];
                }
                else if ((mask & (mask - 1)) != 0) { ambiguous.Add(path); return; }
                else split = splitBit.First(kv => kv.Value == mask).Key;
                if (!output.Pending.Contains(split)) { other.Add(path); return; }
                var labels = buffers[split];
                Array.Clear(labels);
                var test = split == "test";
                foreach (var code in rows[k] ?? [])
                {
                    int c = code >> 1;
                    var v = (sbyte)((code & 1) != 0 ? 1 : -1);
                    if (c < s0) labels[c] = v;
                    else if (test)
                    {
                        if (oi.TestLayout == OpenImagesTestLayout.AllCandidates) labels[c] = v;
                        else if (candidateToTop.TryGetValue(c - s0, out var t)) labels[s0 + t] = v;
                    }
                }
                output.Append(split, id, features, labels);
            }, verify: options.Verify);
            progress?.Report(new LesaStoreProgress("write", x.ImageCount, x.ImageCount));
            written = output.Complete(splits);
        }
        return LesaStoreOutput.Summary("openimages", x, written, warnings, unmatched, ambiguous, other) with { WithoutLabels = unlabelled };
    }

    /// <summary>The ImageID of a stored path: its file name without the extension.</summary>
    public static string ImageId(string path) => Path.GetFileNameWithoutExtension(path.Replace('\\', '/').Split('/')[^1]);

    private static string? FindLabelFile(string folder, string split)
    {
        foreach (var p in new[] { Path.Combine(folder, LabelFileName(split)), Path.Combine(folder, split, LabelFileName(split)) })
            if (File.Exists(p)) return p;
        return null;
    }

    private static string[] ReadList(string path) =>
        File.Exists(path) ? TextList.Read(path) : throw new FileNotFoundException($"Open Images label list {path} not found", path);

    /// <summary>Streams one label CSV, keeping the rows of extracted images whose label is a known column.</summary>
    private static void ReadLabels(string file, Dictionary<string, int> slot, Dictionary<string, int> column, List<int>?[] rows,
        byte[] splitMask, byte bit, IProgress<LesaStoreProgress>? progress)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, true, 1 << 20);
        var header = reader.ReadLine() ?? throw new DataFormatException(file, 0, "empty file; expected the header ImageID,Source,LabelName,Confidence");
        var names = SplitCsv(header.TrimStart('\uFEFF'));
        int idCol = Array.IndexOf(names, "ImageID"), labelCol = Array.IndexOf(names, "LabelName"), confCol = Array.IndexOf(names, "Confidence");
        if (idCol < 0 || labelCol < 0 || confCol < 0)
            throw new DataFormatException(file, 0, $"header '{header}' lacks ImageID, LabelName or Confidence");
        int need = Math.Max(idCol, Math.Max(labelCol, confCol)) + 1;
        long line = 1;
        var name = Path.GetFileName(file);
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (line % 200_000 == 0) progress?.Report(new LesaStoreProgress(name, stream.Position, stream.Length));
            if (text.Length == 0) continue;
            var fields = SplitCsv(text);
            if (fields.Length < need)
                throw new DataFormatException(file, -1, $"line {line}: {fields.Length} fields, the header has {names.Length}");
            if (!slot.TryGetValue(fields[idCol], out var k)) continue;
            splitMask[k] |= bit;
            if (!double.TryParse(fields[confCol], NumberStyles.Float, CultureInfo.InvariantCulture, out var confidence) || (confidence != 0 && confidence != 1))
                throw new DataFormatException(file, -1, $"line {line}: Confidence '{fields[confCol]}' is not 0 or 1");
            if (!column.TryGetValue(fields[labelCol], out var c)) continue;   // neither a trainable label nor an unseen candidate
            (rows[k] ??= []).Add(c << 1 | (confidence == 1 ? 1 : 0));
        }
        progress?.Report(new LesaStoreProgress(name, stream.Length, stream.Length));
    }

    /// <summary>One CSV line's fields (double-quoted fields with "" escapes allowed).</summary>
    private static string[] SplitCsv(string line)
    {
        if (!line.Contains('"')) return line.TrimEnd('\r').Split(',');
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (ch != '\r') field.Append(ch);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }
}
