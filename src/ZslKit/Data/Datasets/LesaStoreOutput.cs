// LesaStoreOutput.cs - the write side shared by NusWideStoreBuilder and OpenImagesStoreBuilder: one feature store per
// split (<out>/train, <out>/test, <out>/validation) written through FeatureStoreWriter (write-once, published
// atomically), with item-ids.txt (one dataset id per line, item order) and a copy of the extraction's extraction.json
// (the image framing) written into the store's temporary folder so they appear together with the store. A split whose
// store already exists from the same build settings is kept (resume); one from other settings, or without
// item-ids.txt, stops the build unless Force replaces it: the old store is moved aside (<split>.replaced) and deleted
// once the new one is published, or moved back when the build fails. A <split>.replaced found at the start (an
// interrupted build) is moved back when <split> is missing, deleted when <split> exists (the new store was published).
// Also holds the option, progress and summary records.
using System.Text;
using System.Text.Json;
using ZslKit.Data.FeatureStore;

namespace ZslKit.Data.Datasets;

/// <summary>Settings shared by the LESA store builders.</summary>
public sealed record LesaStoreOptions
{
    /// <summary>Splits to write ("train", "test", "validation"); null: every split the dataset's label files define.</summary>
    public IReadOnlyList<string>? Splits { get; init; }
    /// <summary>Replace split stores that already exist.</summary>
    public bool Force { get; init; }
    /// <summary>Check each extraction chunk read against its CRC-32C (reads the whole chunk once); false skips the check.</summary>
    public bool Verify { get; init; } = true;
    public int ItemsPerChunk { get; init; } = 1024;
}

/// <summary>Progress of a build phase: <paramref name="Done"/> of <paramref name="Total"/> units (lines, images).</summary>
public readonly record struct LesaStoreProgress(string Phase, long Done, long Total);

/// <summary>One split store: its items, label columns, whether it was kept from an earlier build, and how many items
/// written now have no positive label (0 for a kept store).</summary>
public sealed record LesaStoreSplit(string Split, string Folder, long Items, int LabelCount, bool AlreadyBuilt, long WithoutPositive);

/// <summary>What a build did. Every stored image of the extraction is either written to one split or listed in exactly
/// one of <see cref="Unmatched"/>, <see cref="Ambiguous"/>, <see cref="OtherSplit"/>, <see cref="WithoutLabels"/> or
/// <see cref="Filtered"/> (or, skipped at extraction, was never stored).</summary>
public sealed record LesaStoreSummary
{
    public required string Dataset { get; init; }
    public required string Extraction { get; init; }
    public required string Model { get; init; }
    public required string Layer { get; init; }
    public required int[] ItemShape { get; init; }
    public required IReadOnlyList<LesaStoreSplit> Splits { get; init; }
    /// <summary>Images stored by the extraction.</summary>
    public long Images { get; init; }
    /// <summary>Images `zsl extract` skipped (unreadable), with its reason; never in any store.</summary>
    public IReadOnlyList<(string Path, string Reason)> SkippedAtExtraction { get; init; } = [];
    /// <summary>Stored paths with no dataset identity (NUS-WIDE: not in Imagelist.txt).</summary>
    public IReadOnlyList<string> Unmatched { get; init; } = [];
    /// <summary>Stored paths matching several dataset entries (or, Open Images, listed by several splits' label files).</summary>
    public IReadOnlyList<string> Ambiguous { get; init; } = [];
    /// <summary>Matched images that belong to no split being written now (another split, an already built one, or none).</summary>
    public IReadOnlyList<string> OtherSplit { get; init; } = [];
    /// <summary>Open Images: images with no row in the split's label file (not written unless KeepUnlabelled).</summary>
    public IReadOnlyList<string> WithoutLabels { get; init; } = [];
    /// <summary>NUS-WIDE: images dropped by MinImageBytes (files of at most that size, Flickr placeholders).</summary>
    public IReadOnlyList<string> Filtered { get; init; } = [];
    /// <summary>Things worth a look that did not stop the build (another backbone or layer than LESA's, an empty split).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The split stores of one build (internal to the builders).</summary>
internal sealed class LesaStoreOutput : IDisposable
{
    /// <summary>Store metadata key holding the build settings (compared on resume).</summary>
    public const string BuildKey = "lesaStores";

    private readonly Dictionary<string, (FeatureStoreWriter Writer, StreamWriter Ids)> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _withoutPositive = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _labelCounts;
    private readonly List<string> _replace = [];
    private readonly List<string> _movedAside = [];   // splits whose old store Start moved to Aside(split) (Force)

    public string OutFolder { get; }
    /// <summary>Splits whose stores exist from the same settings (kept).</summary>
    public IReadOnlyList<string> Built { get; }
    /// <summary>Splits to write in this run.</summary>
    public IReadOnlyList<string> Pending { get; }
    /// <summary>Old stores moved back from &lt;split&gt;.replaced (left by an interrupted forced rebuild), one line each.</summary>
    public IReadOnlyList<string> Restored { get; }

    /// <param name="build">The build settings; stored in each store's metadata and compared on resume.</param>
    public LesaStoreOutput(string outFolder, IReadOnlyList<string> splits, Dictionary<string, int> labelCounts, bool force, string build)
    {
        OutFolder = Path.GetFullPath(outFolder);
        if (File.Exists(OutFolder)) throw new IOException($"--out {OutFolder} is a file, not a folder");
        _labelCounts = labelCounts;
        var built = new List<string>();
        var pending = new List<string>();
        var restored = new List<string>();
        foreach (var split in splits)
        {
            var folder = Folder(split);
            // A leftover <split>.replaced is the old store: the only copy while <split> is missing (the build stopped
            // before publishing), superseded once <split> exists (the build stopped while deleting it).
            if (Directory.Exists(Aside(split)))
            {
                if (Directory.Exists(folder)) Directory.Delete(Aside(split), recursive: true);
                else
                {
                    Directory.Move(Aside(split), folder);
                    restored.Add($"{folder} was moved back from {Aside(split)} (the old store, left there by an interrupted forced rebuild)");
                }
            }
            if (Directory.Exists(folder))
            {
                if (force) _replace.Add(split);   // moved aside in Start, once every label file has been read
                else if (SameBuild(folder, build)) { built.Add(split); continue; }
                else throw new InvalidOperationException($"{folder} already exists from other settings or another extraction " +
                    $"(or without {TfRecordImport.ItemIdsFileName}); rebuild with Force (--force) to replace it");
            }
            pending.Add(split);
        }
        (Built, Pending, Restored) = (built, pending, restored);
        Build = build;
    }

    public string Build { get; }

    public string Folder(string split) => Path.Combine(OutFolder, split);

    /// <summary>Where Start moves a store that Force replaces; deleted once the new store is published, moved back if the build fails.</summary>
    private string Aside(string split) => Folder(split) + ".replaced";

    /// <summary>Opens the writers of the pending splits (item shape and dtype of the extraction). Each store also gets a
    /// copy of the extraction's extraction.json (its resize and crop tell LesaOpenImagesLocalisation.MappingFor how the
    /// images were framed).</summary>
    public void Start(ExtractionShards extraction, int itemsPerChunk, IReadOnlyDictionary<string, string> metadata)
    {
        Directory.CreateDirectory(OutFolder);
        foreach (var split in _replace)
        {
            Directory.Move(Folder(split), Aside(split));
            _movedAside.Add(split);
        }
        foreach (var split in Pending)
        {
            var meta = new Dictionary<string, string>(metadata) { [BuildKey] = Build, ["split"] = split };
            var writer = new FeatureStoreWriter(Folder(split),
                new FeatureStoreOptions(extraction.ItemShape, extraction.DType, _labelCounts[split], itemsPerChunk) { Metadata = meta });
            File.Copy(Path.Combine(extraction.Folder, ExtractionShards.RunFile), Path.Combine(writer.TemporaryFolder, ExtractionShards.RunFile));
            var ids = new StreamWriter(Path.Combine(writer.TemporaryFolder, TfRecordImport.ItemIdsFileName), append: false, new UTF8Encoding(false), 1 << 16)
            {
                NewLine = "\n",
            };
            _open[split] = (writer, ids);
            _withoutPositive[split] = 0;
        }
    }

    public void Append(string split, string id, ReadOnlySpan<float> item, ReadOnlySpan<sbyte> labels)
    {
        var (writer, ids) = _open[split];
        writer.Append(item, labels);
        ids.WriteLine(id);
        var positive = false;
        foreach (var v in labels)
            if (v > 0) { positive = true; break; }
        if (!positive) _withoutPositive[split]++;
    }

    /// <summary>Publishes every pending store; returns one record per requested split, in the requested order.</summary>
    public List<LesaStoreSplit> Complete(IReadOnlyList<string> splits)
    {
        if (Pending.Count > 0 && _open.Count == 0) throw new InvalidOperationException("Start was not called");
        foreach (var (_, (writer, ids)) in _open)
        {
            ids.Dispose();
            writer.Complete();
        }
        foreach (var split in _movedAside) Directory.Delete(Aside(split), recursive: true);
        _movedAside.Clear();
        var result = new List<LesaStoreSplit>();
        foreach (var split in splits)
        {
            if (_open.TryGetValue(split, out var o))
                result.Add(new LesaStoreSplit(split, Folder(split), o.Writer.Count, _labelCounts[split], false, _withoutPositive[split]));
            else
            {
                var index = FeatureStoreIndex.Load(Folder(split));
                result.Add(new LesaStoreSplit(split, Folder(split), index.ItemCount, index.LabelCount, true, 0));
            }
        }
        _open.Clear();
        return result;
    }

    public void Dispose()
    {
        foreach (var (_, (writer, ids)) in _open)
        {
            ids.Dispose();
            writer.Dispose();   // deletes the unfinished temporary folder
        }
        _open.Clear();
        // A build that failed after Start puts back the stores it was replacing (and drops those already replaced: a
        // failed deletion is left to the next build). An old store that cannot be put back is reported with where it is.
        var stuck = new List<(string Split, Exception Error)>();
        foreach (var split in _movedAside)
        {
            try
            {
                if (Directory.Exists(Folder(split))) Directory.Delete(Aside(split), recursive: true);
                else Directory.Move(Aside(split), Folder(split));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!Directory.Exists(Folder(split))) stuck.Add((split, e));
            }
        }
        _movedAside.Clear();
        if (stuck.Count > 0)
            throw new IOException("the build failed and " + string.Join("; ", stuck.Select(s =>
                $"the old store of split {s.Split} could not be moved back to {Folder(s.Split)} ({s.Error.Message}): it is in {Aside(s.Split)}")) +
                "; the next build moves it back", stuck[0].Error);
    }

    /// <summary>The build settings as one canonical JSON string.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> settings) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(settings.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal));

    private static bool SameBuild(string folder, string build)
    {
        if (!File.Exists(Path.Combine(folder, TfRecordImport.ItemIdsFileName))) return false;
        try
        {
            var index = FeatureStoreIndex.Load(folder);
            return index.Metadata.TryGetValue(BuildKey, out var b) && b == build;
        }
        catch (DataFormatException) { return false; }
    }

    /// <summary>The summary fields both builders share: the extraction's, the splits written or kept, the images matched to
    /// no or several entries or to another split, and <paramref name="warnings"/> plus one per empty split written now.</summary>
    public static LesaStoreSummary Summary(string dataset, ExtractionShards x, IReadOnlyList<LesaStoreSplit> written, List<string> warnings,
        IReadOnlyList<string> unmatched, IReadOnlyList<string> ambiguous, IReadOnlyList<string> other)
    {
        warnings.AddRange(EmptySplitWarnings(written));
        return new LesaStoreSummary
        {
            Dataset = dataset, Extraction = x.Folder, Model = x.Model, Layer = x.Layer, ItemShape = x.ItemShape, Splits = written,
            Images = x.ImageCount, SkippedAtExtraction = x.Skipped, Unmatched = unmatched, Ambiguous = ambiguous, OtherSplit = other,
            Warnings = warnings,
        };
    }

    /// <summary>A warning per split written now with no item (an extraction of the wrong images, most likely).</summary>
    private static IEnumerable<string> EmptySplitWarnings(IEnumerable<LesaStoreSplit> written) =>
        written.Where(s => !s.AlreadyBuilt && s.Items == 0)
            .Select(s => $"split {s.Split} has no images (is the extraction of that split's images?)");

    /// <summary>Warnings for an extraction LESA was not defined on, or an exception when no region grid can be read from it.</summary>
    public static List<string> CheckExtraction(ExtractionShards x)
    {
        var shape = x.ItemShape;
        var square = shape.Length == 2 && (int)Math.Round(Math.Sqrt(shape[0])) is var side && side * side == shape[0];
        if (!square && shape.Length != 3)
            throw new DataFormatException(x.Folder, -1, $"items [{string.Join(", ", shape)}] of {x.Model} {x.Layer} are not region maps " +
                "([R, D] with R a square, or [H, W, D]); LESA needs VGG-19 conv5_4 maps [196, 512] (`zsl extract --model vgg19 --layer conv5_4`)");
        var warnings = new List<string>();
        if (x.Model != "vgg19" || x.Layer != "conv5_4")
            warnings.Add($"the extraction is {x.Model} {x.Layer}; LESA's features are vgg19 conv5_4");
        if (!shape.SequenceEqual([196, 512]) && !shape.SequenceEqual([14, 14, 512]))
            warnings.Add($"items are [{string.Join(", ", shape)}]; LESA's are [196, 512] (VGG-19 conv5_4 at 224 px)");
        return warnings;
    }
}
