using ZslKit.Experiments.Config;

namespace ZslKit.Tests.Experiments;

public class ConfigJsonTests
{
    [Fact]
    public void Config_round_trips_through_json_with_every_section_filled()
    {
        var c = new ExperimentConfig(Paper: "lesa", Experiment: "table1-nus", Method: "lesa", Seed: 5,
            LossWeights: new(StringComparer.Ordinal) { ["rank"] = 1.0, ["rel"] = 0.5 }, Options: new(StringComparer.Ordinal) { ["M"] = 10 });
        var json = ConfigJson.Serialize(c);
        Assert.Contains("\"lossWeights\"", json);
        Assert.Contains("\"selectionMetric\"", json);
        var back = ConfigJson.Deserialize(json);
        Assert.Equal(json, ConfigJson.Serialize(back));
        Assert.Equal(10, back.Options!["M"]);
        Assert.Equal(ConfigJson.Hash(c), ConfigJson.Hash(back));
    }

    [Fact]
    public void Unknown_json_fields_are_rejected_with_the_source_name()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigJson.Deserialize("{\"paper\":\"x\",\"epochz\":3}", "my.json"));
        Assert.Contains("my.json", e.Message);
        Assert.Contains("epochz", e.Message);
    }

    [Fact]
    public void Overrides_set_nested_fields_and_add_map_entries()
    {
        var c = ConfigJson.ApplyOverrides(new ExperimentConfig(), ["training.epochs=7", "optimizer.lr=0.003", "lossWeights.rel=0.25",
            "options.M=10", "dataset.synthetic=false", "Device=cuda:1", "training.clipGradNorm=5"]);
        Assert.Equal(7, c.TrainingOrDefault.Epochs);
        Assert.Equal(0.003, c.OptimizerOrDefault.Lr);
        Assert.Equal(0.25, c.LossWeights!["rel"]);
        Assert.Equal(10, c.Options!["M"]);
        Assert.False(c.DatasetOrDefault.Synthetic);
        Assert.Equal("cuda:1", c.Device);
        Assert.Equal(5, c.TrainingOrDefault.ClipGradNorm);
        var cleared = ConfigJson.ApplyOverrides(c, ["training.clipGradNorm=null"]);
        Assert.Null(cleared.TrainingOrDefault.ClipGradNorm);
    }

    [Fact]
    public void Overrides_from_notebook_parameters_are_formatted_invariantly()
    {
        var c = ConfigJson.ApplyOverrides(new ExperimentConfig(),
            new Dictionary<string, object?> { ["optimizer.lr"] = 0.5e-3, ["seed"] = 4, ["schedule.kind"] = "moving-average" });
        Assert.Equal(0.0005, c.OptimizerOrDefault.Lr);
        Assert.Equal(4, c.Seed);
        Assert.Equal("moving-average", c.ScheduleOrDefault.Kind);
    }

    [Fact]
    public void An_unknown_override_key_names_the_fields_that_exist()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigJson.ApplyOverrides(new ExperimentConfig(), ["training.epoch=3"]));
        Assert.Contains("no field 'epoch' in training", e.Message);
        Assert.Contains("epochs", e.Message);
        var s = Assert.Throws<ArgumentException>(() => ConfigJson.ApplyOverrides(new ExperimentConfig(), ["training=3"]));
        Assert.Contains("is a section", s.Message);
        var v = Assert.Throws<ArgumentException>(() => ConfigJson.ApplyOverrides(new ExperimentConfig(), ["noequals"]));
        Assert.Contains("not key=value", v.Message);
    }

    [Fact]
    public void A_wrongly_typed_override_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigJson.ApplyOverrides(new ExperimentConfig(), ["training.epochs=many"]));
        Assert.Equal("override 'training.epochs=many': 'training.epochs' takes a number, got 'many' (Parameter 'path')", e.Message);
        var b = Assert.Throws<ArgumentException>(() => ConfigJson.ApplyOverrides(new ExperimentConfig(), ["training.maximize=1"]));
        Assert.StartsWith("override 'training.maximize=1': 'training.maximize' takes true or false, got 1", b.Message);
        // A nullable number accepts null and a number; what the deserializer refuses names the override too.
        Assert.Equal(5.0, ConfigJson.ApplyOverrides(new ExperimentConfig(), ["training.clipGradNorm=5"]).Training!.ClipGradNorm);
        var n = Assert.Throws<ArgumentException>(() => ConfigJson.ApplyOverrides(new ExperimentConfig(), ["training.epochs=1", "training.clipGradNorm=x"]));
        Assert.StartsWith("override 'training.clipGradNorm=x': 'training.clipGradNorm' takes a number or null, got 'x'", n.Message);
    }

    [Theory]
    [InlineData("training.epochs=1.5", "'training.epochs' takes an integer, got 1.5")]
    [InlineData("seed=99999999999", "'seed' takes an integer (-2147483648 to 2147483647), got 99999999999")]
    [InlineData("seed=null", "'seed' takes an integer, got null")]
    [InlineData("paper=5", "'paper' takes a string, got 5")]
    [InlineData("options=5", "'options' takes an object of names and numbers, got 5")]
    [InlineData("lossWeights.rel=x", "'lossWeights.rel' takes a number, got 'x'")]
    public void An_override_the_deserializer_refuses_says_what_the_field_takes_without_a_position(string assignment, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigJson.ApplyOverrides(new ExperimentConfig(), [assignment]));
        Assert.Equal($"override '{assignment}': {why} (Parameter 'assignments')", e.Message);
    }

    [Fact]
    public void An_override_of_a_section_with_an_unknown_field_names_the_override_without_a_position()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigJson.ApplyOverrides(new ExperimentConfig(), ["dataset={\"x\": 1}"]));
        Assert.Equal("override 'dataset={\"x\": 1}': the value does not fit 'dataset' (unknown field 'x' (at $.dataset.x)) (Parameter 'assignments')", e.Message);
    }

    [Fact]
    public void A_config_file_value_of_the_wrong_type_names_the_type_the_field_takes()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigJson.Deserialize("{\"training\": {\"maximize\": 1}}", "c.json"));
        Assert.StartsWith("c.json: not a valid experiment config (line 1, column 28: 'training.maximize' takes true or false (at $.training.maximize))", e.Message);
    }

    [Fact]
    public void An_empty_config_file_is_called_empty()
    {
        var path = Path.Combine(Path.GetTempPath(), "zslkit-empty-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        try
        {
            File.WriteAllText(path, "  \n");
            var e = Assert.Throws<ArgumentException>(() => ConfigJson.Load(path));
            Assert.StartsWith($"{path}: the file is empty, not an experiment config", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_null_string_field_is_shown_as_null_under_its_json_name()
    {
        var c = ConfigJson.ApplyOverrides(new ExperimentConfig(), ["dType=null"]);
        var e = Assert.Throws<ArgumentException>(() => c.Validate());
        Assert.StartsWith("config field 'dType': null is not float32 or float64", e.Message);
    }

    [Fact]
    public void The_hash_changes_with_any_field_and_ignores_how_defaults_were_spelled()
    {
        var a = new ExperimentConfig();
        var b = new ExperimentConfig(Training: new TrainingConfig()); // explicit default section
        Assert.Equal(ConfigJson.Hash(a), ConfigJson.Hash(b));
        Assert.NotEqual(ConfigJson.Hash(a), ConfigJson.Hash(a with { Seed = 1 }));
        Assert.NotEqual(ConfigJson.Hash(a), ConfigJson.Hash(ConfigJson.ApplyOverrides(a, ["lossWeights.rel=1"])));
        Assert.Matches("^[0-9a-f]{16}$", ConfigJson.Hash(a));
    }

    [Theory]
    [InlineData("training.epochs=0", "training.epochs")]
    [InlineData("training.validationFraction=1", "training.validationFraction")]
    [InlineData("optimizer.lr=0", "optimizer.lr")]
    [InlineData("schedule.kind=cosine", "schedule.kind")]
    [InlineData("dtype=int8", "dType")]
    [InlineData("paper=../x", "paper")]
    [InlineData("device=tpu", "device")]
    [InlineData("device=cuda:x", "device")]
    [InlineData("optimizer.name=lbfgs", "optimizer.name")]
    public void Validation_names_the_bad_field(string assignment, string field)
    {
        var c = ConfigJson.ApplyOverrides(new ExperimentConfig(), [assignment]);
        var e = Assert.ThrowsAny<ArgumentException>(() => c.Validate());
        Assert.Contains(field.Split('.')[0], e.Message);
    }
}
