// LesaStoresBench.cs - `zsl bench lesa-stores`: times `zsl data lesa-stores` (NusWideStoreBuilder, OpenImagesStoreBuilder)
// on generated inputs at real label-file scale. Made once per invocation (not timed) in a temporary folder: an extraction
// of `items` fp16 [196, 512] items in shards of `shard`, written with the extractor's run file and shard metadata keys;
// the NUS-WIDE label files for `images` Imagelist rows (AllTags1k.txt, 81 Labels_<concept>.txt, train/test lists; the
// real TagList1k/Concepts81 from ../shared/data when present and `lists=auto`, else generated stand-ins of 1,000 / 81
// names); an Open Images train CSV of `csv-rows` rows, 4 per ImageID (the real classes-trainable.txt ids likewise, else
// 7,186 stand-ins). Each repetition builds into a fresh output folder (the previous one is removed untimed); the folder
// is deleted at the end, also on failure. No PyTorch twin (the builders have no PyTorch counterpart).
using System.Globalization;
using System.Text;
using System.Text.Json;
using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Data.FeatureStore;

namespace ZslKit.Benchmarks;

/// <summary>One timed build, handed to the optional inspection hook before the temporary folder is deleted.</summary>
/// <param name="Dataset">"nus-wide" or "openimages".</param>
/// <param name="Labels">The generated label folder the build read.</param>
/// <param name="Output">The output folder of the last timed repetition (its split stores).</param>
public sealed record LesaStoresBuild(string Dataset, string Labels, string Output, LesaStoreSummary Summary);

/// <summary>Times the LESA store builders on generated extraction shards and label files.</summary>
public sealed class LesaStoresBench : IBenchTarget
{
    /// <summary>The ids the generated Open Images CSV cycles through (the real classes-trainable.txt has as many).</summary>
    public const int StandInClasses = 7186;

    /// <summary>CSV rows per ImageID (4,000,000 rows over 1,000,000 ids at the defaults).</summary>
    public const int RowsPerImage = 4;

    private readonly Action<LesaStoresBuild>? _inspect;

    /// <param name="inspect">Called after the timed repetitions with each dataset's last build (tests open the stores).</param>
    public LesaStoresBench(Action<LesaStoresBuild>? inspect = null) => _inspect = inspect;

    public string Name => "lesa-stores";
    public string Description => "`zsl data lesa-stores` on generated inputs at real scale: NUS-WIDE label files of 269,648 images, a 4M-row Open Images CSV, 2,048 extracted [196, 512] fp16 items.";
    public bool HasTwin => false;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["dataset"] = "both", ["items"] = "2048", ["shard"] = "1024", ["images"] = "269648", ["csv-rows"] = "4000000", ["seed"] = "0", ["lists"] = "auto",
    };

    /// <summary>Which datasets the 'dataset' setting builds; checks 'lists' too.</summary>
    private (bool Nus, bool Oi) Builds(BenchSettings s)
    {
        var dataset = s.String("dataset");
        bool nus = dataset is "nus-wide" or "both", oi = dataset is "openimages" or "both";
        if (!nus && !oi) throw new ArgumentException($"{Name}: setting 'dataset' must be nus-wide, openimages or both, got '{dataset}'");
        if (s.String("lists") is not ("auto" or "generated"))
            throw new ArgumentException($"{Name}: setting 'lists' must be auto or generated, got '{s.String("lists")}'");
        return (nus, oi);
    }

    public void Validate(BenchSettings settings, ZslKit.Torch.torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Builds(settings);
    }

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var (nus, oi) = Builds(s);
        int items = s.Int("items"), shard = s.Int("shard"), images = s.Int("images"), csvRows = s.Int("csv-rows"), seed = s.Int("seed", 0);
        if (nus && items > images)
            throw new ArgumentException($"{Name}: setting 'items' ({items}) must be <= 'images' ({images}): every extracted image is an Imagelist.txt row");
        if (oi && (long)items * RowsPerImage > csvRows)
            throw new ArgumentException($"{Name}: setting 'csv-rows' ({csvRows}) must be >= {RowsPerImage} x 'items' ({(long)items * RowsPerImage}): every extracted image has {RowsPerImage} CSV rows");
        var root = Path.Combine(Path.GetTempPath(), $"zsl-bench-lesa-stores-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var shared = s.String("lists") == "auto" ? SharedData.Find() : null;
            var why = shared is not null ? "not in ../shared/data" : s.String("lists") == "generated" ? "lists=generated" : "no ../shared/data";
            var notes = new List<string> { "warm reads: the extraction was just written, so its chunks are in the page cache" };
            var metrics = new Dictionary<string, double>();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var feats = Path.Combine(root, "feats");
            metrics["extractionBytes"] = WriteExtraction(feats, items, shard, seed);
            context.Log($"{Name}: extraction of {items} items written ({metrics["extractionBytes"] / 1e6:F0} MB)");
            string? nusFolder = null, oiFolder = null;
            if (nus)
            {
                nusFolder = Path.Combine(root, "nus-wide");
                var (real, bytes) = WriteNusWide(nusFolder, images, shared);
                metrics["nusLabelBytes"] = bytes;
                notes.Add(real ? $"NUS-WIDE TagList1k/Concepts81: real ({Path.Combine(shared!, "nus-wide")})"
                               : $"NUS-WIDE TagList1k/Concepts81: generated stand-ins (1,000 / 81 names; {why})");
                context.Log($"{Name}: NUS-WIDE label files for {images} images written ({bytes / 1e6:F0} MB)");
            }
            if (oi)
            {
                oiFolder = Path.Combine(root, "openimages-v4");
                var (real, bytes) = WriteOpenImages(oiFolder, csvRows, shared);
                metrics["csvBytes"] = bytes;
                notes.Add(real ? $"Open Images classes-trainable.txt: real ({Path.Combine(shared!, "openimages-v4")})"
                               : $"Open Images classes-trainable.txt: generated stand-in ({StandInClasses} ids; {why})");
                context.Log($"{Name}: Open Images CSV of {csvRows} rows written ({bytes / 1e6:F0} MB)");
            }
            metrics["generateSeconds"] = sw.Elapsed.TotalSeconds;

            var measurements = new List<BenchMeasurement>();
            int rep = 0;
            string? output = null;
            LesaStoreSummary? last = null;
            void Fresh()
            {
                if (output is not null && Directory.Exists(output)) Directory.Delete(output, recursive: true);
                output = Path.Combine(root, $"out-{rep++}");
            }
            if (nusFolder is not null)
            {
                var (series, _) = BenchHarness.Measure(() => last = NusWideStoreBuilder.Build(feats, nusFolder, output!), context.Repetitions, setup: Fresh, progress: context.Log);
                var split = last!.Splits.ToDictionary(x => x.Split, x => x.Items);
                measurements.Add(new BenchMeasurement($"nus-wide build (train {split["train"]} + test {split["test"]} items; {images} Imagelist rows)",
                    items, "images", series, null));
                metrics["nusTrainItems"] = split["train"];
                metrics["nusTestItems"] = split["test"];
                _inspect?.Invoke(new LesaStoresBuild("nus-wide", nusFolder, output!, last));
            }
            if (oiFolder is not null)
            {
                var options = new LesaStoreOptions { Splits = ["train"] };
                var (series, _) = BenchHarness.Measure(() => last = OpenImagesStoreBuilder.Build(feats, oiFolder, output!, options), context.Repetitions, setup: Fresh, progress: context.Log);
                var train = last!.Splits.Single(x => x.Split == "train").Items;
                measurements.Add(new BenchMeasurement($"openimages build --split train ({train} items; {csvRows} CSV rows)", items, "images", series, null));
                metrics["oiTrainItems"] = train;
                metrics["oiWithoutLabels"] = last.WithoutLabels.Count;
                _inspect?.Invoke(new LesaStoresBuild("openimages", oiFolder, output!, last));
            }
            return new BenchTargetResult(measurements, metrics, notes);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException e) { context.Log($"{Name}: could not delete {root}: {e.Message}"); }
        }
    }

    /// <summary>The stored path of extracted image <paramref name="i"/> (NUS-WIDE-like folder/file; its file name without the
    /// extension is also its Open Images ImageID).</summary>
    public static string ImagePath(int i) => $"/img/Flickr/c{i % 81:D3}/{ImageId(i)}.jpg";

    /// <summary>Imagelist.txt row <paramref name="i"/> (Windows separators, as the official list).</summary>
    public static string ImageListEntry(int i) => $"c{i % 81:D3}\\{ImageId(i)}.jpg";

    /// <summary>ImageID of image <paramref name="i"/> in the generated CSV.</summary>
    public static string ImageId(int i) => string.Create(CultureInfo.InvariantCulture, $"{i:D4}_{i}");

    /// <summary>Whether image <paramref name="i"/> is in TrainImagelist.txt (else in TestImagelist.txt).</summary>
    public static bool IsNusTrain(int i) => i % 5 != 4;

    /// <summary>AllTags1k.txt value of image <paramref name="i"/>, tag column <paramref name="t"/>.</summary>
    public static bool TagPositive(int i, int t) => (i * 7 + t) % 97 == 0;

    /// <summary>Labels_&lt;concept <paramref name="c"/>&gt;.txt value of image <paramref name="i"/>.</summary>
    public static bool ConceptPositive(int i, int c) => (i + c) % 9 == 0;

    /// <summary>CSV row <paramref name="r"/>: ImageID row / 4, the class at (r * 31) mod classes, Confidence (r mod 3) mod 2.</summary>
    public static (int Image, int Class, bool Positive) CsvRow(long r, int classes) => ((int)(r / RowsPerImage), (int)(r * 31 % classes), r % 3 % 2 == 1);

    /// <summary>Writes an extraction folder as `zsl extract` does (run file, image list, shard-NNNNN stores with model, layer,
    /// shard, first, images, skipped metadata); every shard holds one random item repeated. Returns the feature bytes.</summary>
    private static long WriteExtraction(string folder, int items, int shard, int seed)
    {
        Directory.CreateDirectory(folder);
        var list = Path.Combine(folder, "list.txt");
        File.WriteAllLines(list, Enumerable.Range(0, items).Select(ImagePath));
        var run = new Dictionary<string, string>
        {
            ["model"] = "vgg19", ["layer"] = "conv5_4", ["weights"] = "(generated by zsl bench lesa-stores)", ["resize"] = "256", ["crop"] = "224",
            ["shardSize"] = shard.ToString(CultureInfo.InvariantCulture), ["dtype"] = FeatureDType.Fp16.ToString(), ["imageList"] = list,
        };
        File.WriteAllText(Path.Combine(folder, ExtractionShards.RunFile), JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true }));
        var rng = new Random(seed);
        var item = new float[196 * 512];
        for (int k = 0, first = 0; first < items; k++, first += shard)
        {
            var paths = Enumerable.Range(first, Math.Min(shard, items - first)).Select(ImagePath).ToList();
            var meta = new Dictionary<string, string>
            {
                ["model"] = "vgg19", ["layer"] = "conv5_4", ["shard"] = k.ToString(CultureInfo.InvariantCulture),
                ["first"] = first.ToString(CultureInfo.InvariantCulture), ["images"] = JsonSerializer.Serialize(paths), ["skipped"] = "[]",
            };
            for (int j = 0; j < item.Length; j++) item[j] = (float)rng.NextDouble();
            using var w = new FeatureStoreWriter(Path.Combine(folder, $"{ExtractionShards.ShardPrefix}{k:D5}"),
                new FeatureStoreOptions([196, 512], FeatureDType.Fp16) { Metadata = meta });
            foreach (var _ in paths) w.Append(item);
            w.Complete();
        }
        return (long)items * item.Length * 2;
    }

    /// <summary>Writes the NUS-WIDE label files for <paramref name="n"/> images; returns whether the tag/concept lists are the
    /// real ones and the bytes written.</summary>
    private static (bool Real, long Bytes) WriteNusWide(string folder, int n, string? shared)
    {
        Directory.CreateDirectory(Path.Combine(folder, "ImageList"));
        var labels = Path.Combine(folder, "Groundtruth", "AllLabels");
        Directory.CreateDirectory(labels);
        File.WriteAllLines(Path.Combine(folder, "ImageList", "Imagelist.txt"), Enumerable.Range(0, n).Select(ImageListEntry));
        File.WriteAllLines(Path.Combine(folder, "ImageList", "TrainImagelist.txt"), Enumerable.Range(0, n).Where(IsNusTrain).Select(ImageListEntry));
        File.WriteAllLines(Path.Combine(folder, "ImageList", "TestImagelist.txt"), Enumerable.Range(0, n).Where(i => !IsNusTrain(i)).Select(ImageListEntry));
        string? realTags = shared is null ? null : Path.Combine(shared, "nus-wide", "TagList1k.txt");
        string? realConcepts = shared is null ? null : Path.Combine(shared, "nus-wide", "Concepts81.txt");
        bool real = realTags is not null && realConcepts is not null && File.Exists(realTags) && File.Exists(realConcepts);
        string[] concepts;
        if (real)
        {
            File.Copy(realTags!, Path.Combine(folder, "TagList1k.txt"));
            File.Copy(realConcepts!, Path.Combine(folder, "Concepts81.txt"));
            concepts = File.ReadAllLines(realConcepts!).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        }
        else
        {
            // Stand-ins: 81 concepts, 75 of them also tags (as in the real lists), 925 other tags.
            concepts = Enumerable.Range(0, NusWideStoreBuilder.Concepts).Select(c => $"concept{c:D2}").ToArray();
            File.WriteAllLines(Path.Combine(folder, "Concepts81.txt"), concepts);
            File.WriteAllLines(Path.Combine(folder, "TagList1k.txt"),
                concepts.Take(75).Concat(Enumerable.Range(0, NusWideStoreBuilder.Tags - 75).Select(t => $"tag{t:D4}")));
        }
        // AllTags1k.txt: one row of 1,000 tab-terminated 0/1 values per image (the official layout).
        using (var w = new StreamWriter(Path.Combine(folder, "AllTags1k.txt"), false, new UTF8Encoding(false), 1 << 20))
        {
            var row = new char[NusWideStoreBuilder.Tags * 2 + 1];
            for (int i = 0; i < n; i++)
            {
                for (int t = 0; t < NusWideStoreBuilder.Tags; t++)
                {
                    row[2 * t] = TagPositive(i, t) ? '1' : '0';
                    row[2 * t + 1] = '\t';
                }
                row[^1] = '\n';
                w.Write(row);
            }
        }
        for (int c = 0; c < concepts.Length; c++)
        {
            using var w = new StreamWriter(Path.Combine(labels, $"Labels_{concepts[c]}.txt"), false, new UTF8Encoding(false), 1 << 16);
            for (int i = 0; i < n; i++) w.Write(ConceptPositive(i, c) ? "1\n" : "0\n");
        }
        return (real, Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
    }

    /// <summary>Writes classes-trainable.txt and a train label CSV of <paramref name="rows"/> rows; returns whether the class
    /// list is the real one and the CSV's bytes.</summary>
    private static (bool Real, long Bytes) WriteOpenImages(string folder, int rows, string? shared)
    {
        Directory.CreateDirectory(folder);
        var classesPath = Path.Combine(folder, "classes-trainable.txt");
        string? realClasses = shared is null ? null : Path.Combine(shared, "openimages-v4", "classes-trainable.txt");
        bool real = realClasses is not null && File.Exists(realClasses);
        if (real) File.Copy(realClasses!, classesPath);
        else File.WriteAllLines(classesPath, Enumerable.Range(0, StandInClasses).Select(c => $"/m/std{c:D5}"));
        var classes = File.ReadAllLines(classesPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var csv = Path.Combine(folder, OpenImagesStoreBuilder.LabelFileName("train"));
        using (var w = new StreamWriter(csv, false, new UTF8Encoding(false), 1 << 20))
        {
            w.Write("ImageID,Source,LabelName,Confidence\n");
            for (long r = 0; r < rows; r++)
            {
                var (image, cls, positive) = CsvRow(r, classes.Length);
                w.Write(ImageId(image));
                w.Write(",verification,");
                w.Write(classes[cls]);
                w.Write(positive ? ",1\n" : ",0\n");
            }
        }
        return (real, new FileInfo(csv).Length);
    }
}
