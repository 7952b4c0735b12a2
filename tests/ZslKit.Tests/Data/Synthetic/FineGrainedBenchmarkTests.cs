// FineGrainedBenchmark and ClassAttributes: determinism, batch = on demand, GBU-style splits, part boxes and colours,
// feature-map signal, real AwA2/CUB attribute loading (when present) and the stand-in otherwise.
using ZslKit.Data;
using ZslKit.Data.Synthetic;
using ZslKit.Testing;

namespace ZslKit.Tests.Data.Synthetic;

public class FineGrainedBenchmarkTests
{
    private static readonly ClassAttributes SmallAttributes = ClassAttributes.StandIn(3, classes: 12, attributes: 20, unseen: 4);

    private static FineGrainedBenchmarkConfig Small { get; } = FineGrainedBenchmarkConfig.Quick with
    {
        TrainImagesPerClass = 4, TestSeenImagesPerClass = 2, TestUnseenImagesPerClass = 3, ImageSize = 32, FeatureDim = 32, Seed = 5,
    };

    private static FineGrainedBenchmark Build(FineGrainedBenchmarkConfig? config = null) => new(config ?? Small, SmallAttributes);

    private static float[] Image(FineGrainedBenchmark b, FineGrainedSplit s, int i) { var x = new float[b.ImageLength]; b.GetImage(s, i, x); return x; }
    private static float[] Features(FineGrainedBenchmark b, FineGrainedSplit s, int i) { var x = new float[b.FeatureLength]; b.GetFeatures(s, i, x); return x; }

    [Fact]
    public void The_same_config_gives_identical_images_features_and_fingerprint()
    {
        var a = Build();
        var b = Build();
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        foreach (var split in Enum.GetValues<FineGrainedSplit>())
            for (int i = 0; i < a.ImageCount(split); i += 3)
            {
                Assert.Equal(Image(a, split, i), Image(b, split, i));
                Assert.Equal(Features(a, split, i), Features(b, split, i));
                Assert.Equal(a.Layout(split, i).PartBoxes, b.Layout(split, i).PartBoxes);
            }
    }

    [Fact]
    public void A_different_seed_changes_images_features_and_fingerprint()
    {
        var a = Build();
        var b = Build(Small with { Seed = 6 });
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(Image(a, FineGrainedSplit.Train, 0), Image(b, FineGrainedSplit.Train, 0));
        Assert.NotEqual(Features(a, FineGrainedSplit.Train, 0), Features(b, FineGrainedSplit.Train, 0));
        Assert.NotEqual(a.Fingerprint, new FineGrainedBenchmark(Small, ClassAttributes.StandIn(4, 12, 20, 4)).Fingerprint);
    }

    [Fact]
    public void Generation_does_not_depend_on_call_order_or_thread_and_batches_match()
    {
        var b = Build();
        int n = b.ImageCount(FineGrainedSplit.Train);
        var forward = Enumerable.Range(0, n).Select(i => Features(b, FineGrainedSplit.Train, i)).ToArray();
        var parallel = b.GetFeatureBatch(FineGrainedSplit.Train, Enumerable.Range(0, n).Reverse().ToArray());
        var span = new float[n * b.FeatureLength];
        b.GetFeatureBatch(FineGrainedSplit.Train, Enumerable.Range(0, n).ToArray(), span);
        var images = new float[2 * b.ImageLength];
        b.GetImageBatch(FineGrainedSplit.TestUnseen, [4, 1], images);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(forward[i], parallel.AsSpan((n - 1 - i) * b.FeatureLength, b.FeatureLength).ToArray());
            Assert.Equal(forward[i], span.AsSpan(i * b.FeatureLength, b.FeatureLength).ToArray());
        }
        Assert.Equal(Image(b, FineGrainedSplit.TestUnseen, 4), images.AsSpan(0, b.ImageLength).ToArray());
        Assert.Equal(Image(b, FineGrainedSplit.TestUnseen, 1), images.AsSpan(b.ImageLength).ToArray());
    }

    [Fact]
    public void Splits_follow_the_gbu_protocol_and_shapes_the_config()
    {
        var b = Build();
        Assert.Equal((8 * 4, 8 * 2, 4 * 3), (b.ImageCount(FineGrainedSplit.Train), b.ImageCount(FineGrainedSplit.TestSeen), b.ImageCount(FineGrainedSplit.TestUnseen)));
        Assert.Equal(3 * 32 * 32, b.ImageLength);
        Assert.Equal(49 * 32, b.FeatureLength);
        Assert.Equal(SmallAttributes.SeenClasses, b.Classes(FineGrainedSplit.Train));
        Assert.Equal(SmallAttributes.UnseenClasses, b.Classes(FineGrainedSplit.TestUnseen));
        Assert.Equal(SmallAttributes.SeenClasses[1], b.ClassOf(FineGrainedSplit.Train, 4)); // class-major order
        Assert.Equal(Enumerable.Range(0, 12).Select(i => b.ClassOf(FineGrainedSplit.TestUnseen, i)), b.ClassLabels(FineGrainedSplit.TestUnseen));
        Assert.All(Enumerable.Range(0, 12), i => Assert.Contains(b.ClassOf(FineGrainedSplit.TestUnseen, i), SmallAttributes.UnseenClasses));
        Assert.Empty(SmallAttributes.SeenClasses.Intersect(SmallAttributes.UnseenClasses));
        Assert.All(Image(b, FineGrainedSplit.TestSeen, 3), v => Assert.InRange(v, 0f, 1f));
        var e = Assert.Throws<ArgumentException>(() => b.GetImage(FineGrainedSplit.Train, 0, new float[10]));
        Assert.Contains("3 x 32 x 32", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.GetFeatures(FineGrainedSplit.TestUnseen, 12, new float[b.FeatureLength]));
        Assert.Throws<ArgumentException>(() => Build(Small with { MaxObjectScale = 0.99 }));
    }

    [Fact]
    public void Part_boxes_lie_in_the_image_and_follow_the_pose()
    {
        var b = Build(Small with { TrainImagesPerClass = 30, ImageSize = 64 });
        int facingRight = 0;
        for (int i = 0; i < b.ImageCount(FineGrainedSplit.Train); i++)
        {
            var layout = b.Layout(FineGrainedSplit.Train, i);
            Assert.Equal(4, layout.PartBoxes.Count);
            Assert.All(layout.PartBoxes, box => Assert.True(box.FitsIn(64, 64), $"{box} outside the image"));
            var body = layout.PartBoxes[ClassAttributes.Body];
            var head = layout.PartBoxes[ClassAttributes.Head];
            var tail = layout.PartBoxes[ClassAttributes.Tail];
            Assert.Equal(layout.FacingRight, head.Left + head.Width / 2.0 > body.Left + body.Width / 2.0);
            Assert.Equal(layout.FacingRight, tail.Left + tail.Width / 2.0 < body.Left + body.Width / 2.0);
            Assert.InRange(body.Width, 0.56 * layout.ObjectSize - 1, 0.56 * layout.ObjectSize + 2);
            Assert.InRange(layout.ObjectSize, 0.45 * 64, 0.85 * 64);
            if (layout.FacingRight) facingRight++;
        }
        Assert.InRange(facingRight, 80, 160); // Binomial(240, 0.5): SD 7.7
    }

    [Fact]
    public void Part_colours_are_set_by_the_class_attributes()
    {
        // Without jitter, noise and stripes, a part has one colour per class: the same in every image of the class.
        var b = Build(Small with { AttributeJitter = 0, PixelNoise = 0, StripeStrength = 0, ImageSize = 64 });
        float[] HeadColour(int i)
        {
            var x = Image(b, FineGrainedSplit.Train, i);
            var head = b.Layout(FineGrainedSplit.Train, i).PartBoxes[ClassAttributes.Head];
            int at = (head.Top + head.Height / 2) * 64 + head.Left + head.Width / 2;
            return [x[at], x[4096 + at], x[2 * 4096 + at]];
        }
        for (int c = 0; c < 8; c++)
        {
            var first = HeadColour(4 * c);
            for (int k = 1; k < 4; k++) Assert.Equal(first, HeadColour(4 * c + k));
            if (c > 0) Assert.NotEqual(HeadColour(0), first);
        }
    }

    [Fact]
    public void Feature_cells_on_the_object_carry_more_energy_than_background_cells()
    {
        var b = Build(Small with { TrainImagesPerClass = 10, ImageSize = 70 });
        int d = b.Config.FeatureDim;
        double onObject = 0, background = 0;
        int nOn = 0, nBack = 0;
        for (int i = 0; i < b.ImageCount(FineGrainedSplit.Train); i++)
        {
            var x = Features(b, FineGrainedSplit.Train, i);
            var boxes = b.Layout(FineGrainedSplit.Train, i).PartBoxes;
            for (int r = 0; r < 49; r++)
            {
                var cell = new GridBox(r / 7 * 10, r % 7 * 10, 10, 10); // 70 px / 7 cells
                double energy = 0;
                for (int j = 0; j < d; j++) energy += x[r * d + j] * x[r * d + j];
                energy /= d;
                var body = boxes[ClassAttributes.Body];
                bool insideBody = body.Contains(cell.Top + 5, cell.Left + 5); // cell centre in the body box
                bool touches = boxes.Any(p => p.Top < cell.Bottom && cell.Top < p.Bottom && p.Left < cell.Right && cell.Left < p.Right);
                if (insideBody) { onObject += energy; nOn++; } else if (!touches) { background += energy; nBack++; }
            }
        }
        double expectedBackground = b.Config.FeatureNoiseSigma * b.Config.FeatureNoiseSigma + b.Config.FeatureBackgroundScale * b.Config.FeatureBackgroundScale;
        Assert.True(nOn > 20 && nBack > 500, $"{nOn} body cells, {nBack} background cells");
        Assert.InRange(background / nBack, 0.9 * expectedBackground, 1.1 * expectedBackground);
        // A cell centred in the body box is partly covered by the body ellipse (cover ≈ 0.4-1): + cover² · A², > 0.15 A².
        Assert.True(onObject / nOn > expectedBackground + 0.15 * b.Config.FeatureSignalAmplitude * b.Config.FeatureSignalAmplitude,
            $"body cells {onObject / nOn:F3} vs background {background / nBack:F3}");
    }

    [Fact]
    public void Without_a_data_folder_stand_in_attributes_of_the_real_sizes_are_used()
    {
        var awa = FineGrainedBenchmark.Create(Small, null);
        Assert.True(awa.Attributes.IsStandIn);
        Assert.Equal((50, 85, 40, 10), (awa.Attributes.ClassCount, awa.Attributes.AttributeCount, awa.Attributes.SeenClasses.Length, awa.Attributes.UnseenClasses.Length));
        var cub = FineGrainedBenchmark.Create(Small, Path.Combine(Path.GetTempPath(), "no-such-zslkit-data"), cub: true);
        Assert.True(cub.Attributes.IsStandIn);
        Assert.Equal((200, 312, 50), (cub.Attributes.ClassCount, cub.Attributes.AttributeCount, cub.Attributes.UnseenClasses.Length));
        Assert.All(cub.Attributes.Values, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void With_the_shared_data_the_real_awa2_attributes_and_split_are_used()
    {
        Skip.If(!ClassAttributes.Has(RepoPaths.SharedData, "awa2"), "AwA2 attributes not in ../shared/data");
        var att = FineGrainedBenchmark.Create(Small, RepoPaths.SharedData).Attributes;
        Assert.False(att.IsStandIn);
        Assert.Equal((50, 85, 40, 10), (att.ClassCount, att.AttributeCount, att.SeenClasses.Length, att.UnseenClasses.Length));
        Assert.Equal("antelope", att.ClassNames[0]);
        Assert.Contains(Array.IndexOf(att.ClassNames, "sheep"), att.UnseenClasses);
        Assert.Equal(ClassAttributes.Tail, att.AttributePart[Array.IndexOf(att.AttributeNames, "tail")]);
        Assert.Equal(ClassAttributes.Head, att.AttributePart[Array.IndexOf(att.AttributeNames, "horns")]);
        // First value of the continuous matrix (antelope, black) is 0.00; antelope/brown (column 4) is 12.34 → 0.1234.
        Assert.Equal(0f, att.Row(0)[0]);
        Assert.Equal(0.1234f, att.Row(0)[4], 1e-6f);
    }

    [Fact]
    public void With_the_shared_data_the_real_cub_attributes_and_split_are_used()
    {
        Skip.If(!ClassAttributes.Has(RepoPaths.SharedData, "cub-200-2011"), "CUB attributes not in ../shared/data");
        var att = ClassAttributes.LoadCub(RepoPaths.SharedData!);
        Assert.Equal((200, 312, 150, 50), (att.ClassCount, att.AttributeCount, att.SeenClasses.Length, att.UnseenClasses.Length));
        Assert.Equal("001.Black_footed_Albatross", att.ClassNames[0]);
        Assert.Equal(ClassAttributes.Head, att.AttributePart[0]);   // has_bill_shape::curved_(up_or_down)
        var counts = Enumerable.Range(0, 4).Select(p => att.AttributePart.Count(x => x == p)).ToArray();
        Assert.All(counts, c => Assert.True(c > 10, $"part sizes {string.Join(",", counts)}"));
    }

    [Fact]
    public void Malformed_attribute_files_raise_errors_naming_the_file_and_line()
    {
        var dir = Directory.CreateTempSubdirectory("zslkit-synth-");
        try
        {
            var awa = Directory.CreateDirectory(Path.Combine(dir.FullName, "awa2")).FullName;
            File.WriteAllLines(Path.Combine(awa, "classes.txt"), ["1\tcat", "2\tdog"]);
            File.WriteAllLines(Path.Combine(awa, "predicates.txt"), ["1\tblack", "2\ttail"]);
            File.WriteAllLines(Path.Combine(awa, "predicate-matrix-continuous.txt"), ["1 2", "3 x"]);
            File.WriteAllLines(Path.Combine(awa, "trainvalclasses.txt"), ["cat"]);
            File.WriteAllLines(Path.Combine(awa, "testclasses.txt"), ["dog"]);
            var e = Assert.Throws<DataFormatException>(() => ClassAttributes.LoadAwa2(dir.FullName));
            Assert.EndsWith("predicate-matrix-continuous.txt", e.File);
            Assert.Contains("line 2, column 2", e.Message);

            File.WriteAllLines(Path.Combine(awa, "predicate-matrix-continuous.txt"), ["1 2", "3 4"]);
            File.WriteAllLines(Path.Combine(awa, "testclasses.txt"), ["wolf"]);
            e = Assert.Throws<DataFormatException>(() => ClassAttributes.LoadAwa2(dir.FullName));
            Assert.Contains("'wolf'", e.Message);

            File.WriteAllLines(Path.Combine(awa, "testclasses.txt"), ["dog"]);
            var ok = ClassAttributes.LoadAwa2(dir.FullName);
            Assert.Equal([0.03f, 0.04f], ok.Row(1).ToArray());
        }
        finally { dir.Delete(true); }
    }
}
