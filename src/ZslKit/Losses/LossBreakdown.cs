// LossBreakdown.cs - a training loss together with the named, unweighted terms it is made of (e.g. LESA's L_rank, L_rel,
// L_div, L_dist), so that training can log each term's share as the official LESA scripts do (l_rank, l_att_global,
// l_att_span, l_att_dist in their log.csv).
using ZslKit.Torch;

namespace ZslKit.Losses;

/// <summary>The total loss (with autograd history) and its terms before weighting, each a scalar on the same device.</summary>
public sealed record LossBreakdown(Tensor Total, IReadOnlyList<KeyValuePair<string, Tensor>> Terms)
{
    /// <summary>A loss with one term (e.g. a baseline trained with L_rank only): the term is the total.</summary>
    public static LossBreakdown Single(string name, Tensor total) => new(total, [new(name, total)]);
}
