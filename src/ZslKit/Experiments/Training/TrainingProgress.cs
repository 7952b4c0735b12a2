// TrainingProgress.cs - what the trainer reports while it runs, and the plain-text reporter used when output is
// redirected (CI logs): one line per epoch plus at most one step line per interval, with loss, metric and ETA.
using System.Diagnostics;
using System.Globalization;

namespace ZslKit.Experiments.Training;

/// <summary>One finished epoch: mean training loss, learning rate used, validation metrics and wall time; with
/// <see cref="LossTerms"/> the epoch mean of each unweighted loss term (tasks that implement ILossTermsTask, eager steps
/// only: null when any step of the epoch was a CUDA-graph replay).</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double LearningRate, IReadOnlyDictionary<string, double> Validation, double Seconds,
    IReadOnlyDictionary<string, double>? LossTerms = null);

/// <summary>Receives training events (the CLI shows a Spectre.Console bar when interactive, <see cref="PlainProgress"/> otherwise).</summary>
public interface ITrainingProgress
{
    void OnStart(int startEpoch, int epochs, int stepsPerEpoch);
    void OnStep(int epoch, int step, double loss);
    void OnEpoch(EpochRecord record, string selectionMetric);
    void OnMessage(string message);
}

/// <summary>Reports nothing.</summary>
public sealed class NullProgress : ITrainingProgress
{
    public static NullProgress Instance { get; } = new();
    public void OnStart(int startEpoch, int epochs, int stepsPerEpoch) { }
    public void OnStep(int epoch, int step, double loss) { }
    public void OnEpoch(EpochRecord record, string selectionMetric) { }
    public void OnMessage(string message) { }
}

/// <summary>Plain periodic lines: "epoch 3/10 step 40/100 loss 0.5321 eta 0:01:12" at most once per interval, and one line per epoch.</summary>
public sealed class PlainProgress(TextWriter writer, TimeSpan? interval = null) : ITrainingProgress
{
    private readonly TimeSpan _interval = interval ?? TimeSpan.FromSeconds(10);
    private readonly Stopwatch _clock = new();
    private TimeSpan _lastLine;
    private int _epochs, _stepsPerEpoch, _startEpoch;
    private long _stepsDone;

    public void OnStart(int startEpoch, int epochs, int stepsPerEpoch)
    {
        (_startEpoch, _epochs, _stepsPerEpoch) = (startEpoch, epochs, stepsPerEpoch);
        _clock.Restart();
        _lastLine = TimeSpan.Zero;
        _stepsDone = 0;
        writer.WriteLine(startEpoch > 0
            ? $"training: resuming after epoch {startEpoch}, {epochs} epochs of {stepsPerEpoch} steps"
            : $"training: {epochs} epochs of {stepsPerEpoch} steps");
    }

    public void OnStep(int epoch, int step, double loss)
    {
        _stepsDone++;
        var now = _clock.Elapsed;
        if (now - _lastLine < _interval) return;
        _lastLine = now;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch + 1}/{_epochs} step {step + 1}/{_stepsPerEpoch} loss {loss:F4} eta {Eta(now):c}"));
    }

    public void OnEpoch(EpochRecord r, string selectionMetric)
    {
        var metric = r.Validation.TryGetValue(selectionMetric, out var v) ? string.Create(CultureInfo.InvariantCulture, $" val {selectionMetric} {v:F4}") : "";
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch + 1}/{_epochs} done: train loss {r.TrainLoss:F4}{metric} lr {r.LearningRate:G4} ({r.Seconds:F1}s) eta {Eta(_clock.Elapsed):c}"));
    }

    public void OnMessage(string message) => writer.WriteLine(message);

    private TimeSpan Eta(TimeSpan elapsed)
    {
        long total = (long)(_epochs - _startEpoch) * _stepsPerEpoch;
        if (_stepsDone == 0 || total <= 0) return TimeSpan.Zero;
        var perStep = elapsed.TotalSeconds / _stepsDone;
        return TimeSpan.FromSeconds(Math.Round(Math.Max(0, total - _stepsDone) * perStep));
    }
}
