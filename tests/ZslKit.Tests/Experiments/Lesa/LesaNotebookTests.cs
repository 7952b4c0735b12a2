using ZslKit.Experiments.Lesa;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaNotebookTests
{
    [Fact]
    public void Seeds_parameter_defaults_to_the_preset_and_rejects_garbage()
    {
        Assert.Equal(LesaPresets.Full.Seeds, LesaNotebook.Seeds("", LesaPresets.Full));
        Assert.Equal([4, 7], LesaNotebook.Seeds(" 4, 7 ", LesaPresets.Quick));
        var e = Assert.Throws<ArgumentException>(() => LesaNotebook.Seeds("1,x", LesaPresets.Quick));
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void Seeds_parameter_refuses_a_list_without_seeds_or_with_a_seed_twice_as_zsl_train_does()
    {
        var e = Assert.Throws<ArgumentException>(() => LesaNotebook.Seeds(" , ", LesaPresets.Quick));
        Assert.Contains("seeds: no seeds in ' , '", e.Message);
        e = Assert.Throws<ArgumentException>(() => LesaNotebook.Seeds("0,0", LesaPresets.Quick));
        Assert.Contains("seeds: seed 0 is given twice", e.Message);
        Assert.Equal("seeds", e.ParamName);
    }

    [Fact]
    public void Real_datasets_stop_with_what_is_missing_and_synthetic_names_the_experiment()
    {
        var previous = Environment.GetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable);
        Environment.SetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable, Path.Combine(Path.GetTempPath(), "zslkit-no-features-here"));
        try
        {
            var nus = Assert.Throws<NotSupportedException>(() => LesaNotebook.SelectDataset("nus-wide"));
            Assert.Contains("nus-wide/features/train", nus.Message);
            var oi = Assert.Throws<NotSupportedException>(() => LesaNotebook.SelectDataset("openimages"));
            Assert.Contains(LesaExperiment.OpenImagesFeaturesVariable, oi.Message);
            Assert.Throws<ArgumentException>(() => LesaNotebook.SelectDataset("coco"));
            LesaNotebook.SelectDataset("synthetic");
            Assert.True(LesaNotebook.Synthetic);
            Assert.Equal("synthetic-quick", LesaNotebook.Experiment(LesaPresets.Quick));
            Assert.Equal("synthetic-quick", LesaNotebook.Config(LesaPresets.Quick, "lesa", 0).Experiment);
        }
        finally { Environment.SetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable, previous); }
    }

    [Fact]
    public void Synthetic_openimages_selects_the_open_images_preset_protocol_and_experiment()
    {
        try
        {
            LesaNotebook.SelectDataset("synthetic-openimages");
            Assert.True(LesaNotebook.Synthetic);
            Assert.True(LesaNotebook.OpenImages);
            Assert.Same(LesaPresets.OpenImagesQuick, LesaNotebook.Preset(true));
            Assert.Equal(LesaProtocol.OpenImages, LesaNotebook.Protocol);
            var c = LesaNotebook.Config(LesaNotebook.Preset(true), "lesa", 0);
            Assert.Equal("synthetic-openimages-quick", c.Experiment);
            Assert.True(LesaExperiment.IsOpenImages(c.DatasetOrDefault.Name));
            Assert.Equal("map", c.TrainingOrDefault.SelectionMetric);
            var e = Assert.Throws<ArgumentException>(() => LesaNotebook.Config(LesaPresets.Quick, "lesa", 0));
            Assert.Contains("LesaNotebook.Preset", e.Message);
        }
        finally { LesaNotebook.SelectDataset("synthetic"); }
        Assert.Same(LesaPresets.Quick, LesaNotebook.Preset(true));
    }
}
