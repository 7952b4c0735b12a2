// TensorFiles.cs - tensor-level file helpers: torch.save_safetensors / torch.load_safetensors.
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch;

public static partial class torch
{
    /// <summary>Writes named tensors (copied to the CPU) to a safetensors file.</summary>
    public static void save_safetensors(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var data = tensors.Select(kv => new KeyValuePair<string, TensorData>(kv.Key, (kv.Value ?? throw new ArgumentNullException(nameof(tensors), $"tensor '{kv.Key}' is null")).ToData()));
        SafeTensors.Write(path, data, metadata);
    }

    /// <summary>Reads every tensor of a safetensors file (in file order) onto <paramref name="device"/>.</summary>
    public static Dictionary<string, Tensor> load_safetensors(string path, Device? device = null)
    {
        var content = SafeTensors.Read(path);
        var result = new Dictionary<string, Tensor>(content.Tensors.Count);
        foreach (var (name, data) in content.Tensors) result[name] = from_data(data, device);
        return result;
    }
}
