// Device.cs - where a tensor lives: torch.CPU, torch.CUDA, torch.device("cuda:1").
namespace ZslKit.Torch;

/// <summary>Device kinds, numbered as the C ABI's device_type.</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

public static partial class torch
{
    /// <summary>A device: type plus index (-1 = the current device of that type).</summary>
    public sealed record Device(DeviceType type, int index = -1)
    {
        public override string ToString() => index < 0 ? type.ToString().ToLowerInvariant() : $"{type.ToString().ToLowerInvariant()}:{index}";
    }

    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA);

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device device(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var parts = spec.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            _ => throw new ArgumentException($"unknown device '{spec}' (expected cpu, cuda or cuda:N)", nameof(spec)),
        };
        if (parts.Length == 1) return new Device(type);
        if (parts.Length == 2 && int.TryParse(parts[1], out var index) && index >= 0) return new Device(type, index);
        throw new ArgumentException($"bad device index in '{spec}'", nameof(spec));
    }

    public static Device device(DeviceType type, int index = -1) => new(type, index);

    /// <summary>Throws a clear exception when <paramref name="device"/> is CUDA and no CUDA device can be used.</summary>
    internal static void EnsureAvailable(Device device)
    {
        if (device.type != DeviceType.CUDA) return;
        if (!cuda.is_available())
            throw new CudaUnavailableException($"{device} requested, but CUDA is not available: this libtorch build has no CUDA " +
                "support or no GPU/driver is present (torch.cuda.is_available() is false).");
        var count = cuda.device_count();
        if (device.index >= count)
            throw new CudaUnavailableException($"{device} requested, but only {count} CUDA device(s) are present.");
    }
}

/// <summary>CUDA was requested where it cannot be used.</summary>
public sealed class CudaUnavailableException(string message) : InvalidOperationException(message);
