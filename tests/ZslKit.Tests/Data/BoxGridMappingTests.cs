// BoxGridMappingTests.cs - the crop windows and grid boxes of BoxGridMapping against tests/fixtures/localisation/
// box_grid_windows.json (gen_box_grid.py: TF-slim's eval framing in numpy float32, torchvision's Resize + CenterCrop run
// on PIL images), to 1e-12 (both are ratios of small integers).
using System.Text.Json;
using ZslKit.Data.Datasets;
using ZslKit.Metrics;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public class BoxGridMappingTests
{
    private static JsonElement Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("localisation", "box_grid_windows.json")));
        return doc.RootElement.GetProperty("cases").Clone();
    }

    private static void AssertWindow(JsonElement expected, (double X0, double X1, double Y0, double Y1) w, string what)
    {
        Assert.True(Math.Abs(expected.GetProperty("x0").GetDouble() - w.X0) < 1e-12, $"{what} x0 {w.X0}");
        Assert.True(Math.Abs(expected.GetProperty("x1").GetDouble() - w.X1) < 1e-12, $"{what} x1 {w.X1}");
        Assert.True(Math.Abs(expected.GetProperty("y0").GetDouble() - w.Y0) < 1e-12, $"{what} y0 {w.Y0}");
        Assert.True(Math.Abs(expected.GetProperty("y1").GetDouble() - w.Y1) < 1e-12, $"{what} y1 {w.Y1}");
    }

    [Fact]
    public void Crop_windows_match_tf_slim_and_torchvision_framing_of_the_reference_sizes()
    {
        int differing = 0;
        foreach (var c in Cases().EnumerateArray())
        {
            int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32();
            var tf = BoxGridMapping.LesaRelease.Window(w, h);
            var tv = BoxGridMapping.ZslExtract.Window(w, h);
            AssertWindow(c.GetProperty("tfslim"), tf, $"tf-slim {w}x{h}");
            AssertWindow(c.GetProperty("torchvision"), tv, $"torchvision {w}x{h}");
            if (tf != tv) differing++;
        }
        Assert.True(differing >= 2, "the reference sizes include cases where the two framings differ");
    }

    [Fact]
    public void Whole_image_mapping_scales_normalised_boxes_by_the_grid()
    {
        var box = BoxGridMapping.Whole.ToGrid(new NormalisedBox(0.25, 0.5, 0.1, 0.9), gridHeight: 14, gridWidth: 7);
        Assert.NotNull(box);
        Assert.Equal(1.75, box.Value.X, 12);
        Assert.Equal(1.75, box.Value.W, 12);
        Assert.Equal(1.4, box.Value.Y, 12);
        Assert.Equal(11.2, box.Value.H, 12);
        Assert.Equal((0.0, 1.0, 0.0, 1.0), BoxGridMapping.Whole.Window(0, 0));
    }

    [Fact]
    public void Centre_crop_mapping_is_relative_to_the_window_clips_to_the_grid_and_drops_boxes_outside_it()
    {
        // 1024 x 768: resized 341 x 256, crop offsets 58 (x) and 16 (y): window x [58/341, 282/341], y [1/16, 15/16].
        var m = BoxGridMapping.LesaRelease;
        var (x0, x1, y0, y1) = m.Window(1024, 768);
        Assert.Equal((58.0 / 341, 282.0 / 341, 16.0 / 256, 240.0 / 256), (x0, x1, y0, y1));
        var inside = m.ToGrid(new NormalisedBox(0.5, 0.75, 0.5, 0.75), 14, 14, 1024, 768)!.Value;
        Assert.Equal((0.5 - x0) / (x1 - x0) * 14, inside.X, 12);
        Assert.Equal((0.75 - x0) / (x1 - x0) * 14, inside.Right, 12);
        Assert.Equal((0.5 - y0) / (y1 - y0) * 14, inside.Y, 12);
        Assert.Equal((0.75 - y0) / (y1 - y0) * 14, inside.Bottom, 12);
        var clipped = m.ToGrid(new NormalisedBox(0, 0.3, 0, 1), 14, 14, 1024, 768)!.Value;
        Assert.Equal(new Box(0, 0, (0.3 - x0) / (x1 - x0) * 14, 14), clipped);
        Assert.Null(m.ToGrid(new NormalisedBox(0, 0.1, 0, 1), 14, 14, 1024, 768));          // left of the crop
        Assert.Null(m.ToGrid(new NormalisedBox(0.2, 0.8, 0.95, 1), 14, 14, 1024, 768));     // below the crop
    }

    [Fact]
    public void Centre_crop_mapping_refuses_missing_sizes_and_a_crop_larger_than_the_resize()
    {
        Assert.True(BoxGridMapping.LesaRelease.NeedsImageSize);
        Assert.False(BoxGridMapping.Whole.NeedsImageSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => BoxGridMapping.LesaRelease.ToGrid(new NormalisedBox(0, 1, 0, 1), 14, 14));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoxGridMapping(GridFraming.ResizeCentreCrop, Resize: 200, Crop: 224).Window(640, 480));
    }
}
