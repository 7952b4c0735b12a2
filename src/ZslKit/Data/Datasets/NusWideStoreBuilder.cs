// NusWideStoreBuilder.cs - turns `zsl extract` shards of NUS-WIDE images plus the official NUS-WIDE label files into
// the train/test feature stores LESA reads (FeatureStoreRegions.OpenNusWide; Huynh & Elhamifar, CVPR 2020, Sec. 5.1).
// Labels follow the official extraction script (hbdat/cvpr20_LESA extract_data/extract_full_NUS_WIDE_images_VGG_feature_
// 2_TFRecord.py): the 1,000 AllTags1k columns as 2v-1 with the 75 tags that are also concepts set to 0, then the 81
// human concept labels (Groundtruth/AllLabels/Labels_<concept>.txt) as 2v-1: 1,081 int8 columns. The split of an image
// comes from TrainImagelist.txt / TestImagelist.txt; items keep extraction order within a split.
using ZslKit.Data.Formats;

namespace ZslKit.Data.Datasets;

/// <summary>How a stored image path is matched to an Imagelist.txt entry.</summary>
public enum NusWideMatch
{
    /// <summary>The entry's relative path (`\` read as `/`, case as given) must be the end of the stored path.</summary>
    RelativePath,
    /// <summary>The file name alone, as the official script keys its dictionary (`img_id.split('/')[-1]`).</summary>
    FileName,
}

/// <summary>NUS-WIDE specific settings of <see cref="NusWideStoreBuilder"/>.</summary>
public sealed record NusWideStoreOptions
{
    public NusWideMatch Match { get; init; } = NusWideMatch.RelativePath;
    /// <summary>Write 0 in the tag columns that are also concepts (the official script's <c>label1k[unseen_cls_idx] = 0</c>);
    /// false keeps their 2v-1 value. The reader ignores these columns either way.</summary>
    public bool ZeroConceptTags { get; init; } = true;
    /// <summary>When positive, images whose file (at the path stored by `zsl extract`) has at most this many bytes are not
    /// written (reported as filtered): the official extraction's <c>cap_file_size = 4000</c> against Flickr's
    /// "photo unavailable" placeholders. 0 (default) writes every extracted image; the files must exist when positive.</summary>
    public long MinImageBytes { get; init; }
}

/// <summary>Builds <c>&lt;out&gt;/train</c> and <c>&lt;out&gt;/test</c> NUS-WIDE stores from an extraction folder.</summary>
public static class NusWideStoreBuilder
{
    /// <summary>Tags (TagList1k.txt) and concepts (Concepts81.txt): the 1,081-column layout.</summary>
    public const int Tags = 1000, Concepts = 81, LabelCount = Tags + Concepts;

    public static readonly IReadOnlyList<string> SplitNames = ["train", "test"];

    /// <summary>
    /// Reads every shard of <paramref name="extraction"/>, matches each stored image to its Imagelist.txt entry, takes its
    /// split from TrainImagelist.txt / TestImagelist.txt and its labels from AllTags1k.txt and the 81 Labels_*.txt files of
    /// <paramref name="nusWideFolder"/>, and writes the split stores under <paramref name="outFolder"/>.
    /// </summary>
    public static LesaStoreSummary Build(string extraction, string nusWideFolder, string outFolder, LesaStoreOptions? options = null,
        NusWideStoreOptions? nus = null, IProgress<LesaStoreProgress>? progress = null)
    {
        options ??= new LesaStoreOptions();
        nus ??= new NusWideStoreOptions();
        var splits = options.Splits ?? SplitNames;
        foreach (var s in splits)
            if (!SplitNames.Contains(s)) throw new ArgumentException($"NUS-WIDE has splits train and test, not '{s}'", nameof(options));
        var x = ExtractionShards.Open(extraction);
        var warnings = LesaStoreOutput.CheckExtraction(x);
        var files = new NusWideFiles(nusWideFolder);   // every label file is found before anything is written

        var build = LesaStoreOutput.Describe(new Dictionary<string, string>
        {
            ["dataset"] = "nus-wide", ["extraction"] = x.Folder, ["labels"] = Path.GetFullPath(nusWideFolder),
            ["match"] = nus.Match.ToString(), ["zeroConceptTags"] = nus.ZeroConceptTags.ToString(),
            ["minImageBytes"] = nus.MinImageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["layout"] = "1081: TagList1k then Concepts81",
        });
        using var output = new LesaStoreOutput(outFolder, splits, splits.ToDictionary(s => s, _ => LabelCount), options.Force, build);
        warnings.AddRange(output.Restored);

        // Identity and split of every stored image (metadata only).
        var tags = ReadCounted(files.TagList, Tags);
        var concepts = ReadCounted(files.Concepts, Concepts);
        var conceptSet = concepts.ToHashSet(StringComparer.Ordinal);
        var conceptTag = tags.Select(conceptSet.Contains).ToArray();
        var conceptFiles = concepts.Select(files.ConceptFile).ToArray();
        var list = ReadLines(files.ImageList);
        var matcher = new Matcher(list, nus.Match);
        var splitOf = new byte[list.Length];   // 0 none, 1 train, 2 test
        MarkSplit(files.TrainList, 1, matcher, splitOf);
        MarkSplit(files.TestList, 2, matcher, splitOf);

        var unmatched = new List<string>();
        var ambiguous = new List<string>();
        var other = new List<string>();
        var filtered = new List<string>();
        var rows = new List<int[]>();            // per shard: Imagelist row of each item, or -1
        var target = new List<string?[]>();      // per shard: split to write each item to, or null
        var needed = new bool[list.Length];
        foreach (var shard in x.Shards)
        {
            var images = ExtractionShards.Images(shard);
            var r = new int[images.Length];
            var t = new string?[images.Length];
            for (var i = 0; i < images.Length; i++)
            {
                r[i] = matcher.Find(images[i], out var isAmbiguous);
                if (isAmbiguous) { ambiguous.Add(images[i]); continue; }
                if (r[i] < 0) { unmatched.Add(images[i]); continue; }
                var split = splitOf[r[i]] switch { 1 => "train", 2 => "test", _ => null };
                if (split is null || !output.Pending.Contains(split)) { other.Add(images[i]); continue; }
                if (nus.MinImageBytes > 0 && ImageBytes(images[i]) <= nus.MinImageBytes) { filtered.Add(images[i]); continue; }
                t[i] = split;
                needed[r[i]] = true;
            }
            rows.Add(r);
            target.Add(t);
        }

        List<LesaStoreSplit> written;
        if (output.Pending.Count == 0) written = output.Complete(splits);
        else
        {
            // Labels of the needed images only: positive tag columns and an 81-bit concept mask per image.
            var tagPositives = ReadTags(files.AllTags, list.Length, needed, progress);
            var conceptBits = new ulong[list.Length * 2];
            for (var c = 0; c < Concepts; c++)
            {
                progress?.Report(new LesaStoreProgress("concept labels", c, Concepts));
                ReadConcept(conceptFiles[c], c, list.Length, needed, conceptBits);
            }
            output.Start(x, options.ItemsPerChunk, new Dictionary<string, string>
            {
                ["dataset"] = "nus-wide", ["model"] = x.Model, ["layer"] = x.Layer,
                ["labelLayout"] = "1081: TagList1k (1,000, file order) then Concepts81 (81, file order); +1/-1" +
                    (nus.ZeroConceptTags ? ", 0 in the tag columns that are concepts" : ""),
            });
            var labels = new sbyte[LabelCount];
            long done = 0, total = target.Sum(t => t.Count(s => s is not null));
            x.Read((shard, item, _, features) =>
            {
                var row = rows[shard][item];
                if (++done % 1024 == 0) progress?.Report(new LesaStoreProgress("write", done, total));
                labels.AsSpan(0, Tags).Fill(-1);
                foreach (var p in tagPositives[row]!) labels[p] = 1;
                if (nus.ZeroConceptTags)
                    for (var k = 0; k < Tags; k++)
                        if (conceptTag[k]) labels[k] = 0;
                for (var c = 0; c < Concepts; c++)
                    labels[Tags + c] = (sbyte)((conceptBits[row * 2 + c / 64] >> (c % 64) & 1) != 0 ? 1 : -1);
                output.Append(target[shard][item]!, list[row], features, labels);
            }, wanted: (shard, item) => target[shard][item] is not null, verify: options.Verify);
            progress?.Report(new LesaStoreProgress("write", total, total));
            written = output.Complete(splits);
        }
        return LesaStoreOutput.Summary("nus-wide", x, written, warnings, unmatched, ambiguous, other) with { Filtered = filtered };
    }

    private static long ImageBytes(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length
            : throw new FileNotFoundException($"image {path} not found: MinImageBytes (--min-image-bytes) needs the extracted image files", path);
    }

    /// <summary>Finds the official files under the dataset folder (flat, or as the NUS-WIDE zips unpack).</summary>
    private sealed class NusWideFiles
    {
        public readonly string ImageList, TrainList, TestList, AllTags, TagList, Concepts, LabelsFolder;

        public NusWideFiles(string folder)
        {
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"NUS-WIDE folder {folder} not found");
            string Find(params string[] candidates)
            {
                foreach (var c in candidates)
                {
                    var p = Path.Combine(folder, c);
                    if (File.Exists(p) || Directory.Exists(p)) return p;
                }
                throw new FileNotFoundException($"NUS-WIDE label file {Path.Combine(folder, candidates[0])} not found" +
                    (candidates.Length > 1 ? $" (also looked for {string.Join(", ", candidates.Skip(1))})" : "") +
                    "; the official NUS-WIDE downloads hold it (data-scripts/manifest.json, nus-wide-*)", Path.Combine(folder, candidates[0]));
            }
            ImageList = Find("ImageList/Imagelist.txt", "Imagelist.txt");
            TrainList = Find("ImageList/TrainImagelist.txt", "TrainImagelist.txt");
            TestList = Find("ImageList/TestImagelist.txt", "TestImagelist.txt");
            AllTags = Find("AllTags1k.txt", "NUS_WID_Tags/AllTags1k.txt");
            TagList = Find("TagList1k.txt", "NUS_WID_Tags/TagList1k.txt");
            Concepts = Find("Concepts81.txt", "ConceptsList/Concepts81.txt");
            LabelsFolder = Find("Groundtruth/AllLabels", "AllLabels");
        }

        public string ConceptFile(string concept)
        {
            var p = Path.Combine(LabelsFolder, $"Labels_{concept}.txt");
            return File.Exists(p) ? p : throw new FileNotFoundException($"NUS-WIDE label file {p} not found (one Labels_<concept>.txt per Concepts81.txt line)", p);
        }
    }

    /// <summary>Maps stored image paths to Imagelist.txt rows.</summary>
    private sealed class Matcher
    {
        private readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
        private readonly HashSet<string> _ambiguous = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _exact = new(StringComparer.Ordinal);   // full entries, for the split lists
        private readonly int[] _depths;
        private readonly NusWideMatch _mode;

        public Matcher(string[] list, NusWideMatch mode)
        {
            _mode = mode;
            var depths = new SortedSet<int>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
            for (var i = 0; i < list.Length; i++)
            {
                if (!_exact.TryAdd(Normalise(list[i]), i)) _exact[Normalise(list[i])] = -1;
                var key = Key(list[i]);
                depths.Add(key.Count(ch => ch == '/') + 1);
                if (!_rows.TryAdd(key, i)) _ambiguous.Add(key);
            }
            _depths = [.. depths];
        }

        /// <summary>The match key of an Imagelist entry.</summary>
        private string Key(string entry)
        {
            var p = Normalise(entry);
            return _mode == NusWideMatch.FileName ? p[(p.LastIndexOf('/') + 1)..] : p;
        }

        /// <summary>Imagelist row of a split-list entry (the same path, whatever the match mode), or -1.</summary>
        public int Row(string entry) => _exact.TryGetValue(Normalise(entry), out var r) ? r : -1;

        /// <summary>Imagelist row whose key is the longest end of <paramref name="path"/>, or -1.</summary>
        public int Find(string path, out bool ambiguous)
        {
            ambiguous = false;
            var parts = Normalise(path).Split('/');
            foreach (var d in _mode == NusWideMatch.FileName ? [1] : _depths)
            {
                if (d > parts.Length) continue;
                var key = string.Join('/', parts[^d..]);
                if (!_rows.TryGetValue(key, out var row)) continue;
                if (_ambiguous.Contains(key)) { ambiguous = true; return -1; }
                return row;
            }
            return -1;
        }

        private static string Normalise(string entry)
        {
            var p = entry.Trim().Replace('\\', '/');
            if (p.Length >= 2 && p[1] == ':' && char.IsAsciiLetter(p[0])) p = p[2..];   // a Windows drive
            return p.TrimStart('/');
        }
    }

    private static void MarkSplit(string file, byte code, Matcher matcher, byte[] splitOf)
    {
        var lines = ReadLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            var row = matcher.Row(lines[i]);
            if (row < 0)
                throw new DataFormatException(file, -1, $"line {i + 1}: '{lines[i]}' is not (or not uniquely) an entry of Imagelist.txt");
            if (splitOf[row] != 0 && splitOf[row] != code)
                throw new DataFormatException(file, -1, $"line {i + 1}: '{lines[i]}' is also listed by the other split's list");
            splitOf[row] = code;
        }
    }

    /// <summary>The lines of a list whose line numbers matter (CRLF or LF; only trailing blank lines dropped; a blank line inside stops).</summary>
    private static string[] ReadLines(string file)
    {
        var lines = new List<string>();
        foreach (var raw in File.ReadLines(file)) lines.Add(raw.TrimEnd('\r').Trim().TrimStart('\uFEFF'));
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        var blank = lines.FindIndex(l => l.Length == 0);
        if (blank >= 0) throw new DataFormatException(file, -1, $"line {blank + 1} is blank (rows must align with Imagelist.txt)");
        return [.. lines];
    }

    private static string[] ReadCounted(string file, int count)
    {
        var items = TextList.Read(file);
        if (items.Length != count) throw new DataFormatException(file, -1, $"{items.Length} lines, expected {count}");
        return items;
    }

    /// <summary>AllTags1k.txt: one row of 1,000 0/1 values (tab separated) per Imagelist row; positives of the needed rows.</summary>
    private static ushort[]?[] ReadTags(string file, int rows, bool[] needed, IProgress<LesaStoreProgress>? progress)
    {
        var result = new ushort[]?[rows];
        using var reader = new StreamReader(file, System.Text.Encoding.UTF8, true, 1 << 20);
        var positives = new List<ushort>();
        var n = 0;
        while (reader.ReadLine() is { } line)
        {
            if (n >= rows)
            {
                if (line.Trim().Length == 0) continue;   // trailing blank lines
                throw new DataFormatException(file, -1, $"line {n + 1}: more rows than the {rows} lines of Imagelist.txt");
            }
            if (n % 8192 == 0) progress?.Report(new LesaStoreProgress("tag labels", n, rows));
            if (needed[n])
            {
                positives.Clear();
                var count = 0;
                foreach (var range in line.AsSpan().SplitAny(" \t\r"))
                {
                    var token = line.AsSpan(range);
                    if (token.Length == 0) continue;
                    if (count >= Tags) { count++; continue; }
                    if (token is "1") positives.Add((ushort)count);
                    else if (token is not "0")
                        throw new DataFormatException(file, -1, $"line {n + 1}: value '{token}' in column {count + 1} is not 0 or 1");
                    count++;
                }
                if (count != Tags) throw new DataFormatException(file, -1, $"line {n + 1}: {count} values, expected {Tags}");
                result[n] = [.. positives];
            }
            n++;
        }
        if (n != rows) throw new DataFormatException(file, -1, $"{n} rows, Imagelist.txt has {rows}");
        return result;
    }

    /// <summary>Labels_&lt;concept&gt;.txt: one 0/1 per Imagelist row; sets bit <paramref name="concept"/> of the needed rows.</summary>
    private static void ReadConcept(string file, int concept, int rows, bool[] needed, ulong[] bits)
    {
        using var reader = new StreamReader(file, System.Text.Encoding.UTF8, true, 1 << 16);
        var n = 0;
        while (reader.ReadLine() is { } raw)
        {
            var line = raw.Trim();
            if (n >= rows)
            {
                if (line.Length == 0) continue;
                throw new DataFormatException(file, -1, $"line {n + 1}: more rows than the {rows} lines of Imagelist.txt");
            }
            if (line != "0" && line != "1")
                throw new DataFormatException(file, -1, $"line {n + 1}: '{line}' is not 0 or 1");
            if (line == "1" && needed[n]) bits[n * 2 + concept / 64] |= 1UL << (concept % 64);
            n++;
        }
        if (n != rows) throw new DataFormatException(file, -1, $"{n} rows, Imagelist.txt has {rows}");
    }
}
