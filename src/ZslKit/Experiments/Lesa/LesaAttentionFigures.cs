// LesaAttentionFigures.cs - Figure 4 of Huynh & Elhamifar, "A Shared Multi-Attention Framework for Multi-Label Zero-Shot
// Learning", CVPR 2020 (Sec. 5.4) on the synthetic benchmark: the heatmap of attention-module usage per unseen label, the
// "usage is spread over modules" claim, and attention overlays of example (test image, label) pairs drawn over the region
// grid with the planted box outlined.
using System.Globalization;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Claims;
using ZslKit.Models;
using ZslKit.Reporting;

namespace ZslKit.Experiments.Lesa;

/// <summary>One overlay panel: a test image, a planted label of it, and the model's attention map for that label.</summary>
/// <param name="Map">Attention over the grid, [rows, cols].</param>
/// <param name="PeakInBox">True when the map's maximum lies inside the planted box (the Table 3 hit criterion).</param>
public sealed record AttentionExample(int Image, int Label, string Name, bool Seen, GridBox Box, double[,] Map, bool PeakInBox);

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
        var modules = Enumerable.Range(1, usage.Modules).Select(m => $"m{m}").ToList();
        return new PlotlyFigure(title, width: Math.Max(720, 12 * usage.Labels.Count + 160), height: 480)
            .Heatmap(usage.Fractions(), usage.LabelNames, modules)
            .Axes(null, "attention module");
    }

    /// <summary>
    /// The unseen labels of the Figure 4 heatmap: all of them, in label order, when there are at most <paramref name="maxAll"/>
    /// (NUS-WIDE's 81), else a readable subset (Open Images' 400): the unseen labels planted in the most test images (abstract
    /// ones included), at most <paramref name="cap"/>, most frequent first (lowest label index on ties).
    /// </summary>
    public static HeatmapLabels UnseenHeatmapLabels(MultiLabelBenchmark bench, int maxAll = 100, int cap = 40)
    {
        ArgumentNullException.ThrowIfNull(bench);
        if (cap < 1) throw new ArgumentOutOfRangeException(nameof(cap), cap, "cap must be >= 1");
        if (maxAll < 0) throw new ArgumentOutOfRangeException(nameof(maxAll), maxAll, "maxAll must be >= 0");
        int s = bench.SeenCount, u = bench.UnseenCount;
        if (u <= maxAll)
            return new HeatmapLabels(Enumerable.Range(s, u).ToList(), $"all {u} unseen labels");
        var images = new int[u];
        int n = bench.ImageCount(MultiLabelSplit.Test);
        for (int i = 0; i < n; i++)
            foreach (var p in bench.PlantedLabels(MultiLabelSplit.Test, i))
                if (p.Label >= s) images[p.Label - s]++;
        int present = images.Count(c => c > 0);
        var chosen = Enumerable.Range(0, u).Where(j => images[j] > 0).OrderByDescending(j => images[j]).ThenBy(j => j)
            .Take(cap).Select(j => s + j).ToList();
        int least = chosen.Count == 0 ? 0 : images[chosen[^1] - s];
        return new HeatmapLabels(chosen, string.Create(CultureInfo.InvariantCulture,
            $"the {chosen.Count} unseen labels planted in the most test images (each in {least} to {(chosen.Count == 0 ? 0 : images[chosen[0] - s])} of {n}); " +
            $"{present} of the {u} unseen labels occur in the test split"));
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
    /// Up to <paramref name="count"/> test images with a planted, non-abstract label of the requested kind (seen or unseen),
    /// taken in image order (first planted label of that kind per image), with the model's attention map for it.
    /// </summary>
    public static IReadOnlyList<AttentionExample> Examples(ILesaTrainable model, MultiLabelBenchmark bench, bool seen, int count, int firstImage = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(bench);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 0");
        var list = new List<AttentionExample>();
        int n = bench.ImageCount(MultiLabelSplit.Test);
        for (int i = Math.Max(0, firstImage); i < n && list.Count < count; i++)
        {
            var planted = bench.PlantedLabels(MultiLabelSplit.Test, i).FirstOrDefault(p => !p.IsAbstract && (p.Label < bench.SeenCount) == seen);
            if (planted is null) continue;
            var map = LesaAttention.Map(model, bench, MultiLabelSplit.Test, i, planted.Label);
            var (row, col) = ArgMax(map);
            list.Add(new AttentionExample(i, planted.Label, bench.Semantics.Names[planted.Label], seen, planted.Box, map, planted.Box.Contains(row, col)));
        }
        return list;
    }

    /// <summary>A grid of overlays, one row per example list (e.g. seen, unseen), the planted box drawn in white.</summary>
    public static PlotlyFigure Overlays(string title, params IReadOnlyList<AttentionExample>[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int columns = Math.Max(1, rows.Max(r => r.Count));
        var fig = new PlotlyFigure(title, width: Math.Max(720, 260 * columns), height: 120 + 300 * Math.Max(1, rows.Length)).Grid(Math.Max(1, rows.Length), columns);
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < rows[r].Count; c++)
            {
                var e = rows[r][c];
                var at = new Subplot(r + 1, c + 1);
                int h = e.Map.GetLength(0) * CellPixels, w = e.Map.GetLength(1) * CellPixels;
                fig.Image(Render(e.Map.GetLength(0), e.Map.GetLength(1), e.Box), at)
                    .AttentionOverlay(e.Map, w, h, opacity: 0.55, at: at)
                    .Annotate($"{e.Name} ({(e.Seen ? "seen" : "unseen")}), image {e.Image}<br>peak {(e.PeakInBox ? "in" : "outside")} box", w / 2.0, -12, at, arrow: false);
            }
        return fig;
    }

    /// <summary>A rendered grid: grey checkerboard cells, the box outlined in white (a 2-pixel line just inside its border).</summary>
    public static byte[,,] Render(int rows, int cols, GridBox box)
    {
        var img = new byte[rows * CellPixels, cols * CellPixels, 3];
        for (int y = 0; y < rows * CellPixels; y++)
            for (int x = 0; x < cols * CellPixels; x++)
            {
                byte v = ((y / CellPixels + x / CellPixels) % 2 == 0) ? (byte)90 : (byte)110;
                int top = box.Top * CellPixels, left = box.Left * CellPixels, bottom = box.Bottom * CellPixels - 1, right = box.Right * CellPixels - 1;
                bool inside = y >= top && y <= bottom && x >= left && x <= right;
                bool edge = inside && (y - top < 2 || bottom - y < 2 || x - left < 2 || right - x < 2);
                if (edge) v = 255;
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
