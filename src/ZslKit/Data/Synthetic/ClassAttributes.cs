// Class semantics for the synthetic fine-grained benchmark: a [classes, attributes] matrix in [0, 1], a GBU-style
// seen/unseen class split and the object part each attribute describes. Loaders read the plain-text AwA2 and
// CUB-200-2011 files of the shared data folder; a generated stand-in is used when they are absent.
using System.Globalization;

namespace ZslKit.Data.Synthetic;

/// <summary>
/// Per-class attribute values <see cref="Values"/> [ClassCount, AttributeCount] row-major in [0, 1]; seen and unseen class
/// indices (disjoint, covering every class); <see cref="AttributePart"/>[j] ∈ [0, <see cref="PartNames"/>.Length) is the part
/// attribute j describes.
/// </summary>
public sealed record ClassAttributes
{
    /// <summary>The object parts of the synthetic fine-grained images, in drawing order of the renderer's lookup.</summary>
    public static IReadOnlyList<string> PartNames { get; } = ["head", "body", "tail", "limb"];
    public const int Head = 0, Body = 1, Tail = 2, Limb = 3;

    public ClassAttributes(string[] classNames, string[] attributeNames, float[] values, int[] seenClasses, int[] unseenClasses,
        int[] attributePart, string source)
    {
        int c = classNames.Length, a = attributeNames.Length;
        if (c < 2 || a < 1) throw new ArgumentException($"need at least 2 classes and 1 attribute, got {c} and {a}");
        if (values.Length != (long)c * a) throw new ArgumentException($"values hold {values.Length} numbers, expected {c} classes x {a} attributes", nameof(values));
        if (attributePart.Length != a) throw new ArgumentException($"attributePart has {attributePart.Length} entries for {a} attributes", nameof(attributePart));
        if (attributePart.Any(p => p < 0 || p >= PartNames.Count)) throw new ArgumentException($"attribute parts must lie in [0, {PartNames.Count})", nameof(attributePart));
        if (values.Any(v => !(v >= 0 && v <= 1))) throw new ArgumentException("attribute values must lie in [0, 1]", nameof(values));
        var all = seenClasses.Concat(unseenClasses).Order().ToArray();
        if (seenClasses.Length == 0 || unseenClasses.Length == 0 || !all.SequenceEqual(Enumerable.Range(0, c)))
            throw new ArgumentException($"seen ({seenClasses.Length}) and unseen ({unseenClasses.Length}) classes must be non-empty, disjoint and cover all {c} classes");
        ClassNames = classNames; AttributeNames = attributeNames; Values = values;
        SeenClasses = seenClasses; UnseenClasses = unseenClasses; AttributePart = attributePart; Source = source;
    }

    public string[] ClassNames { get; }
    public string[] AttributeNames { get; }
    /// <summary>[ClassCount, AttributeCount] row-major, in [0, 1].</summary>
    public float[] Values { get; }
    public int[] SeenClasses { get; }
    public int[] UnseenClasses { get; }
    public int[] AttributePart { get; }
    public string Source { get; }
    public int ClassCount => ClassNames.Length;
    public int AttributeCount => AttributeNames.Length;
    public bool IsStandIn => Source.StartsWith("stand-in", StringComparison.Ordinal);
    public ReadOnlySpan<float> Row(int cls) => Values.AsSpan(cls * AttributeCount, AttributeCount);

    /// <summary>AwA2 from <paramref name="dataDir"/>/awa2: 50 classes x 85 continuous predicates (/100), 40 trainval + 10 test classes.</summary>
    public static ClassAttributes LoadAwa2(string dataDir)
    {
        var dir = Path.Combine(dataDir, "awa2");
        var classes = ReadIndexedNames(Path.Combine(dir, "classes.txt"));
        var attributes = ReadIndexedNames(Path.Combine(dir, "predicates.txt"));
        var values = ReadMatrix(Path.Combine(dir, "predicate-matrix-continuous.txt"), classes.Length, attributes.Length);
        var (seen, unseen) = ReadSplit(dir, classes);
        return new ClassAttributes(classes, attributes, values, seen, unseen, attributes.Select(Awa2Part).ToArray(), "awa2:" + Path.GetFullPath(dir));
    }

    /// <summary>CUB-200-2011 from <paramref name="dataDir"/>/cub-200-2011: 200 classes x 312 attributes (% → /100), 150 + 50 classes.</summary>
    public static ClassAttributes LoadCub(string dataDir)
    {
        var dir = Path.Combine(dataDir, "cub-200-2011");
        var classes = ReadIndexedNames(Path.Combine(dir, "classes.txt"));
        var attributes = ReadIndexedNames(Path.Combine(dir, "attributes.txt"));
        var values = ReadMatrix(Path.Combine(dir, "class_attribute_labels_continuous.txt"), classes.Length, attributes.Length);
        var (seen, unseen) = ReadSplit(dir, classes);
        return new ClassAttributes(classes, attributes, values, seen, unseen, attributes.Select(CubPart).ToArray(), "cub:" + Path.GetFullPath(dir));
    }

    /// <summary>True when <paramref name="dataDir"/>/<paramref name="folder"/> holds the files the loader of that dataset needs.</summary>
    public static bool Has(string? dataDir, string folder) =>
        dataDir is not null && (folder switch
        {
            "awa2" => new[] { "classes.txt", "predicates.txt", "predicate-matrix-continuous.txt", "trainvalclasses.txt", "testclasses.txt" },
            "cub-200-2011" => new[] { "classes.txt", "attributes.txt", "class_attribute_labels_continuous.txt", "trainvalclasses.txt", "testclasses.txt" },
            _ => throw new ArgumentException($"unknown attribute dataset folder '{folder}' (awa2 or cub-200-2011)", nameof(folder)),
        }).All(f => File.Exists(Path.Combine(dataDir, folder, f)));

    /// <summary>AwA2 when present in <paramref name="dataDir"/>, else a stand-in of the same size (50 x 85, 10 unseen).</summary>
    public static ClassAttributes Awa2OrStandIn(string? dataDir, ulong seed) =>
        Has(dataDir, "awa2") ? LoadAwa2(dataDir!) : StandIn(seed, 50, 85, 10);

    /// <summary>CUB when present in <paramref name="dataDir"/>, else a stand-in of the same size (200 x 312, 50 unseen).</summary>
    public static ClassAttributes CubOrStandIn(string? dataDir, ulong seed) =>
        Has(dataDir, "cub-200-2011") ? LoadCub(dataDir!) : StandIn(seed, 200, 312, 50);

    /// <summary>
    /// Generated attributes with class families: F = max(2, classes/5) family prototypes p_f ~ U[0,1]^A; class c of family f
    /// has a_c = clamp(p_f + 0.25·N(0, I), 0, 1). The last <paramref name="unseen"/> classes are unseen; parts round-robin.
    /// </summary>
    public static ClassAttributes StandIn(ulong seed, int classes, int attributes, int unseen)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "need at least 2 classes");
        if (attributes < 1) throw new ArgumentOutOfRangeException(nameof(attributes), attributes, "need at least 1 attribute");
        if (unseen < 1 || unseen >= classes) throw new ArgumentOutOfRangeException(nameof(unseen), unseen, $"need 0 < unseen < {classes}");
        var rng = new CounterRng(seed, StreamIds.StandInAttributes);
        int families = Math.Max(2, classes / 5);
        var prototypes = new double[families * attributes];
        for (int i = 0; i < prototypes.Length; i++) prototypes[i] = rng.NextDouble();
        var values = new float[classes * attributes];
        for (int c = 0; c < classes; c++)
        {
            int f = rng.NextInt(families);
            for (int j = 0; j < attributes; j++)
                values[c * attributes + j] = (float)Math.Clamp(prototypes[f * attributes + j] + 0.25 * rng.NextGaussian(), 0, 1);
        }
        return new ClassAttributes(
            Enumerable.Range(0, classes).Select(i => $"class{i:D3}").ToArray(),
            Enumerable.Range(0, attributes).Select(i => $"attribute{i:D3}").ToArray(),
            values, Enumerable.Range(0, classes - unseen).ToArray(), Enumerable.Range(classes - unseen, unseen).ToArray(),
            Enumerable.Range(0, attributes).Select(j => j % PartNames.Count).ToArray(),
            $"stand-in:seed={seed},classes={classes},attributes={attributes},unseen={unseen}");
    }

    /// <summary>CUB attribute groups: bill/crown/forehead/eye/nape/throat/head → head; tail → tail; wing/leg → limb; rest → body.</summary>
    internal static int CubPart(string name)
    {
        string n = name.ToLowerInvariant();
        if (n.Contains("tail")) return Tail;
        if (n.Contains("wing") || n.Contains("leg_")) return Limb;
        foreach (var k in new[] { "bill", "crown", "forehead", "eye", "nape", "throat", "head" })
            if (n.Contains(k)) return Head;
        return Body;
    }

    /// <summary>AwA predicates: teeth/horns/tusks/longneck → head; tail → tail; legs, feet and hands → limb; rest → body.</summary>
    internal static int Awa2Part(string name) => name switch
    {
        "chewteeth" or "meatteeth" or "buckteeth" or "strainteeth" or "horns" or "tusks" or "longneck" or "smelly" => Head,
        "tail" => Tail,
        "flippers" or "hands" or "hooves" or "pads" or "paws" or "longleg" or "claws" or "bipedal" or "quadrapedal" or "hops" => Limb,
        _ => Body,
    };

    // ---------------------------------------------------------------- plain-text readers

    /// <summary>Lines "index name" (space or tab separated, 1-based consecutive indices) → names.</summary>
    private static string[] ReadIndexedNames(string path)
    {
        var lines = ReadLines(path);
        var names = new string[lines.Length];
        long offset = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Trim().Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index != i + 1)
                throw new DataFormatException(path, offset, $"line {i + 1}: expected \"{i + 1} <name>\", found \"{lines[i]}\"");
            names[i] = parts[1].Trim();
            offset += lines[i].Length + 1;
        }
        return names;
    }

    /// <summary>A whitespace-separated [rows, cols] matrix of non-negative numbers, divided by 100 and clamped to [0, 1].</summary>
    private static float[] ReadMatrix(string path, int rows, int cols)
    {
        var lines = ReadLines(path);
        if (lines.Length != rows) throw new DataFormatException(path, 0, $"expected {rows} rows (one per class), found {lines.Length}");
        var values = new float[rows * cols];
        long offset = 0;
        for (int i = 0; i < rows; i++)
        {
            var fields = lines[i].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != cols) throw new DataFormatException(path, offset, $"line {i + 1}: expected {cols} values, found {fields.Length}");
            for (int j = 0; j < cols; j++)
            {
                if (!double.TryParse(fields[j], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    throw new DataFormatException(path, offset, $"line {i + 1}, column {j + 1}: '{fields[j]}' is not a number");
                values[i * cols + j] = (float)Math.Clamp(v / 100.0, 0, 1);
            }
            offset += lines[i].Length + 1;
        }
        return values;
    }

    /// <summary>trainvalclasses.txt / testclasses.txt (class names, one per line) → class indices.</summary>
    private static (int[] Seen, int[] Unseen) ReadSplit(string dir, string[] classes)
    {
        var index = classes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        int[] Read(string file)
        {
            var path = Path.Combine(dir, file);
            return ReadLines(path).Select((n, line) => index.TryGetValue(n.Trim(), out int c) ? c
                : throw new DataFormatException(path, line, $"line {line + 1}: class '{n.Trim()}' is not in classes.txt")).ToArray();
        }
        return (Read("trainvalclasses.txt"), Read("testclasses.txt"));
    }

    private static string[] ReadLines(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"attribute file not found: {path}", path);
        return File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
    }
}
