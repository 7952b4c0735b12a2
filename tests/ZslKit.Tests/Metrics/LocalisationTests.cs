using ZslKit.Data.Formats;
using ZslKit.Metrics;

namespace ZslKit.Tests.Metrics;

public class LocalisationTests
{
    [Fact]
    public void Iou_of_boxes_given_as_x_y_w_h()
    {
        var a = new Box(0, 0, 2, 2);
        Assert.Equal(1.0, a.IoU(a));
        Assert.Equal(1.0 / 7, a.IoU(new Box(1, 1, 2, 2)), 12); // intersection 1, union 4 + 4 - 1
        Assert.Equal(0.0, a.IoU(new Box(2, 0, 2, 2)));       // touching edges
    }

    [Fact]
    public void Part_precision_counts_iou_strictly_above_one_half_over_visible_parts()
    {
        var truth = new Box?[] { new Box(0, 0, 10, 10), new Box(0, 0, 10, 10), null, new Box(0, 0, 10, 10) };
        var predicted = new[] { new Box(0, 0, 10, 10), new Box(0, 0, 10, 5) /* IoU 0.5: not counted */, new Box(0, 0, 1, 1), new Box(50, 50, 5, 5) };
        var p = PartLocalisation.Precision("head", predicted, truth);
        Assert.Equal((1, 3), (p.Correct, p.Evaluated));
        Assert.Equal(1.0 / 3, p.Precision, 12);
    }

    [Fact]
    public void Part_box_is_the_tight_box_of_visible_keypoints_grown_to_the_minimum_side()
    {
        var rule = new PartBoxRule("head", [1, 2, 3], 0.25);
        (double, double, bool)[] kp = [(10, 10, true), (30, 20, true), (99, 99, false)];
        // tight box 20 x 10 centred (20, 15); bird 200 wide -> side max(20, 50) = 50, clipped at the image's top-left.
        var box = PartLocalisation.PartBox(rule, kp, new Box(0, 0, 200, 100), 300, 300)!.Value;
        Assert.Equal(new Box(0, 0, 45, 40), box);
        Assert.Null(PartLocalisation.PartBox(rule, [(1, 1, false), (1, 1, false), (1, 1, false)], new Box(0, 0, 1, 1), 10, 10));
    }

    [Fact]
    public void Localisation_ap_matches_the_sklearn_reference_scaled_by_recall_over_boxed_images()
    {
        var conf = Npy.Read(MetricFixtures.Path("loc_conf.npy")).ToFloat32();
        var hasBox = Array.ConvertAll(Npy.Read(MetricFixtures.Path("loc_has_box.npy")).ToInt64(), v => v != 0);
        var hit = Array.ConvertAll(Npy.Read(MetricFixtures.Path("loc_hit.npy")).ToInt64(), v => v != 0);
        int n = conf.Length;
        // Label 0 is seen, label 1 unseen with the same data: one box per boxed image, the peak inside it iff hit.
        var boxes = new Dictionary<(int, int), IReadOnlyList<Box>>();
        var peaks = new Peak[n * 2];
        var c2 = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            c2[2 * i] = c2[2 * i + 1] = conf[i];
            peaks[2 * i] = peaks[2 * i + 1] = hit[i] ? new Peak(5, 5) : new Peak(50, 50);
            if (hasBox[i]) { boxes[(i, 0)] = [new Box(0, 0, 10, 10)]; boxes[(i, 1)] = [new Box(0, 0, 10, 10)]; }
        }
        var r = LocalisationMap.Evaluate(new Matrix<float>(c2, n, 2), new Matrix<Peak>(peaks, n, 2), boxes, [true, false]);
        var want = MetricFixtures.Expected.GetProperty("loc");
        Assert.Equal(want.GetProperty("boxed").GetInt32(), r.BoxedImages[0]);
        Assert.Equal(want.GetProperty("ap").GetDouble(), r.MapSeen, 1e-9);
        Assert.Equal(want.GetProperty("ap").GetDouble(), r.MapUnseen, 1e-9);
        Assert.Equal(r.MapSeen, r.H, 12);
    }

    [Fact]
    public void A_peak_outside_every_box_of_its_label_is_not_a_hit()
    {
        // Two boxed images, confidence ranks image 0 first but its peak misses: AP = 1/2 · 1/2 (second rank, recall 1/2).
        var boxes = new Dictionary<(int, int), IReadOnlyList<Box>> { [(0, 0)] = [new Box(0, 0, 1, 1)], [(1, 0)] = [new Box(0, 0, 1, 1), new Box(5, 5, 1, 1)] };
        var r = LocalisationMap.Evaluate(Ml.M([0.9f], [0.5f]), Ml.M([new Peak(3, 3)], [new Peak(5.5, 5.5)]), boxes, [false]);
        Assert.Equal(0.25, r.MapUnseen, 12);
        Assert.Equal(0, r.MapSeen);
        Assert.Equal(0, r.H);
    }
}
