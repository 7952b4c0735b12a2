// A small Markdown-to-HTML converter for notebook markdown cells in the offline report: headings, paragraphs, lists, fenced
// code, inline code, bold, italic and links. Everything is HTML-escaped first; it is not a full CommonMark implementation.
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ZslKit.Reporting;

/// <summary>Converts the Markdown subset used in our notebooks to HTML.</summary>
public static partial class MiniMarkdown
{
    public static string ToHtml(string markdown)
    {
        var sb = new StringBuilder();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var paragraph = new List<string>();
        string? list = null;   // "ul" or "ol" while inside a list

        void FlushParagraph()
        {
            if (paragraph.Count > 0) sb.Append("<p>").Append(Inline(string.Join(" ", paragraph))).Append("</p>\n");
            paragraph.Clear();
        }
        void CloseList()
        {
            if (list is not null) sb.Append("</").Append(list).Append(">\n");
            list = null;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                FlushParagraph(); CloseList();
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++) code.Add(lines[i]);
                sb.Append("<pre><code>").Append(WebUtility.HtmlEncode(string.Join("\n", code))).Append("</code></pre>\n");
                continue;
            }
            if (Heading().Match(line) is { Success: true } h)
            {
                FlushParagraph(); CloseList();
                var level = h.Groups[1].Value.Length;
                sb.Append($"<h{level}>").Append(Inline(h.Groups[2].Value.Trim())).Append($"</h{level}>\n");
                continue;
            }
            var bullet = Bullet().Match(line);
            var numbered = Numbered().Match(line);
            if (bullet.Success || numbered.Success)
            {
                FlushParagraph();
                var kind = bullet.Success ? "ul" : "ol";
                if (list != kind) { CloseList(); sb.Append('<').Append(kind).Append(">\n"); list = kind; }
                sb.Append("<li>").Append(Inline((bullet.Success ? bullet : numbered).Groups[1].Value)).Append("</li>\n");
                continue;
            }
            if (line.Trim().Length == 0) { FlushParagraph(); CloseList(); continue; }
            CloseList();
            paragraph.Add(line.Trim());
        }
        FlushParagraph();
        CloseList();
        return sb.ToString();
    }

    /// <summary>Inline markup of one escaped line: `code`, **bold**, *italic*, [text](url).</summary>
    public static string Inline(string text)
    {
        var parts = text.Split('`');
        var sb = new StringBuilder();
        for (var k = 0; k < parts.Length; k++)
        {
            var s = WebUtility.HtmlEncode(parts[k]);
            if (k % 2 == 1 && k < parts.Length - 1) { sb.Append("<code>").Append(s).Append("</code>"); continue; }
            if (k % 2 == 1) sb.Append('`');
            s = Bold().Replace(s, "<strong>$1</strong>");
            s = Italic().Replace(s, "<em>$1</em>");
            s = Link().Replace(s, m => m.Groups[2].Value.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)
                ? m.Groups[1].Value : $"<a href=\"{m.Groups[2].Value}\">{m.Groups[1].Value}</a>");
            sb.Append(s);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")] private static partial Regex Heading();
    [GeneratedRegex(@"^\s*[-*+]\s+(.*)$")] private static partial Regex Bullet();
    [GeneratedRegex(@"^\s*\d+[.)]\s+(.*)$")] private static partial Regex Numbered();
    [GeneratedRegex(@"\*\*(.+?)\*\*")] private static partial Regex Bold();
    [GeneratedRegex(@"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")] private static partial Regex Italic();
    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)\)")] private static partial Regex Link();
}
