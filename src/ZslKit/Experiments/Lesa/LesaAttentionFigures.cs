// LesaAttentionFigures.cs - Figure 4 of Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label Zero-Shot
// Learning", CVPR 2020 (Sec. 5.4) on the synthetic benchmark or real feature stores: the heatmap of attention-module usage
// per unseen label, the "usage is spread over modules" claim, and attention overlays of example (test image, label) pairs
// drawn over the region grid with the ground-truth box outlined (the planted box, or real Open Images boxes mapped onto the
// grid as Table 3 maps them).
using System.Globalization;
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Claims;
using ZslKit.Metrics;
using ZslKit.Models;
using ZslKit.Reporting;

namespace ZslKit.Experiments.Lesa;

/// <summary>One overlay panel: a test image, a label with a ground-truth box in it, and the model's attention map for that label.</summary>
/// <param name="Boxes">The label's boxes in grid coordinates (x = column, y = row, one unit per region): the planted box on
/// synthetic data, the mapped Open Images boxes on real data.</param>
/// <param name="Map">Attention over the grid, [rows, cols].</param>
/// <param name="PeakInBox">True when the centre of the map's maximum cell lies inside one of the boxes (the Table 3 hit criterion).</param>
public sealed record AttentionExample(int Image, int Label, string Name, bool Seen, IReadOnlyList<Box> Boxes, double[,] Map, bool PeakInBox);

/// <summary>The unseen labels a Figure 4 heatmap shows and, in words, how they were chosen.</summary>
public sealed record HeatmapLabels(IReadOnlyList<int> Labels, string Description);

/// <summary>Figure 4 builders.</summary>
public static class LesaAttentionFigures
{
    /// <summary>Pixels per grid cell in the rendered overlays.</summary>
    public const int CellPixels = 16;

    /// <summary>Heatmap of <see cref="ModuleUsage.Fractions"/>: modules as rows, labels as columns.</summary>
    public static PlotlyFigure UsageHeatmap(ModuleUsage usage, string title)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ModuleUsage.Check(usage.Counts, usage.Labels, usage.LabelNames, usage.Images);   // a `with` copy skips the constructor's check
        var modules = Enumerable.Range(1, usage.Modules).Select(m => $"m{m}").ToList();
        return new PlotlyFigure(title, width: Math.Max(720, 12 * usage.Labels.Count + 160), height: 480)
            .Heatmap(usage.Fractions(), usage.LabelNames, modules)
            .Axes(null, "attention module");
    }

    /// <summary>
    /// The unseen labels of the Figure 4 heatmap: all of them, in label order, when there are at most <paramref name="maxAll"/>
    /// (NUS-WIDE's 81), else a readable subset (Open Images' 400) of at most <paramref name="cap"/>, most frequent first (lowest
    /// label index on ties): on the synthetic benchmark the unseen labels planted in the most test images (abstract ones
    /// included), on real data (any other <see cref="IMultiLabelRegions"/>) those with the most positive (+1) test images.
    /// </summary>
    public static HeatmapLabels UnseenHeatmapLabels(IMultiLabelRegions data, int maxAll = 100, int cap = 40)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (cap < 1) throw new ArgumentOutOfRangeException(nameof(cap), cap, "cap must be >= 1");
        if (maxAll < 0) throw new ArgumentOutOfRangeException(nameof(maxAll), maxAll, "maxAll must be >= 0");
        int s = data.SeenCount, u = data.UnseenCount;
        if (u <= maxAll)
            return new HeatmapLabels(Enumerable.Range(s, u).ToList(), $"all {u} unseen labels");
        int n = data.ImageCount(MultiLabelSplit.Test);
        bool synthetic = data is MultiLabelBenchmark;
        var images = data is MultiLabelBenchmark bench ? PlantedTestImages(bench) : PositiveTestImages(data);
        int present = images.Count(c => c > 0);
        var chosen = Enumerable.Range(0, u).Where(j => images[j] > 0).OrderByDescending(j => images[j]).ThenBy(j => j)
            .Take(cap).Select(j => s + j).ToList();
        int least = chosen.Count == 0 ? 0 : images[chosen[^1] - s];
        int most = chosen.Count == 0 ? 0 : images[chosen[0] - s];
        return new HeatmapLabels(chosen, synthetic
            ? string.Create(CultureInfo.InvariantCulture,
                $"the {chosen.Count} unseen labels planted in the most test images (each in {least} to {most} of {n}); " +
                $"{present} of the {u} unseen labels occur in the test split")
            : string.Create(CultureInfo.InvariantCulture,
                $"the {chosen.Count} unseen labels with the most positive test images (from the test labels; each positive in {least} to {most} of {n}); " +
                $"{present} of the {u} unseen labels have a positive test image"));
    }

    /// <summary>Per unseen label j: test images of the synthetic benchmark in which label SeenCount + j is planted.</summary>
    private static int[] PlantedTestImages(MultiLabelBenchmark bench)
    {
        int s = bench.SeenCount;
        var images = new int[bench.UnseenCount];
        int n = bench.ImageCount(MultiLabelSplit.Test);
        for (int i = 0; i < n; i++)
            foreach (var p in bench.PlantedLabels(MultiLabelSplit.Test, i))
                if (p.Label >= s) images[p.Label - s]++;
        return images;
    }

    /// <summary>Per unseen label j: test images whose label SeenCount + j is +1, read in chunks of 256 images (bounded memory).</summary>
    private static int[] PositiveTestImages(IMultiLabelRegions data)
    {
        const int chunk = 256;
        int s = data.SeenCount, u = data.UnseenCount, n = data.ImageCount(MultiLabelSplit.Test), l = data.LabelCount(MultiLabelSplit.Test);
        if (l != s + u) throw new ArgumentException($"the test split has {l} label columns, expected seen + unseen = {s + u}", nameof(data));
        var images = new int[u];
        var labels = new sbyte[checked(Math.Min(chunk, Math.Max(n, 1)) * l)];
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            var block = labels.AsSpan(0, count * l);                                          // [count, L] row-major
            data.GetLabelBatch(MultiLabelSplit.Test, Enumerable.Range(start, count).ToArray(), block);
            for (int i = 0; i < count; i++)
                for (int j = 0; j < u; j++)
                    if (block[i * l + s + j] > 0) images[j]++;
        }
        return images;
    }

    /// <summary>
    /// "Different unseen labels use different attention modules": held when at least two modules are each the dominant
    /// module of some label and no module is dominant for more than half of the labels.
    /// </summary>
    public static ClaimResult UsageClaim(ModuleUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        int distinct = usage.DistinctDominantModules;
        double share = usage.LargestDominantShare;
        bool held = distinct >= 2 && share <= 0.5;
        string detail = string.Create(CultureInfo.InvariantCulture,
            $"{distinct} of {usage.Modules} modules are the dominant module of some label; the most common one is dominant for {100 * share:F0}% of {usage.Labels.Count} labels; normalised usage entropy {usage.NormalisedUsageEntropy:F2} (over {usage.Images} images)");
        return new ClaimResult("figure4-usage-spread", "Different unseen labels use different attention modules (usage is not concentrated on one module)",
            held ? ClaimStatus.Held : ClaimStatus.NotHeld, detail);
    }

    /// <summary>
    /// Up to <paramref name="count"/> test images with a ground-truth box of a label of the requested kind (seen or unseen),
    /// taken in image order from <paramref name="firstImage"/>, with the model's attention map for that label.
    /// Without <paramref name="boxes"/> the data must be the synthetic benchmark: its first planted, non-abstract label of that
    /// kind per image (planted order) with its planted box. With <paramref name="boxes"/> (per (test image, label), grid
    /// coordinates: <see cref="LesaOpenImagesLocalisation.GroundTruth(IMultiLabelRegions, string?)"/> on real Open Images),
    /// the label of that kind with the lowest index among the image's boxed labels, with all its boxes.
    /// </summary>
    public static IReadOnlyList<AttentionExample> Examples(ILesaTrainable model, IMultiLabelRegions data, bool seen, int count, int firstImage = 0,
        IReadOnlyDictionary<(int Image, int Label), IReadOnlyList<Box>>? boxes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 0");
        if (boxes is not null) return BoxExamples(model, data, boxes, seen, count, firstImage);
        if (data is not MultiLabelBenchmark bench)
            throw new ArgumentException($"overlays on real data ({data.Description}) need its ground-truth boxes: pass them as boxes " +
                "(LesaOpenImagesLocalisation.GroundTruth for Open Images)", nameof(boxes));
        var list = new List<AttentionExample>();
        int n = bench.ImageCount(MultiLabelSplit.Test);
        for (int i = Math.Max(0, firstImage); i < n && list.Count < count; i++)
        {
            var planted = bench.PlantedLabels(MultiLabelSplit.Test, i).FirstOrDefault(p => !p.IsAbstract && (p.Label < bench.SeenCount) == seen);
            if (planted is null) continue;
            var map = LesaAttention.Map(model, bench, MultiLabelSplit.Test, i, planted.Label);
            var (row, col) = ArgMax(map);
            list.Add(new AttentionExample(i, planted.Label, bench.Semantics.Names[planted.Label], seen, [LesaLocalisation.ToBox(planted.Box)], map,
                planted.Box.Contains(row, col)));
        }
        return list;
    }

    private static List<AttentionExample> BoxExamples(ILesaTrainable model, IMultiLabelRegions data,
        IReadOnlyDictionary<(int Image, int Label), IReadOnlyList<Box>> boxes, bool seen, int count, int firstImage)
    {
        int n = data.ImageCount(MultiLabelSplit.Test), labels = data.Semantics.Count;
        var first = new SortedDictionary<int, int>();                                         // test image -> lowest boxed label of the kind
        foreach (var ((image, label), list) in boxes)
        {
            if ((uint)image >= (uint)n || (uint)label >= (uint)labels)
                throw new ArgumentException($"box key (image {image}, label {label}) is outside the data's {n} test images x {labels} labels", nameof(boxes));
            if (list.Count == 0 || (label < data.SeenCount) != seen || image < firstImage) continue;
            if (!first.TryGetValue(image, out var current) || label < current) first[image] = label;
        }
        var examples = new List<AttentionExample>();
        foreach (var (image, label) in first)
        {
            if (examples.Count == count) break;
            var map = LesaAttention.Map(model, data, MultiLabelSplit.Test, image, label);
            var (row, col) = ArgMax(map);
            var centre = LesaLocalisation.RegionCentre(row * data.GridWidth + col, data.GridWidth);
            var own = boxes[(image, label)];
            examples.Add(new AttentionExample(image, label, data.Semantics.Names[label], seen, own, map, own.Any(b => b.Contains(centre.X, centre.Y))));
        }
        return examples;
    }

    /// <summary>A grid of overlays, one row per example list (e.g. seen, unseen), the ground-truth boxes drawn in white.</summary>
    public static PlotlyFigure Overlays(string title, params IReadOnlyList<AttentionExample>[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length == 0)
            throw new ArgumentException("Overlays: rows must hold at least one list of examples (e.g. seen, unseen from Examples), got none", nameof(rows));
        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r] is null) throw new ArgumentException($"Overlays: rows[{r}] is null", nameof(rows));
            for (int c = 0; c < rows[r].Count; c++)
                if (rows[r][c] is not { Map: { } map } || map.GetLength(0) == 0 || map.GetLength(1) == 0)
                    throw new ArgumentException($"Overlays: rows[{r}][{c}] must be an example with a non-empty attention map", nameof(rows));
        }
        int columns = Math.Max(1, rows.Max(r => r.Count));
        var fig = new PlotlyFigure(title, width: Math.Max(720, 260 * columns), height: 120 + 300 * Math.Max(1, rows.Length)).Grid(Math.Max(1, rows.Length), columns);
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < rows[r].Count; c++)
            {
                var e = rows[r][c];
                var at = new Subplot(r + 1, c + 1);
                int h = e.Map.GetLength(0) * CellPixels, w = e.Map.GetLength(1) * CellPixels;
                fig.Image(Render(e.Map.GetLength(0), e.Map.GetLength(1), e.Boxes), at)
                    .AttentionOverlay(e.Map, w, h, opacity: 0.55, at: at)
                    .Annotate($"{e.Name} ({(e.Seen ? "seen" : "unseen")}), image {e.Image}<br>peak {(e.PeakInBox ? "in" : "outside")} box", w / 2.0, -12, at, arrow: false);
            }
        return fig;
    }

    /// <summary>A rendered grid: grey checkerboard cells, the box outlined in white (a 2-pixel line just inside its border).</summary>
    public static byte[,,] Render(int rows, int cols, GridBox box) => Render(rows, cols, [LesaLocalisation.ToBox(box)]);

    /// <summary>
    /// A rendered grid: grey checkerboard cells, each box (grid coordinates, possibly fractional) outlined in white by a
    /// 2-pixel line just inside the pixels it covers ([floor(y·16), ceil((y + h)·16)) rows, the same for columns), clipped to the grid.
    /// </summary>
    public static byte[,,] Render(int rows, int cols, IReadOnlyList<Box> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (rows < 1 || cols < 1)
            throw new ArgumentOutOfRangeException(rows < 1 ? nameof(rows) : nameof(cols), $"Render: grid {rows}x{cols} must have at least one row and one column");
        int height = rows * CellPixels, width = cols * CellPixels;
        var outlines = boxes.Select(b =>
        {
            int top = (int)Math.Floor(b.Y * CellPixels), left = (int)Math.Floor(b.X * CellPixels);
            int bottom = Math.Max(top, (int)Math.Ceiling(b.Bottom * CellPixels) - 1), right = Math.Max(left, (int)Math.Ceiling(b.Right * CellPixels) - 1);
            return (Top: top, Left: left, Bottom: bottom, Right: right);
        }).ToArray();
        var img = new byte[height, width, 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = ((y / CellPixels + x / CellPixels) % 2 == 0) ? (byte)90 : (byte)110;
                foreach (var (top, left, bottom, right) in outlines)
                {
                    bool inside = y >= top && y <= bottom && x >= left && x <= right;
                    if (inside && (y - top < 2 || bottom - y < 2 || x - left < 2 || right - x < 2)) { v = 255; break; }
                }
                img[y, x, 0] = v; img[y, x, 1] = v; img[y, x, 2] = v;
            }
        return img;
    }

    private static (int Row, int Col) ArgMax(double[,] map)
    {
        int br = 0, bc = 0;
        for (int r = 0; r < map.GetLength(0); r++)
            for (int c = 0; c < map.GetLength(1); c++)
                if (map[r, c] > map[br, bc]) (br, bc) = (r, c);
        return (br, bc);
    }
}
