// PthTensors.cs - tensor-level bridge for PyTorch .pth state dicts: torch.load_pth (PthReader -> TensorData -> Tensor).
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch;

public static partial class torch
{
    /// <summary>
    /// Reads a state dict from a <c>torch.save</c> file (zip or legacy format; the top-level dict, or its
    /// "state_dict"/"model" entry) with the restricted pickle reader and creates each tensor on <paramref name="device"/>.
    /// </summary>
    public static Dictionary<string, Tensor> load_pth(string path, Device? device = null, PthReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var content = options is null ? PthReader.Load(path) : PthReader.LoadStateDict(path, null, options);
        var result = new Dictionary<string, Tensor>(content.Count);
        foreach (var (name, data) in content) result[name] = from_data(data, device);
        return result;
    }
}
